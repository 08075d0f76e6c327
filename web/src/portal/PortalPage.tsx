import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { ApiProblem, answer, type HandoffClient, type Schemas } from '../api/client.js';
import { date, dateTime } from '../ui/format.js';
import type { PortalSessions } from './portal-session.js';
import './portal.css';

// The customer portal's page (/portal): no sign-in, mobile first. What the customer sees is the
// API's answer (GET /portal/project), which holds only what a customer may see; the page says it
// in plain words: the promise beside the plan, the milestones, how far along it is, and what waits
// on them, which they can approve or send back with a comment.

type Project = Schemas['PortalProject'];
type Waiting = Project['waitingOnYou'][number];

const days = (n: number) => `${n} working day${n === 1 ? '' : 's'}`;

/** Why the page cannot show the project, in words the customer acts on. */
function refusal(error: unknown): string {
  if (error instanceof ApiProblem) {
    if (error.status === 401)
      return `${error.message.replace(/^./, (c) => c.toUpperCase())}`.replace(/\(POST[^)]*\)/, '').trim();
    if (error.status === 429)
      return 'Too many tries from your network. Wait a few minutes, then open your link again.';
  }
  return 'Your project could not be loaded. Check your connection and reload the page.';
}

function Promise_({ p }: { p: Project }) {
  const { state, promisedDate, projectedFinish, gapDays } = p.promise;
  return (
    <section aria-labelledby="promise-heading" className="portal-card">
      <h2 id="promise-heading">The date</h2>
      <dl className="portal-dates">
        <div>
          <dt>Promised</dt>
          <dd>{promisedDate ? date(promisedDate) : 'No date was promised'}</dd>
        </div>
        <div>
          <dt>Planned finish</dt>
          <dd>{projectedFinish ? date(projectedFinish) : 'Not planned yet'}</dd>
        </div>
      </dl>
      <p className={`portal-state ${state}`} data-state={state}>
        {state === 'on_track' && 'On track: the plan finishes by the promised date.'}
        {state === 'at_risk' && `At risk: the plan finishes ${days(gapDays)} after the promised date.`}
        {state === 'no_promise' && 'No date was promised for this project.'}
        {state === 'not_running' && `This project is ${p.project.status.replace('_', ' ')}.`}
      </p>
    </section>
  );
}

function Decide({ item, decide }: { item: Waiting; decide: DecideFn }) {
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const id = useId();
  const send = async (decision: 'approved' | 'rejected') => {
    setError(undefined);
    if (decision === 'rejected' && !comment.trim()) {
      setError('Say what must change before you send it back.');
      return;
    }
    setBusy(true);
    try {
      await decide(item.taskId, decision, comment.trim() || undefined);
    } catch (e) {
      setError(
        e instanceof ApiProblem
          ? `Not sent: ${e.fieldErrors('comment')[0] ?? e.message}`
          : 'Not sent: your project could not be reached. Try again.',
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="portal-approval">
      <h3>{item.title}</h3>
      <p className={item.overdue ? 'late' : 'muted'}>
        {item.overdue ? 'Was wanted by' : 'Wanted by'} {date(item.dueDate)}
        {item.status !== 'pending' ? ` · you sent it back: “${item.comment ?? ''}”` : ''}
      </p>
      {item.description && <p>{item.description}</p>}
      <label htmlFor={`${id}-comment`}>Comment (needed to send it back)</label>
      <textarea
        id={`${id}-comment`}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        rows={3}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error && (
        <p id={`${id}-error`} role="alert" className="problem">
          {error}
        </p>
      )}
      <div className="portal-actions">
        <button type="button" disabled={busy} onClick={() => void send('approved')}>
          Approve
        </button>
        <button type="button" className="quiet" disabled={busy} onClick={() => void send('rejected')}>
          Send back
        </button>
      </div>
    </li>
  );
}

type DecideFn = (taskId: string, decision: 'approved' | 'rejected', comment?: string) => Promise<void>;

function ProjectView({ p, decide }: { p: Project; decide: DecideFn }) {
  return (
    <>
      <header className="portal-head">
        <p className="muted">Hello {p.you.name}</p>
        <h1>{p.project.name}</h1>
        <div className="portal-progress">
          <progress max={100} value={p.percentComplete} aria-labelledby="progress-label" />
          <span id="progress-label">{p.percentComplete}% complete</span>
        </div>
      </header>
      <Promise_ p={p} />
      <section aria-labelledby="waiting-heading" className="portal-card">
        <h2 id="waiting-heading">Waiting on you</h2>
        {p.waitingOnYou.length === 0 ? (
          <p className="muted">Nothing waits on you.</p>
        ) : (
          <ul className="portal-list">
            {p.waitingOnYou.map((w) => (
              <Decide key={w.taskId} item={w} decide={decide} />
            ))}
          </ul>
        )}
        {p.approvedByYou.length > 0 && (
          <>
            <h3>Approved by you</h3>
            <ul className="portal-list plain">
              {p.approvedByYou.map((a) => (
                <li key={a.taskId}>
                  {a.title} <span className="muted">on {dateTime(a.decidedAt)}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      <section aria-labelledby="milestones-heading" className="portal-card">
        <h2 id="milestones-heading">Milestones</h2>
        {p.milestones.length === 0 ? (
          <p className="muted">No milestones are planned.</p>
        ) : (
          <ol className="portal-list plain">
            {p.milestones.map((m) => (
              <li key={m.taskId} data-status={m.status}>
                <strong>{m.title}</strong> · {date(m.date)} ·{' '}
                <span
                  className={m.status === 'late' ? 'late' : m.status === 'reached' ? 'on-track' : 'muted'}
                >
                  {m.status === 'reached' ? 'reached' : m.status === 'late' ? 'late' : 'upcoming'}
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>
      {p.files.length > 0 && (
        <section aria-labelledby="files-heading" className="portal-card">
          <h2 id="files-heading">Files shared with you</h2>
          <ul className="portal-list plain">
            {p.files.map((f) => (
              <li key={f.attachmentId}>{f.name}</li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

export function PortalPage({
  client,
  sessions,
}: {
  client: HandoffClient;
  sessions: PortalSessions | undefined;
}) {
  const queryClient = useQueryClient();
  /** A call with the session's token; a session the API refused is dropped and opened once more. */
  const withSession = async <T,>(call: (headers: { authorization: string }) => Promise<T>): Promise<T> => {
    if (!sessions) throw new Error('no link');
    try {
      return await call({ authorization: `Bearer ${await sessions.token()}` });
    } catch (error) {
      if (!(error instanceof ApiProblem && error.status === 401)) throw error;
      sessions.drop();
      return call({ authorization: `Bearer ${await sessions.token()}` });
    }
  };
  const project = useQuery({
    queryKey: ['portal-project'],
    enabled: sessions !== undefined,
    retry: false,
    queryFn: () => withSession((headers) => answer(client.GET('/portal/project', { headers }))),
  });
  const decision = useMutation({
    mutationFn: ({
      taskId,
      decision,
      comment,
    }: {
      taskId: string;
      decision: 'approved' | 'rejected';
      comment?: string;
    }) =>
      withSession((headers) =>
        answer(
          client.POST('/portal/approvals/{taskId}', {
            params: { path: { taskId } },
            headers,
            body: { decision, ...(comment ? { comment } : {}) },
          }),
        ),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['portal-project'] }),
  });
  const decide: DecideFn = async (taskId, d, comment) => {
    await decision.mutateAsync({ taskId, decision: d, ...(comment ? { comment } : {}) });
  };
  return (
    <main id="main" className="portal">
      {!sessions ? (
        <p role="alert" className="problem">
          This page opens from the link you were sent. Open that link again, or ask your contact for a new
          one.
        </p>
      ) : project.isPending ? (
        <p role="status">Loading your project…</p>
      ) : project.isError ? (
        <p role="alert" className="problem">
          {refusal(project.error)}
        </p>
      ) : (
        <ProjectView p={project.data} decide={decide} />
      )}
      {decision.isSuccess && (
        <p role="status" className="on-track">
          Sent. Thank you.
        </p>
      )}
    </main>
  );
}
