import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { ApiProblem, allPages, answer, type Schemas } from '../api/client.js';
import { usePeople } from '../api/queries.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { EmailReview } from '../email/EmailReview.js';
import { Field } from '../ui/Field.js';
import { isoFromLocal, lateness } from '../ui/format.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { KIND, what } from './follow-up-text.js';

type FollowUp = Schemas['FollowUp'];

function SnoozeForm({ dealId, onDone }: { dealId: string; onDone: () => void }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const snooze = useMutation({
    mutationFn: (body: { until: string; reason: string }) =>
      answer(client.POST('/deals/{id}/snooze', { params: { path: { id: dealId } }, body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['followups'] });
      onDone();
    },
  });
  const problem = snooze.error instanceof ApiProblem ? snooze.error : null;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    snooze.mutate({
      until: isoFromLocal(String(form.get('until') ?? '')),
      reason: String(form.get('reason') ?? '').trim(),
    });
  };
  return (
    <form onSubmit={submit} noValidate className="inline-form">
      <ProblemAlert error={snooze.error} />
      <Field label="Until" path="until" problem={problem}>
        {(p) => <input {...p} type="datetime-local" />}
      </Field>
      <Field label="Why" path="reason" problem={problem}>
        {(p) => <input {...p} type="text" />}
      </Field>
      <button type="submit" disabled={snooze.isPending}>
        Snooze
      </button>
    </form>
  );
}

export function FollowUps() {
  const { client, userId } = useSession();
  const { manage, editCrm } = useAbilities();
  const { nameOf } = usePeople();
  const [team, setTeam] = useState(false);
  const [snoozing, setSnoozing] = useState<string | null>(null);
  const followups = useQuery({
    queryKey: ['followups', team],
    queryFn: () =>
      allPages<FollowUp>((cursor) =>
        answer(
          client.GET('/followups', {
            params: {
              query: { limit: 100, ...(team ? { team: 'true' } : {}), ...(cursor ? { cursor } : {}) },
            },
          }),
        ),
      ),
    refetchInterval: 60_000,
  });
  const items = [...(followups.data ?? [])].sort((a, b) => b.minutesLate - a.minutesLate);
  return (
    <div>
      <div className="toolbar">
        <h1>Follow-ups</h1>
        {manage && (
          <fieldset className="toggle">
            <legend className="visually-hidden">Whose follow-ups</legend>
            <button type="button" aria-pressed={!team} onClick={() => setTeam(false)}>
              Mine
            </button>
            <button type="button" aria-pressed={team} onClick={() => setTeam(true)}>
              The team's
            </button>
          </fieldset>
        )}
      </div>
      <ProblemAlert error={followups.error} />
      {followups.isSuccess && items.length === 0 && <p>Nothing is late. Well done.</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">Late</th>
            <th scope="col">What</th>
            <th scope="col">Kind</th>
            {team && <th scope="col">Owner</th>}
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((f) => {
            const { text, href } = what(f, nameOf, userId);
            const key = `${f.kind}:${href}:${'role' in f ? f.role : ''}`;
            const dealId =
              'dealId' in f && (f.kind === 'overdue-next-action' || f.kind === 'stalled-deal')
                ? f.dealId
                : null;
            return (
              <tr key={key}>
                <td>{lateness(f.minutesLate)}</td>
                <td>
                  <Link href={href}>{text}</Link>
                  {snoozing === key && dealId && (
                    <SnoozeForm dealId={dealId} onDone={() => setSnoozing(null)} />
                  )}
                </td>
                <td>{KIND[f.kind]}</td>
                {team && <td>{nameOf(f.ownerId)}</td>}
                <td>
                  {dealId && editCrm && (
                    <button
                      type="button"
                      className="quiet"
                      onClick={() => setSnoozing(snoozing === key ? null : key)}
                    >
                      Snooze…
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <EmailReview team={team} />
    </div>
  );
}
