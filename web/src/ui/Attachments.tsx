import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, useId } from 'react';
import { answer, type Schemas } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { ProblemAlert } from './ProblemAlert.js';

type Parent = { kind: 'deal' | 'contact' | 'company' | 'project' | 'task'; id: string };
type NewAttachment = Schemas['NewAttachment'];

/** Files on a record: the API signs an upload for the file's exact type and size, S3 takes it, the API confirms. */
export function Attachments({ parent, editable }: { parent: Parent; editable: boolean }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const inputId = useId();
  const key = ['attachments', parent.id];
  const path = { params: { path: { id: parent.id } } };
  const list = useQuery({
    queryKey: key,
    queryFn: () => {
      switch (parent.kind) {
        case 'deal':
          return answer(client.GET('/deals/{id}/attachments', path));
        case 'contact':
          return answer(client.GET('/contacts/{id}/attachments', path));
        case 'company':
          return answer(client.GET('/companies/{id}/attachments', path));
        case 'project':
          return answer(client.GET('/projects/{id}/attachments', path));
        case 'task':
          return answer(client.GET('/tasks/{id}/attachments', path));
      }
    },
  });
  const upload = useMutation({
    mutationFn: async (file: File) => {
      const body = {
        name: file.name,
        contentType: file.type as NewAttachment['contentType'],
        size: file.size,
      };
      const asked = { ...path, body };
      const ask = await (() => {
        switch (parent.kind) {
          case 'deal':
            return answer(client.POST('/deals/{id}/attachments', asked));
          case 'contact':
            return answer(client.POST('/contacts/{id}/attachments', asked));
          case 'company':
            return answer(client.POST('/companies/{id}/attachments', asked));
          case 'project':
            return answer(client.POST('/projects/{id}/attachments', asked));
          case 'task':
            return answer(client.POST('/tasks/{id}/attachments', asked));
        }
      })();
      const put = await fetch(ask.upload.url, { method: 'PUT', headers: ask.upload.headers, body: file });
      if (!put.ok) throw new Error(`the file store refused the upload (${put.status})`);
      return answer(
        client.POST('/attachments/{id}/complete', { params: { path: { id: ask.attachment.id } } }),
      );
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }),
  });
  const download = useMutation({
    mutationFn: (id: string) => answer(client.GET('/attachments/{id}', { params: { path: { id } } })),
    onSuccess: (found) => {
      if (found.download) window.location.assign(found.download.url);
    },
  });
  const chosen = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) upload.mutate(file);
    event.target.value = '';
  };
  return (
    <section aria-labelledby={`${inputId}-title`}>
      <h3 id={`${inputId}-title`}>Attachments</h3>
      <ProblemAlert error={list.error ?? upload.error ?? download.error} />
      <ul>
        {(list.data?.items ?? []).map((a) => (
          <li key={a.id}>
            <button type="button" className="link" onClick={() => download.mutate(a.id)}>
              {a.name}
            </button>{' '}
            <span className="muted">{Math.ceil(a.size / 1024)} KB</span>
          </li>
        ))}
      </ul>
      {editable && (
        <p>
          <label htmlFor={inputId}>Attach a file </label>
          <input id={inputId} type="file" onChange={chosen} disabled={upload.isPending} />
        </p>
      )}
    </section>
  );
}
