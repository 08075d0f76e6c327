import type { Schemas } from '../api/client.js';

// The schedule drawn: a bar per task from its start to its due date, a diamond per milestone,
// an elbow from each predecessor to its successor, the critical path in its own colour and the
// promised date as a line. Written here rather than taken from a Gantt library: the ones that
// exist (frappe-gantt and the like) own their DOM, make every bar draggable, and would need the
// same mapping from the API's schedule; this is one SVG React renders, with a text equivalent
// (the plan table beside it) for screen readers.

type Task = Schemas['PlannedTask'];

const DAY = 86_400_000;
const ROW = 28;
const DAY_WIDTH = 22;
const HEADER = 24;

const dayIndex = (from: string, day: string) =>
  Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);

interface GanttProps {
  tasks: Task[];
  criticalTaskIds: string[];
  promisedDueDate: string | null;
  kickoffDate: string;
  moved: Set<string>;
}

export function Gantt({ tasks, criticalTaskIds, promisedDueDate, kickoffDate, moved }: GanttProps) {
  if (tasks.length === 0) return <p className="muted">No tasks yet.</p>;
  const critical = new Set(criticalTaskIds);
  const starts = tasks.map((t) => t.startDate).concat(kickoffDate);
  const ends = tasks.map((t) => t.dueDate).concat(promisedDueDate ? [promisedDueDate] : []);
  const from = starts.sort()[0]!;
  const to = ends.sort().at(-1)!;
  const days = dayIndex(from, to) + 2;
  const width = days * DAY_WIDTH;
  const height = HEADER + tasks.length * ROW;
  const row = new Map(tasks.map((t, i) => [t.id, i]));
  const x = (day: string) => dayIndex(from, day) * DAY_WIDTH;
  const mid = (i: number) => HEADER + i * ROW + ROW / 2;
  const months: { label: string; at: number }[] = [];
  for (let d = 0; d < days; d++) {
    const date = new Date(Date.parse(`${from}T00:00:00Z`) + d * DAY);
    if (d === 0 || date.getUTCDate() === 1)
      months.push({ label: date.toISOString().slice(0, 7), at: d * DAY_WIDTH });
  }
  const label = `Timeline from ${from} to ${to}: ${tasks.length} tasks, ${critical.size} on the critical path${
    promisedDueDate ? `, promised by ${promisedDueDate}` : ''
  }.`;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolled region is reached by keyboard to scroll it (WCAG 2.1.1)
    <section className="gantt-scroll" aria-label="Timeline, scrolls sideways" tabIndex={0}>
      <svg className="gantt" width={width} height={height} role="img" aria-label={label}>
        {months.map((m) => (
          <text key={m.label} x={m.at + 4} y={16} className="gantt-month">
            {m.label}
          </text>
        ))}
        {tasks.flatMap((t) =>
          t.dependencies.map((dep) => {
            const from = row.get(dep.predecessorId);
            const to = row.get(t.id);
            const pred = tasks.find((p) => p.id === dep.predecessorId);
            if (from === undefined || to === undefined || !pred) return null;
            const x1 = x(pred.dueDate) + DAY_WIDTH;
            const x2 = x(t.startDate);
            const turn = Math.max(x1 + 6, x2 - 6);
            return (
              <path
                key={`${dep.predecessorId}-${t.id}`}
                className="gantt-link"
                d={`M${x1},${mid(from)} H${turn} V${mid(to)} H${x2}`}
              />
            );
          }),
        )}
        {tasks.map((t, i) => {
          const cls = `gantt-bar${critical.has(t.id) ? ' critical' : ''}${t.status === 'done' ? ' done' : ''}${
            moved.has(t.id) ? ' moved' : ''
          }`;
          const title = `${t.title}: ${t.startDate} to ${t.dueDate}${critical.has(t.id) ? ', critical' : ''}`;
          if (t.kind === 'milestone') {
            const cx = x(t.dueDate) + DAY_WIDTH / 2;
            const cy = mid(i);
            return (
              <path
                key={t.id}
                className={cls}
                d={`M${cx},${cy - 8} L${cx + 8},${cy} L${cx},${cy + 8} L${cx - 8},${cy} Z`}
              >
                <title>{title}</title>
              </path>
            );
          }
          return (
            <rect
              key={t.id}
              className={cls}
              data-task-bar={t.id}
              x={x(t.startDate)}
              y={HEADER + i * ROW + 6}
              width={Math.max(DAY_WIDTH, (dayIndex(t.startDate, t.dueDate) + 1) * DAY_WIDTH)}
              height={ROW - 12}
              rx={3}
            >
              <title>{title}</title>
            </rect>
          );
        })}
        {promisedDueDate && (
          <g className="gantt-promise">
            <line
              x1={x(promisedDueDate) + DAY_WIDTH}
              x2={x(promisedDueDate) + DAY_WIDTH}
              y1={HEADER - 4}
              y2={height}
            />
            <text x={x(promisedDueDate) + DAY_WIDTH - 4} y={HEADER - 8} textAnchor="end">
              promised
            </text>
          </g>
        )}
      </svg>
    </section>
  );
}
