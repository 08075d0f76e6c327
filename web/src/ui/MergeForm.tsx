import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { ApiProblem, answer, ifMatch } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { Field } from './Field.js';
import { ProblemAlert } from './ProblemAlert.js';

/** Merges a duplicate into the record on screen: the duplicate's emails, notes, links and history move here. */
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
  const merge = useMutation({
    mutationFn: async (duplicateId: string): Promise<void> => {
      const request = { params: { path: { id }, header: ifMatch(version) }, body: { duplicateId } };
      if (kind === 'contacts') await answer(client.POST('/contacts/{id}/merge', request));
      else await answer(client.POST('/companies/{id}/merge', request));
    },
    onSuccess: () => void queryClient.invalidateQueries(),
  });
  const problem = merge.error instanceof ApiProblem ? merge.error : null;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    merge.mutate(String(new FormData(event.currentTarget).get('duplicateId') ?? '').trim());
  };
  return (
    <form onSubmit={submit} noValidate className="card">
      <h3>Merge a duplicate into this {kind === 'contacts' ? 'contact' : 'company'}</h3>
      <ProblemAlert error={merge.error} />
      {merge.isSuccess && <p role="status">Merged: the duplicate's details and history are here now.</p>}
      <Field
        label="Duplicate's id"
        path="duplicateId"
        problem={problem}
        hint={`${kind === 'contacts' ? 'ct_' : 'co_'}… (from its page's address)`}
      >
        {(p) => <input {...p} type="text" />}
      </Field>
      <button type="submit" disabled={merge.isPending}>
        Merge
      </button>
    </form>
  );
}
