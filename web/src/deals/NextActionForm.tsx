import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef } from 'react';
import type { paths } from '../../../clients/typescript/index.js';
import { ApiProblem, answer, ifMatch, type Schemas } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { Field } from '../ui/Field.js';
import { formText } from '../ui/form-text.js';
import { isoFromLocal } from '../ui/format.js';
import { PastDueQuestion } from '../ui/PastDueQuestion.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { usePastDueCheck } from '../ui/past-due.js';

type Deal = Schemas['Deal'];
type NextActionBody = paths['/deals/{id}/next-action']['put']['requestBody']['content']['application/json'];

/**
 * Sets the deal's next action (and ticks off the current one). What was typed stays until it is
 * saved: a refusal, a 412 or no answer leaves the form as it was, and a 412 is sent again over
 * the deal as it is now (setting the next action is not an edit of fields someone else changed).
 */
export function NextActionForm({ deal }: { deal: Deal }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const form = useRef<HTMLFormElement>(null);
  const pastDue = usePastDueCheck();
  const setNext = useMutation({
    mutationFn: (input: { body: NextActionBody; version: number }) =>
      answer(
        client.PUT('/deals/{id}/next-action', {
          params: { path: { id: deal.id }, header: ifMatch(input.version) },
          body: input.body,
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(['deal', deal.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['timeline', deal.id] });
      void queryClient.invalidateQueries({ queryKey: ['deals'] });
      form.current?.reset();
    },
  });
  const problem = setNext.error instanceof ApiProblem ? setNext.error : null;
  const stale = problem?.status === 412;
  // the deal is read again after a 412: mine can be set over it once it is here
  const reread = stale && deal.version !== setNext.variables?.version;
  const submit = (event?: FormEvent<HTMLFormElement>) => {
    event?.preventDefault();
    if (!form.current) return;
    const data = new FormData(form.current);
    const text = formText(data);
    const dueAt = isoFromLocal(text('dueAt'));
    if (!pastDue.allows(dueAt)) return;
    const complete = data.get('completeCurrent') === 'on';
    setNext.mutate({
      version: deal.version,
      body: {
        summary: text('summary'),
        dueAt,
        ...(complete
          ? { completeCurrent: true, ...(text('outcome') ? { outcome: text('outcome') } : {}) }
          : {}),
      } as NextActionBody,
    });
  };
  return (
    <form ref={form} onSubmit={submit} noValidate className="card" aria-labelledby="next-action-form">
      <h3 id="next-action-form">Set the next action</h3>
      <ProblemAlert error={setNext.error} onRetry={() => submit()}>
        {stale &&
          (reread ? (
            <p>
              The deal now reads: next action “{deal.nextAction?.summary ?? 'none'}”.{' '}
              <button type="button" onClick={() => submit()}>
                Set mine anyway
              </button>
            </p>
          ) : (
            <p aria-busy="true">Reading the deal again…</p>
          ))}
      </ProblemAlert>
      {deal.nextAction && (
        <>
          <label className="inline">
            <input type="checkbox" name="completeCurrent" /> “{deal.nextAction.summary}” is done
          </label>
          <Field label="Outcome" path="outcome" problem={problem}>
            {(p) => <input {...p} type="text" />}
          </Field>
        </>
      )}
      <Field label="Next action" path="summary" problem={problem}>
        {(p) => <input {...p} type="text" />}
      </Field>
      <Field
        label="Due"
        path="dueAt"
        kind="datetime"
        problem={problem}
        warning={<PastDueQuestion check={pastDue} onConfirm={() => submit()} />}
      >
        {(p) => <input {...p} type="datetime-local" onChange={pastDue.dismiss} />}
      </Field>
      <button type="submit" disabled={setNext.isPending}>
        Save next action
      </button>
    </form>
  );
}
