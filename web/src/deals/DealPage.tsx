import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { ApiProblem, answer, ifMatch, type Schemas } from '../api/client.js';
import { usePeople, usePipelines } from '../api/queries.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { Attachments } from '../ui/Attachments.js';
import { Field } from '../ui/Field.js';
import { formText } from '../ui/form-text.js';
import { dateTime, isoFromLocal, money } from '../ui/format.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { Timeline } from '../ui/Timeline.js';
import { DealTasks } from './DealTasks.js';
import { LoseDialog } from './LoseDialog.js';
import { WinDialog } from './WinDialog.js';

type Deal = Schemas['Deal'];

/** The handoff makes the project from DealClosedWon, a moment after the win: the page asks until it is there. */
function ProjectLink({ deal }: { deal: Deal }) {
  const { client } = useSession();
  const project = useQuery({
    queryKey: ['deal-project', deal.id, deal.wins],
    queryFn: () => answer(client.GET('/deals/{id}/project', { params: { path: { id: deal.id } } })),
    retry: (count, error) => error instanceof ApiProblem && error.status === 404 && count < 60,
    retryDelay: 1000,
  });
  if (project.data)
    return (
      <p className="handoff-done">
        Delivery project: <Link href={`/projects/${project.data.id}`}>{project.data.name}</Link>
      </p>
    );
  if (project.isError) return <ProblemAlert error={project.error} />;
  return (
    <p role="status" className="waiting">
      Won. The handoff is creating the delivery project…
    </p>
  );
}

function NextActionForm({ deal }: { deal: Deal }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const setNext = useMutation({
    mutationFn: (body: { summary: string; dueAt: string; completeCurrent?: boolean; outcome?: string }) =>
      answer(
        client.PUT('/deals/{id}/next-action', {
          params: { path: { id: deal.id }, header: ifMatch(deal.version) },
          body,
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(['deal', deal.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['timeline', deal.id] });
      void queryClient.invalidateQueries({ queryKey: ['deals'] });
    },
  });
  const problem = setNext.error instanceof ApiProblem ? setNext.error : null;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = formText(form);
    const complete = form.get('completeCurrent') === 'on';
    setNext.mutate({
      summary: text('summary'),
      dueAt: isoFromLocal(text('dueAt')),
      ...(complete
        ? { completeCurrent: true, ...(text('outcome') ? { outcome: text('outcome') } : {}) }
        : {}),
    });
    event.currentTarget.reset();
  };
  return (
    <form onSubmit={submit} noValidate className="card" aria-labelledby="next-action-form">
      <h3 id="next-action-form">Set the next action</h3>
      <ProblemAlert error={setNext.error} />
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
      <Field label="Due" path="dueAt" problem={problem}>
        {(p) => <input {...p} type="datetime-local" />}
      </Field>
      <button type="submit" disabled={setNext.isPending}>
        Save next action
      </button>
    </form>
  );
}

export function DealPage({ id }: { id: string }) {
  const { client } = useSession();
  const { editCrm } = useAbilities();
  const { nameOf } = usePeople();
  const pipelines = usePipelines();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<'win' | 'lose' | null>(null);
  const deal = useQuery({
    queryKey: ['deal', id],
    queryFn: () => answer(client.GET('/deals/{id}', { params: { path: { id } } })),
  });
  const move = useMutation({
    mutationFn: ({ d, stageId }: { d: Deal; stageId: string }) =>
      answer(
        client.POST('/deals/{id}/move', {
          params: { path: { id: d.id }, header: ifMatch(d.version) },
          body: { stageId },
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(['deal', id], saved);
      void queryClient.invalidateQueries({ queryKey: ['timeline', id] });
    },
    onError: () => void queryClient.invalidateQueries({ queryKey: ['deal', id] }),
  });
  if (deal.isError) return <ProblemAlert error={deal.error} />;
  if (!deal.data) return <p aria-busy="true">Loading the deal…</p>;
  const d = deal.data;
  const pipeline = pipelines.data?.find((p) => p.id === d.pipelineId);
  return (
    <div className="deal-page">
      <p>
        <Link href="/pipeline">← Pipeline</Link>
      </p>
      <h1>{d.title}</h1>
      <p className={`status status-${d.status}`}>{d.status}</p>
      <ProblemAlert error={move.error} />
      <div className="columns">
        <section aria-labelledby="facts">
          <h2 id="facts">Facts</h2>
          <dl className="facts">
            <dt>Value</dt>
            <dd>{money(d.value)}</dd>
            <dt>Owner</dt>
            <dd>{nameOf(d.ownerId)}</dd>
            <dt>Stage</dt>
            <dd>
              {editCrm && d.status === 'open' ? (
                <select
                  aria-label="Stage"
                  value={d.stageId}
                  onChange={(e) => move.mutate({ d, stageId: e.target.value })}
                >
                  {pipeline?.stages.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </select>
              ) : (
                (pipeline?.stages.find((s) => s.id === d.stageId)?.name ?? d.stageId)
              )}
            </dd>
            {d.companyId && (
              <>
                <dt>Company</dt>
                <dd>
                  <Link href={`/companies/${d.companyId}`}>open the company</Link>
                </dd>
              </>
            )}
            {d.contactId && (
              <>
                <dt>Contact</dt>
                <dd>
                  <Link href={`/contacts/${d.contactId}`}>open the contact</Link>
                </dd>
              </>
            )}
            {d.leadSource && (
              <>
                <dt>Lead source</dt>
                <dd>{d.leadSource}</dd>
              </>
            )}
            {d.expectedCloseDate && (
              <>
                <dt>Expected close</dt>
                <dd>{d.expectedCloseDate}</dd>
              </>
            )}
            <dt>Next action</dt>
            <dd>{d.nextAction ? `${d.nextAction.summary}, ${dateTime(d.nextAction.dueAt)}` : 'none'}</dd>
            {d.lostReason && (
              <>
                <dt>Lost because</dt>
                <dd>{d.lostReason}</dd>
              </>
            )}
          </dl>
          {d.status === 'won' && <ProjectLink deal={d} />}
          {d.handoff && (
            <section aria-labelledby="handoff">
              <h3 id="handoff">Handoff</h3>
              <p>{d.handoff.scopeSummary}</p>
              <p>
                Kickoff {d.handoff.kickoffDate}, promised by {d.handoff.promisedTimeline.dueDate}
              </p>
              <ul>
                {d.handoff.keyConstraints.map((c) => (
                  <li key={c}>{c}</li>
                ))}
              </ul>
            </section>
          )}
          {/* a win or a loss is sent with the version read: it waits for the deal read afresh */}
          {editCrm && d.status === 'open' && (
            <div className="actions">
              <button type="button" onClick={() => setDialog('win')} disabled={deal.isFetching}>
                Win…
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => setDialog('lose')}
                disabled={deal.isFetching}
              >
                Lost…
              </button>
            </div>
          )}
          <Attachments parent={{ kind: 'deal', id: d.id }} editable={editCrm} />
        </section>
        <section aria-labelledby="work">
          <h2 id="work">Work</h2>
          {editCrm && d.status === 'open' && <NextActionForm deal={d} />}
          <DealTasks dealId={d.id} editable={editCrm} />
          <Timeline entity="deals" id={d.id} />
        </section>
      </div>
      {dialog === 'win' && <WinDialog deal={d} open onClose={() => setDialog(null)} />}
      {dialog === 'lose' && <LoseDialog deal={d} open onClose={() => setDialog(null)} />}
    </div>
  );
}
