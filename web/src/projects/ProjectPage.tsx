import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { answer, type Schemas } from '../api/client.js';
import { usePeople } from '../api/queries.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { date } from '../ui/format.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { Gantt } from './Gantt.js';
import { NewTaskForm } from './NewTaskForm.js';
import { TaskDrawer } from './TaskDrawer.js';

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
  const { client } = useSession();
  const { editDelivery } = useAbilities();
  const { nameOf } = usePeople();
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

  if (project.isError) return <ProblemAlert error={project.error} />;
  if (!project.data) return <p aria-busy="true">Loading the project…</p>;
  const p = project.data;
  const tasks = planOrder(p.tasks.filter((t) => !t.cancelled));
  const critical = new Set(schedule.data?.criticalTaskIds ?? []);
  const movedIds = new Set(moved.map((m) => m.id));
  const task = openTask ? p.tasks.find((t) => t.id === openTask) : undefined;
  return (
    <div className="project-page">
      <p>
        <Link href="/projects">← Projects</Link>
      </p>
      <h1>{p.name}</h1>
      <p>
        <span className={`status status-${p.status}`}>{p.status}</span> · owner {nameOf(p.ownerId)} · kickoff{' '}
        {date(p.kickoffDate)}
        {p.dealId && (
          <>
            {' '}
            · <Link href={`/deals/${p.dealId}`}>the deal</Link>
          </>
        )}
      </p>
      {p.schedule.atRisk ? (
        <div role="alert" className="problem at-risk">
          <strong>At risk:</strong> the plan finishes {p.schedule.projectedFinish}, {p.schedule.shortfallDays}{' '}
          business day(s) after the promised {p.schedule.promisedDueDate}.
        </div>
      ) : (
        p.schedule.promisedDueDate && (
          <p className="on-track">
            On track: finishes {p.schedule.projectedFinish}, promised {p.schedule.promisedDueDate}.
          </p>
        )
      )}
      {p.handoffs.at(-1) && (
        <details>
          <summary>What sales promised</summary>
          <p>{p.handoffs.at(-1)!.scopeSummary}</p>
          <ul>
            {p.handoffs.at(-1)!.keyConstraints.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </details>
      )}
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
      <Gantt
        tasks={tasks}
        criticalTaskIds={schedule.data?.criticalTaskIds ?? []}
        promisedDueDate={p.schedule.promisedDueDate}
        kickoffDate={p.kickoffDate}
        moved={movedIds}
      />
      <p className="legend">
        <span className="swatch critical" /> critical path <span className="swatch" /> other tasks{' '}
        <span className="swatch moved" /> just moved
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
      {editDelivery && <NewTaskForm projectId={id} tasks={tasks} />}
      {task && (
        <TaskDrawer
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
