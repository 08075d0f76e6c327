import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { answer, ifMatch, type Schemas } from '../api/client.js';
import { usePeople } from '../api/queries.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { date } from '../ui/format.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { RefreshFailed } from '../ui/RefreshFailed.js';
import { businessDays, localToday } from './business-days.js';
import { CustomerPortal } from './CustomerPortal.js';
import { Gantt, type Reschedule } from './Gantt.js';
import { NewTaskForm } from './NewTaskForm.js';
import { ProjectAttachments } from './ProjectAttachments.js';
import { ProjectBudget } from './ProjectBudget.js';
import { ProjectFacts } from './ProjectFacts.js';
import { PromiseStatus } from './PromiseStatus.js';
import { TaskDrawer } from './TaskDrawer.js';
import './project.css';

type Task = Schemas['PlannedTask'];

/** The plan's order: by section as the plan lists them, then position, then start. */
function planOrder(tasks: Task[]): Task[] {
  const sections = [...new Set(tasks.map((t) => t.section ?? ''))];
  return [...tasks].sort(
    (a, b) =>
      sections.indexOf(a.section ?? '') - sections.indexOf(b.section ?? '') ||
      (a.position ?? Number.MAX_SAFE_INTEGER) - (b.position ?? Number.MAX_SAFE_INTEGER) ||
      a.startDate.localeCompare(b.startDate),
  );
}

export function ProjectPage({ id }: { id: string }) {
  const { client, userId } = useSession();
  const { editDelivery, manage } = useAbilities();
  const { nameOf } = usePeople();
  const queryClient = useQueryClient();
  const search = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const openTask = search.get('task');
  const project = useQuery({
    queryKey: ['project', id],
    queryFn: () => answer(client.GET('/projects/{id}', { params: { path: { id } } })),
  });
  const schedule = useQuery({
    queryKey: ['schedule', id],
    queryFn: () => answer(client.GET('/projects/{id}/schedule', { params: { path: { id } } })),
  });
  // what a change moved: the dates before it, compared with the dates after the reload
  const before = useRef<Map<string, string> | null>(null);
  const [moved, setMoved] = useState<{ id: string; title: string; from: string; to: string }[]>([]);
  useEffect(() => {
    const previous = before.current;
    if (!previous || !project.data) return;
    before.current = null;
    setMoved(
      project.data.tasks
        .filter((t) => previous.has(t.id) && previous.get(t.id) !== `${t.startDate}/${t.dueDate}`)
        .map((t) => ({
          id: t.id,
          title: t.title,
          from: previous.get(t.id)!,
          to: `${t.startDate}/${t.dueDate}`,
        })),
    );
  }, [project.data]);
  const remember = () => {
    before.current = new Map((project.data?.tasks ?? []).map((t) => [t.id, `${t.startDate}/${t.dueDate}`]));
  };
  const reload = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['project', id] }),
      queryClient.invalidateQueries({ queryKey: ['schedule', id] }),
    ]);
  // a bar dragged on the timeline: the same task change the drawer's reschedule form makes
  const [held, setHeld] = useState('');
  const reschedule = useMutation({
    mutationFn: ({ task, change }: { task: Task; change: Reschedule }) =>
      answer(
        client.PATCH('/tasks/{id}', {
          params: { path: { id: task.id }, header: ifMatch(task.version) },
          body: change,
        }),
      ),
    onMutate: () => {
      setHeld('');
      remember();
    },
    onSuccess: (saved, { change }) => {
      // a start its dependencies do not allow is kept as a wish: the task stays where they let it
      if (change.startDate && saved.startDate !== change.startDate)
        setHeld(
          `${saved.title} starts ${date(saved.startDate)}, not ${date(change.startDate)}: what it depends on finishes later.`,
        );
    },
    // settled once the page has read the plan again, so the bar is drawn from the answer
    onSettled: reload,
  });

  // a record on screen stays when reading it again fails (RefreshFailed says so)
  if (project.isError && !project.data)
    return (
      <ProblemAlert error={project.error} loading="the project" onRetry={() => void project.refetch()} />
    );
  if (!project.data) return <p aria-busy="true">Loading the project…</p>;
  const p = project.data;
  const calendar = businessDays(p.calendar);
  const tasks = planOrder(p.tasks.filter((t) => !t.cancelled));
  const critical = new Set(schedule.data?.criticalTaskIds ?? []);
  const movedIds = new Set(moved.map((m) => m.id));
  const task = openTask ? p.tasks.find((t) => t.id === openTask) : undefined;
  const handoff = p.handoffs.at(-1);
  const open = (taskId: string) => navigate(`/projects/${id}?task=${taskId}`);
  return (
    <div className="project-page">
      <p>
        <Link href="/projects">← Projects</Link>
      </p>
      <header className="project-header">
        <h1>{p.name}</h1>
        <RefreshFailed query={project} what="the project" />
        <PromiseStatus project={p} calendar={calendar} />
      </header>
      <div className="columns">
        <section aria-labelledby="project-facts">
          <h2 id="project-facts">Facts</h2>
          <ProjectFacts project={p} onChanging={remember} />
        </section>
        <section aria-labelledby="project-promise">
          <h2 id="project-promise">What sales promised</h2>
          {handoff ? (
            <>
              <p>{handoff.scopeSummary}</p>
              <p>
                Kickoff {date(handoff.kickoffDate)}, done by {date(handoff.promisedTimeline.dueDate)}.
              </p>
              <h3>Constraints</h3>
              <ul>
                {handoff.keyConstraints.map((c) => (
                  <li key={c}>{c}</li>
                ))}
              </ul>
              {p.handoffs.length > 1 && (
                <p className="muted">
                  Handoff {handoff.version} of {p.handoffs.length}, received{' '}
                  {date(handoff.receivedAt.slice(0, 10))}.
                </p>
              )}
            </>
          ) : (
            <p className="muted">This project was not made from a won deal.</p>
          )}
        </section>
      </div>
      {moved.length > 0 && (
        <div role="status" className="moved">
          <strong>
            {moved.length} task{moved.length === 1 ? '' : 's'} moved:
          </strong>
          <ul>
            {moved.map((m) => (
              <li key={m.id}>
                {m.title}: {m.from.replace('/', ' – ')} → {m.to.replace('/', ' – ')}
              </li>
            ))}
          </ul>
        </div>
      )}
      <h2>Timeline</h2>
      {reschedule.isError && (
        <ProblemAlert
          error={reschedule.error}
          verb="moved"
          onRetry={() => reschedule.variables && reschedule.mutate(reschedule.variables)}
        >
          <p>{reschedule.variables?.task.title} is back where it was.</p>
        </ProblemAlert>
      )}
      <p role="status" className="held">
        {held}
      </p>
      <Gantt
        tasks={tasks}
        criticalTaskIds={schedule.data?.criticalTaskIds ?? []}
        promisedDueDate={p.schedule.promisedDueDate}
        kickoffDate={p.kickoffDate}
        moved={movedIds}
        days={calendar}
        today={localToday()}
        onOpen={open}
        onReschedule={
          editDelivery
            ? (t, change) => reschedule.mutateAsync({ task: t, change }).catch(() => undefined)
            : undefined
        }
      />
      <p className="legend">
        <span className="swatch critical" /> critical path <span className="swatch" /> other tasks{' '}
        <span className="swatch moved" /> just moved <span className="swatch today" /> today{' '}
        <span className="swatch promise" /> promised
      </p>
      <h2>Plan</h2>
      <table className="plan">
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Status</th>
            <th scope="col">Assignee</th>
            <th scope="col">Start</th>
            <th scope="col">Due</th>
            <th scope="col">Days</th>
            <th scope="col">Done</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => (
            <tr key={t.id} data-task-id={t.id} className={movedIds.has(t.id) ? 'moved' : undefined}>
              <td>
                <Link href={`/projects/${id}?task=${t.id}`}>{t.title}</Link>
                {critical.has(t.id) && <span className="badge critical">critical</span>}
                {t.kind === 'milestone' && <span className="badge">milestone</span>}
              </td>
              <td>{t.status.replace('_', ' ')}</td>
              <td>{t.assigneeId ? nameOf(t.assigneeId) : '–'}</td>
              <td data-col="start">{t.startDate}</td>
              <td data-col="due">{t.dueDate}</td>
              <td>{t.durationDays}</td>
              <td>{t.progress.percentComplete}%</td>
            </tr>
          ))}
        </tbody>
      </table>
      {editDelivery && (
        <NewTaskForm projectId={id} tasks={tasks} stakeholderId={p.customer.mainStakeholderContactId} />
      )}
      <ProjectBudget projectId={id} version={p.version} />
      <ProjectAttachments
        projectId={id}
        dealId={p.dealId}
        canShare={manage || (editDelivery && p.ownerId === userId)}
      />
      {/* its delivery owner, managers and admins share it (domain/portal/portal-link.ts, assertMayShare) */}
      <CustomerPortal project={p} canShare={manage || (editDelivery && p.ownerId === userId)} />
      {task && (
        <TaskDrawer
          key={task.id}
          task={task}
          tasks={p.tasks}
          projectId={id}
          onChanging={remember}
          onClose={() => navigate(`/projects/${id}`)}
        />
      )}
    </div>
  );
}
