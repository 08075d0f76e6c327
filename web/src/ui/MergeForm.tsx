import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiProblem, answer, ifMatch } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { Field } from './Field.js';
import { ProblemAlert } from './ProblemAlert.js';
import { CompanyPicker, ContactPicker } from './pickers.js';

/** Merges a duplicate, found by its name, into the record on screen: its emails, notes, links and history move here. */
export function MergeForm({
  kind,
  id,
  version,
}: {
  kind: 'contacts' | 'companies';
  id: string;
  version: number;
}) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const [duplicateId, setDuplicateId] = useState('');
  const merge = useMutation({
    mutationFn: async (duplicate: string): Promise<void> => {
      const request = {
        params: { path: { id }, header: ifMatch(version) },
        body: { duplicateId: duplicate },
      };
      if (kind === 'contacts') await answer(client.POST('/contacts/{id}/merge', request));
      else await answer(client.POST('/companies/{id}/merge', request));
    },
    onSuccess: () => {
      setDuplicateId('');
      void queryClient.invalidateQueries();
    },
  });
  const problem = merge.error instanceof ApiProblem ? merge.error : null;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    merge.mutate(duplicateId);
  };
  const noun = kind === 'contacts' ? 'contact' : 'company';
  return (
    <form onSubmit={submit} noValidate className="card">
      <h3>Merge a duplicate into this {noun}</h3>
      <ProblemAlert error={merge.error} verb="merged" onRetry={() => merge.mutate(duplicateId)} />
      {merge.isSuccess && <p role="status">Merged: the duplicate's details and history are here now.</p>}
      <Field label={`The duplicate ${noun}`} path="duplicateId" kind="choice" problem={problem}>
        {(p) =>
          kind === 'contacts' ? (
            <ContactPicker field={p} value={duplicateId} onChange={setDuplicateId} />
          ) : (
            <CompanyPicker field={p} value={duplicateId} onChange={setDuplicateId} />
          )
        }
      </Field>
      <button type="submit" disabled={merge.isPending || !duplicateId || duplicateId === id}>
        Merge
      </button>
      {duplicateId === id && <p className="muted">That is this {noun}: choose the other one.</p>}
    </form>
  );
}
