import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, useId, useState } from 'react';
import { allPages, answer, ifMatch, type Schemas } from '../api/client.js';
import { usePeople } from '../api/queries.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { dateTime } from '../ui/format.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

// The project's files and those of the deal it was made from (the API lists both for the
// project), each with who added it and whether the customer sees it on the portal; anyone who
// may edit delivery attaches, the project's delivery owner (or a manager or an admin) shares a
// file on the portal or stops, and a file is deleted by whoever added it, a manager or an admin
// (the API's rules, mirrored so each button shows only where it works).

type Attachment = Schemas['Attachment'];
type NewAttachment = Schemas['NewAttachment'];

/** 2048 → "2 KB": what a person needs to know of a file's size. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function ProjectAttachments({
  projectId,
  dealId,
  canShare,
}: {
  projectId: string;
  dealId?: string | undefined;
  /** Whether this person shares the project with its customer (its delivery owner, managers, admins). */
  canShare: boolean;
}) {
  const { client, userId } = useSession();
  const { editDelivery, manage } = useAbilities();
  const { nameOf } = usePeople();
  const queryClient = useQueryClient();
  const inputId = useId();
  const [said, say] = useState('');
  const [deleting, setDeleting] = useState<string | null>(null);
  const key = ['attachments', projectId, 'with-deal'];
  const changed = () => {
    void queryClient.invalidateQueries({ queryKey: ['attachments', projectId] });
    if (dealId) void queryClient.invalidateQueries({ queryKey: ['attachments', dealId] });
  };
  const sharedKey = ['portal-files', projectId];
  const shared = useQuery({
    queryKey: sharedKey,
    queryFn: () =>
      answer(client.GET('/projects/{id}/portal-files', { params: { path: { id: projectId } } })).then(
        (page) => new Set(page.items.map((f) => f.attachmentId)),
      ),
  });
  const share = useMutation({
    mutationFn: ({ a, on }: { a: Attachment; on: boolean }) => {
      const params = { path: { id: projectId, attachmentId: a.id } };
      return on
        ? answer(client.PUT('/projects/{id}/portal-files/{attachmentId}', { params }))
        : answer(client.DELETE('/projects/{id}/portal-files/{attachmentId}', { params }));
    },
    // pending until the list is read again, so the button never offers what was just done
    onSuccess: async (_, { a, on }) => {
      await queryClient.invalidateQueries({ queryKey: sharedKey });
      say(on ? `Shared ${a.name} with the customer on the portal.` : `${a.name} is no longer on the portal.`);
    },
  });
  const list = useQuery({
    queryKey: key,
    queryFn: () =>
      allPages<Attachment>((cursor) =>
        answer(
          client.GET('/projects/{id}/attachments', {
            params: { path: { id: projectId }, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
          }),
        ),
      ),
  });
  const upload = useMutation({
    mutationFn: async (file: File) => {
      const body: NewAttachment = {
        name: file.name,
        contentType: file.type as NewAttachment['contentType'],
        size: file.size,
      };
      const asked = await answer(
        client.POST('/projects/{id}/attachments', { params: { path: { id: projectId } }, body }),
      );
      const put = await fetch(asked.upload.url, {
        method: 'PUT',
        headers: asked.upload.headers,
        body: file,
      });
      if (!put.ok) throw new Error(`the file store refused the upload (${put.status})`);
      return answer(
        client.POST('/attachments/{id}/complete', { params: { path: { id: asked.attachment.id } } }),
      );
    },
    onSuccess: (stored) => {
      say(`Attached ${stored.name}.`);
      changed();
    },
  });
  const download = useMutation({
    mutationFn: (id: string) => answer(client.GET('/attachments/{id}', { params: { path: { id } } })),
    onSuccess: (found) => {
      if (found.download) window.location.assign(found.download.url);
    },
  });
  const remove = useMutation({
    mutationFn: (a: Attachment) =>
      answer(
        client.DELETE('/attachments/{id}', { params: { path: { id: a.id }, header: ifMatch(a.version) } }),
      ),
    onSuccess: (_, a) => {
      say(`Deleted ${a.name}.`);
      setDeleting(null);
      changed();
    },
  });
  const chosen = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) upload.mutate(file);
    event.target.value = '';
  };
  const mayDelete = (a: Attachment) => a.uploadedBy === userId || manage;
  const items = list.data ?? [];
  return (
    <section aria-labelledby={`${inputId}-title`} className="project-attachments">
      <h2 id={`${inputId}-title`}>Attachments</h2>
      <p role="status" className="confirmation">
        {said}
      </p>
      <ProblemAlert error={list.error} loading="the attachments" onRetry={() => void list.refetch()} />
      <ProblemAlert
        error={upload.error}
        verb="attached"
        onRetry={() => upload.variables && upload.mutate(upload.variables)}
      />
      <ProblemAlert error={download.error} verb="downloaded" />
      <ProblemAlert error={remove.error} verb="deleted" />
      <ProblemAlert
        error={share.error}
        verb={share.variables?.on === false ? 'taken off the portal' : 'shared'}
        onRetry={() => share.variables && share.mutate(share.variables)}
      />
      <ProblemAlert
        error={shared.error}
        loading="what the customer sees"
        onRetry={() => void shared.refetch()}
      />
      {list.isSuccess && items.length === 0 && <p className="muted">No files yet.</p>}
      {items.length > 0 && (
        <table className="attachments">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Size</th>
              <th scope="col">On</th>
              <th scope="col">Added by</th>
              <th scope="col">When</th>
              <th scope="col">Customer</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr key={a.id} data-attachment={a.id}>
                <td>
                  <button type="button" className="link" onClick={() => download.mutate(a.id)}>
                    {a.name}
                  </button>
                </td>
                <td>{fileSize(a.size)}</td>
                <td>{a.parent.kind === 'deal' ? 'the deal' : 'the project'}</td>
                <td>{nameOf(a.uploadedBy)}</td>
                <td>{dateTime(a.storedAt ?? a.createdAt)}</td>
                <td>
                  {shared.data?.has(a.id) ? 'On the portal' : shared.data ? 'Not shared' : ''}
                  {canShare && shared.data && a.status === 'stored' && (
                    <>
                      {' '}
                      <button
                        type="button"
                        className="quiet"
                        disabled={share.isPending}
                        onClick={() => share.mutate({ a, on: !shared.data.has(a.id) })}
                      >
                        {shared.data.has(a.id) ? 'Stop sharing' : 'Share on the portal'}
                        <span className="visually-hidden"> {a.name}</span>
                      </button>
                    </>
                  )}
                </td>
                <td>
                  {mayDelete(a) &&
                    (deleting === a.id ? (
                      <span className="entry-actions">
                        Delete {a.name}?{' '}
                        <button
                          type="button"
                          className="danger"
                          disabled={remove.isPending}
                          onClick={() => remove.mutate(a)}
                        >
                          Yes, delete it
                        </button>
                        <button type="button" className="quiet" onClick={() => setDeleting(null)}>
                          Keep it
                        </button>
                      </span>
                    ) : (
                      <button type="button" className="quiet" onClick={() => setDeleting(a.id)}>
                        Delete<span className="visually-hidden"> {a.name}</span>
                      </button>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editDelivery && (
        <p>
          <label htmlFor={inputId}>Attach a file to the project </label>
          <input id={inputId} type="file" onChange={chosen} disabled={upload.isPending} />
        </p>
      )}
    </section>
  );
}
