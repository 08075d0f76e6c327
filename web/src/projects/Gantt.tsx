import { type PointerEvent, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Schemas } from '../api/client.js';
import { addCalendarDays, type BusinessDays, calendarDaysBetween } from './business-days.js';
import { focusDate, ticksOf, ZOOMS, type Zoom } from './gantt-scale.js';

// The schedule drawn: a bar per task from its start to its due date, a diamond per milestone,
// an elbow from each predecessor to its successor, the critical path in its own colour and the
// promised date as a line. Written here rather than taken from a Gantt library: the ones that
// exist (frappe-gantt and the like) own their DOM, make every bar draggable, and would need the
// same mapping from the API's schedule; this is one SVG React renders, with a text equivalent
// (the plan table beside it) for screen readers. Dragging is a few pointer handlers on that SVG:
// a drag only proposes a start or a duration in whole business days, the API reschedules, and
// the bars are drawn again from what it answers (a refused drag simply draws them as they were).

type Task = Schemas['PlannedTask'];

const ROW = 28;
const HEADER = 44;
/** The names column, which stays in place while the chart scrolls sideways. */
const NAMES = 220;
/** Room after the last date, to drag a bar later than anything planned. */
const TAIL_DAYS = 21;
/** A press that moves less than this before its release is a click: it opens the task. */
const CLICK_SLOP = 4;
/** Bars at least this wide, so a one-day task can be grabbed when zoomed out. */
const MIN_BAR = 6;
/** How far right of the names column the opening date sits. */
const LEAD_IN = 48;

export interface Reschedule {
  startDate?: string;
  durationDays?: number;
}

interface GanttProps {
  tasks: Task[];
  criticalTaskIds: string[];
  promisedDueDate: string | null;
  kickoffDate: string;
  moved: Set<string>;
  /** The project's working days: a drag moves by whole business days. */
  days: BusinessDays;
  today: string;
  onOpen: (taskId: string) => void;
  /** For people who may edit delivery: what a drag asks for; settles once the page shows the outcome. */
  onReschedule?: ((task: Task, change: Reschedule) => Promise<unknown>) | undefined;
}

interface Drag {
  task: Task;
  mode: 'move' | 'stretch';
  x0: number;
  dx: number;
}

interface Span {
  startDate: string;
  dueDate: string;
}

/** Where a dragged bar lands: its start moved (or its end stretched) by whole business days. */
function landing(drag: Drag, dayWidth: number, days: BusinessDays): Span & { change: Reschedule | null } {
  const { task } = drag;
  const shift = Math.round(drag.dx / dayWidth);
  if (drag.mode === 'move') {
    const startDate = days.roll(addCalendarDays(task.startDate, shift), 'forward');
    const dueDate = days.add(startDate, days.between(task.startDate, task.dueDate));
    return { startDate, dueDate, change: startDate === task.startDate ? null : { startDate } };
  }
  const end = days.roll(addCalendarDays(task.dueDate, shift), 'back');
  const dueDate = [task.startDate, end].sort().at(-1)!;
  const durationDays = days.between(task.startDate, dueDate) + 1;
  return {
    startDate: task.startDate,
    dueDate,
    change: durationDays === task.durationDays ? null : { durationDays },
  };
}

export function Gantt({
  tasks,
  criticalTaskIds,
  promisedDueDate,
  kickoffDate,
  moved,
  days,
  today,
  onOpen,
  onReschedule,
}: GanttProps) {
  const [zoom, setZoom] = useState<Zoom>('weeks');
  const [drag, setDrag] = useState<Drag | null>(null);
  const [pending, setPending] = useState<(Span & { id: string }) | null>(null);
  const scroller = useRef<HTMLElement>(null);
  const dayWidth = ZOOMS.find((z) => z.id === zoom)!.dayWidth;
  const from = tasks
    .map((t) => t.startDate)
    .concat(kickoffDate)
    .sort()[0]!;
  const to = tasks
    .map((t) => t.dueDate)
    .concat(promisedDueDate ?? [], kickoffDate)
    .sort()
    .at(-1)!;
  const x = (day: string) => calendarDaysBetween(from, day) * dayWidth;
  const focus = focusDate(tasks, today, promisedDueDate, { from, to });

  // opens where the work is late or due, and stays on it when the zoom changes
  // biome-ignore lint/correctness/useExhaustiveDependencies: placed on opening and on a zoom only, never while someone works
  useLayoutEffect(() => {
    if (scroller.current) scroller.current.scrollLeft = Math.max(0, x(focus) - LEAD_IN);
  }, [zoom]);

  // Escape lets go of a bar without moving it
  useEffect(() => {
    if (!drag) return;
    const cancel = (e: KeyboardEvent) => e.key === 'Escape' && setDrag(null);
    window.addEventListener('keydown', cancel);
    return () => window.removeEventListener('keydown', cancel);
  }, [drag]);

  if (tasks.length === 0) return <p className="muted">No tasks yet.</p>;

  const critical = new Set(criticalTaskIds);
  const parents = new Set(tasks.flatMap((t) => (t.parentId ? [t.parentId] : [])));
  const span = calendarDaysBetween(from, to) + 1 + TAIL_DAYS;
  const width = span * dayWidth;
  const height = HEADER + tasks.length * ROW;
  const row = new Map(tasks.map((t, i) => [t.id, i]));
  const mid = (i: number) => HEADER + i * ROW + ROW / 2;
  const ticks = ticksOf(from, span, zoom);
  const shown = (t: Task): Span => {
    if (drag?.task.id === t.id) return landing(drag, dayWidth, days);
    if (pending?.id === t.id) return pending;
    return t;
  };
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const late = (t: Task) => t.status !== 'done' && t.dueDate < today;

  const grab = (task: Task, mode: Drag['mode']) => (e: PointerEvent<SVGElement>) => {
    if (e.button !== 0 || pending) return;
    e.preventDefault();
    e.stopPropagation();
    e.currentTarget.ownerSVGElement?.setPointerCapture(e.pointerId);
    setDrag({ task, mode, x0: e.clientX, dx: 0 });
  };
  const follow = (e: PointerEvent<SVGSVGElement>) => {
    if (drag) setDrag({ ...drag, dx: e.clientX - drag.x0 });
  };
  const release = (e: PointerEvent<SVGSVGElement>) => {
    if (!drag) return;
    const done = { ...drag, dx: e.clientX - drag.x0 };
    setDrag(null);
    if (Math.abs(done.dx) < CLICK_SLOP) {
      onOpen(done.task.id);
      return;
    }
    const landed = landing(done, dayWidth, days);
    if (!landed.change || !onReschedule) return;
    setPending({ id: done.task.id, startDate: landed.startDate, dueDate: landed.dueDate });
    // drawn where it was dropped until the page has the API's answer; then from the answer
    void onReschedule(done.task, landed.change).then(
      () => setPending(null),
      () => setPending(null),
    );
  };

  const label = `Timeline from ${from} to ${to}: ${tasks.length} tasks, ${critical.size} on the critical path${
    promisedDueDate ? `, promised by ${promisedDueDate}` : ''
  }${today >= from && today <= to ? `, today is ${today}` : ''}.`;
  const todayShown = today >= from && calendarDaysBetween(from, today) < span;
  return (
    <div className="gantt-frame">
      <div className="gantt-toolbar">
        <fieldset className="segmented">
          <legend className="visually-hidden">Zoom</legend>
          {ZOOMS.map((z) => (
            <button key={z.id} type="button" aria-pressed={zoom === z.id} onClick={() => setZoom(z.id)}>
              {z.label}
            </button>
          ))}
        </fieldset>
        {onReschedule && (
          <p className="muted gantt-hint">
            Drag a bar to move its start, its right end to change its length (whole business days).
          </p>
        )}
      </div>
      <section
        ref={scroller}
        className="gantt-scroll"
        aria-label="Timeline, scrolls sideways"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolled region is reached by keyboard to scroll it (WCAG 2.1.1)
        tabIndex={0}
        data-focus-date={focus}
      >
        <div className="gantt-inner">
          <div className="gantt-names" aria-hidden="true" style={{ width: NAMES }}>
            <div className="gantt-names-head" style={{ height: HEADER }}>
              Task
            </div>
            {tasks.map((t) => (
              <div
                key={t.id}
                className={`gantt-name${late(t) ? ' late' : ''}${t.parentId ? ' sub' : ''}`}
                style={{ height: ROW }}
                title={t.title}
                data-task-name={t.id}
              >
                {t.title}
              </div>
            ))}
          </div>
          <svg
            className={`gantt${onReschedule ? ' editable' : ''}${drag ? ' dragging' : ''}`}
            width={width}
            height={height}
            role="img"
            aria-label={label}
            onPointerMove={follow}
            onPointerUp={release}
            onPointerCancel={() => setDrag(null)}
          >
            {ticks.map((t) => (
              <g key={t.date} className="gantt-tick">
                <line x1={x(t.date)} x2={x(t.date)} y1={0} y2={height} />
                <text x={x(t.date) + 4} y={13}>
                  {t.label}
                </text>
              </g>
            ))}
            {tasks.flatMap((t) =>
              t.dependencies.map((dep) => {
                const fromRow = row.get(dep.predecessorId);
                const toRow = row.get(t.id);
                const pred = byId.get(dep.predecessorId);
                if (fromRow === undefined || toRow === undefined || !pred) return null;
                const x1 = x(shown(pred).dueDate) + dayWidth;
                const x2 = x(shown(t).startDate);
                const turn = Math.max(x1 + 6, x2 - 6);
                return (
                  <path
                    key={`${dep.predecessorId}-${t.id}`}
                    className="gantt-link"
                    d={`M${x1},${mid(fromRow)} H${turn} V${mid(toRow)} H${x2}`}
                  />
                );
              }),
            )}
            {tasks.map((t, i) => {
              const at = shown(t);
              const cls = `gantt-bar${critical.has(t.id) ? ' critical' : ''}${t.status === 'done' ? ' done' : ''}${
                moved.has(t.id) ? ' moved' : ''
              }${drag?.task.id === t.id ? ' grabbed' : ''}${pending?.id === t.id ? ' pending' : ''}`;
              const title = `${t.title}: ${at.startDate} to ${at.dueDate}${critical.has(t.id) ? ', critical' : ''}`;
              const events = onReschedule
                ? { onPointerDown: grab(t, 'move') }
                : { onClick: () => onOpen(t.id) };
              if (t.kind === 'milestone') {
                const cx = x(at.dueDate) + dayWidth / 2;
                const cy = mid(i);
                return (
                  <path
                    key={t.id}
                    className={cls}
                    data-task-bar={t.id}
                    d={`M${cx},${cy - 8} L${cx + 8},${cy} L${cx},${cy + 8} L${cx - 8},${cy} Z`}
                    {...events}
                  >
                    <title>{title}</title>
                  </path>
                );
              }
              const left = x(at.startDate);
              const barWidth = Math.max(
                MIN_BAR,
                (calendarDaysBetween(at.startDate, at.dueDate) + 1) * dayWidth,
              );
              return (
                <g key={t.id}>
                  <rect
                    className={cls}
                    data-task-bar={t.id}
                    x={left}
                    y={HEADER + i * ROW + 6}
                    width={barWidth}
                    height={ROW - 12}
                    rx={3}
                    {...events}
                  >
                    <title>{title}</title>
                  </rect>
                  {onReschedule && !parents.has(t.id) && (
                    <rect
                      className="gantt-handle"
                      data-task-handle={t.id}
                      x={left + barWidth - 5}
                      y={HEADER + i * ROW + 4}
                      width={10}
                      height={ROW - 8}
                      onPointerDown={grab(t, 'stretch')}
                    >
                      <title>{`Drag to change how long ${t.title} takes`}</title>
                    </rect>
                  )}
                </g>
              );
            })}
            {todayShown && (
              <g className="gantt-today">
                <line x1={x(today) + dayWidth / 2} x2={x(today) + dayWidth / 2} y1={18} y2={height} />
                <text x={x(today) + dayWidth / 2 + 3} y={28}>
                  today
                </text>
              </g>
            )}
            {promisedDueDate && (
              <g className="gantt-promise">
                <line
                  x1={x(promisedDueDate) + dayWidth}
                  x2={x(promisedDueDate) + dayWidth}
                  y1={30}
                  y2={height}
                />
                <text x={x(promisedDueDate) + dayWidth - 3} y={40} textAnchor="end">
                  promised
                </text>
              </g>
            )}
          </svg>
        </div>
      </section>
    </div>
  );
}
