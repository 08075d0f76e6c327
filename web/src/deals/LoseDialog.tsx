import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { ApiProblem, answer, ifMatch, type Schemas } from '../api/client.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { Dialog } from '../ui/Dialog.js';
import { Field } from '../ui/Field.js';
import { formText } from '../ui/form-text.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

export function LoseDialog({
  deal,
  open,
  onClose,
}: {
  deal: Schemas['Deal'];
  open: boolean;
  onClose: () => void;
}) {
  const { client } = useSession();
  const { manage } = useAbilities();
  const queryClient = useQueryClient();
  const reasons = useQuery({
    queryKey: ['deal-reasons'],
    queryFn: () => answer(client.GET('/deal-reasons')),
  });
  const lose = useMutation({
    mutationFn: (body: { reason: string; reasonDetail?: string; project?: 'on_hold' | 'cancelled' }) =>
      answer(
        client.POST('/deals/{id}/lost', {
          params: { path: { id: deal.id }, header: ifMatch(deal.version) },
          body,
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(['deal', saved.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['deals'] });
      onClose();
    },
  });
  const problem = lose.error instanceof ApiProblem ? lose.error : null;
  const lostReasons = reasons.data?.lost ?? [];
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = formText(form);
    lose.mutate({
      reason: text('reason'),
      ...(text('reasonDetail') ? { reasonDetail: text('reasonDetail') } : {}),
      ...(deal.projectId && text('project') ? { project: text('project') as 'on_hold' | 'cancelled' } : {}),
    });
  };
  return (
    <Dialog title="Mark as lost" open={open} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <ProblemAlert error={lose.error} />
        <Field label="Reason" path="reason" problem={problem}>
          {(p) =>
            lostReasons.length > 0 ? (
              <select {...p} defaultValue="">
                <option value="">choose a reason</option>
                {[...lostReasons, 'other'].map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            ) : (
              <input {...p} type="text" />
            )
          }
        </Field>
        <Field label="Detail" path="reasonDetail" problem={problem}>
          {(p) => <input {...p} type="text" />}
        </Field>
        {deal.projectId && (
          <Field label="Its delivery project" path="project" problem={problem}>
            {(p) => (
              <select {...p} defaultValue="on_hold">
                <option value="on_hold">put on hold (resumes if won again)</option>
                {manage && <option value="cancelled">cancel</option>}
              </select>
            )}
          </Field>
        )}
        <div className="actions">
          <button type="submit" className="danger" disabled={lose.isPending}>
            Mark as lost
          </button>
        </div>
      </form>
    </Dialog>
  );
}
