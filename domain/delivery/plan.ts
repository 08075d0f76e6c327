import { type FieldIssue, ValidationFailed } from '../shared/errors.js';
import { CalendarDate } from '../shared/time.js';
import * as z from '../shared/zod.js';
import { BusinessDays, type WorkingCalendar } from './calendar.js';
import type { ScheduleSummary, Task } from './project.js';
import { computeSchedule, type PlanTask, type Schedule } from './schedule.js';
import type { Template } from './template.js';

// From a template and a kickoff date to dated tasks, and from any change back to dates: the
// project's tasks are scheduled as a whole (forward pass from the kickoff), and each task's
// start and due dates are the schedule's early dates on the project's calendar.

export interface ProjectFrame {
  kickoffDate: string;
  promisedDueDate?: string | undefined;
  calendar: WorkingCalendar;
}

export interface PlanOptions extends ProjectFrame {
  projectId: string;
  now: string;
  /** Deterministic ids per template task, so writing the plan again writes the same tasks. */
  taskId(key: string): string;
}

/** Template tasks as project tasks, anchors turned into start constraints and dependencies. */
export function tasksFromTemplate(
  template: Pick<Template, 'tasks' | 'dependencies'>,
  options: PlanOptions,
): Task[] {
  const days = new BusinessDays(options.kickoffDate, options.calendar);
  const issues: FieldIssue[] = [];
  const idOf = new Map(template.tasks.map((t) => [t.key, options.taskId(t.key)]));
  const tasks = template.tasks.map((t, i): Task => {
    let earliestStart: string | undefined;
    const dependencies: Task['dependencies'] = [];
    if (t.anchor.to === 'kickoff') {
      earliestStart = days.date(Math.max(0, t.anchor.offsetDays));
    } else if (t.anchor.to === 'promisedDueDate') {
      if (!options.promisedDueDate) {
        issues.push({
          path: `tasks.${i}.anchor`,
          message: `task ${t.key} is anchored to the promised due date, and the project has none`,
        });
      } else {
        earliestStart = days.date(
          Math.max(0, days.index(options.promisedDueDate, 'back') + t.anchor.offsetDays),
        );
      }
    } else {
      dependencies.push({
        predecessorId: idOf.get(t.anchor.taskKey)!,
        type: 'FS',
        lagDays: t.anchor.offsetDays,
      });
    }
    for (const d of template.dependencies.filter((x) => x.successor === t.key)) {
      if (!dependencies.some((x) => x.predecessorId === idOf.get(d.predecessor))) {
        dependencies.push({ predecessorId: idOf.get(d.predecessor)!, type: d.type, lagDays: d.lagDays });
      }
    }
    return {
      id: idOf.get(t.key)!,
      projectId: options.projectId,
      key: t.key,
      title: t.title,
      ...(t.description ? { description: t.description } : {}),
      kind: t.milestone || t.durationDays === 0 ? 'milestone' : 'task',
      status: 'todo',
      position: i + 1,
      ...(t.section ? { section: t.section } : {}),
      durationDays: t.durationDays,
      ...(earliestStart ? { earliestStart } : {}),
      startDate: options.kickoffDate,
      dueDate: options.kickoffDate,
      ...(t.estimateHours !== undefined ? { estimateHours: t.estimateHours } : {}),
      dependencies,
      ...(t.approval ? { approval: { ...t.approval, status: 'pending' as const } } : {}),
      checklist: [],
      createdAt: options.now,
      updatedAt: options.now,
      version: 1,
    };
  });
  if (issues.length) throw new ValidationFailed(issues);
  return tasks;
}

export interface Rescheduled {
  tasks: Task[];
  moved: { task: Task; before: { startDate: string; dueDate: string } }[];
  summary: ScheduleSummary;
  schedule: Schedule;
  days: BusinessDays;
}

/**
 * Schedules every task; `moved` lists the tasks whose dates the schedule changed. A parent task
 * (one with subtasks) is a summary: it spans its subtasks and takes no time of its own. Its
 * dependencies and start constraint apply to every subtask under it, and a task that depends on
 * it waits for all of them; its dates are the earliest start and latest finish beneath it.
 */
export function reschedule(frame: ProjectFrame, tasks: Task[]): Rescheduled {
  const days = new BusinessDays(frame.kickoffDate, frame.calendar);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const children = new Map<string, Task[]>();
  for (const t of tasks) {
    if (t.parentId && byId.has(t.parentId))
      children.set(t.parentId, [...(children.get(t.parentId) ?? []), t]);
  }
  const leavesMemo = new Map<string, string[]>();
  const leavesOf = (id: string): string[] => {
    const known = leavesMemo.get(id);
    if (known) return known;
    const kids = children.get(id);
    const leaves = kids ? kids.flatMap((k) => leavesOf(k.id)) : [id];
    leavesMemo.set(id, leaves);
    return leaves;
  };
  const ancestors = (t: Task): Task[] => {
    const up: Task[] = [];
    for (
      let p = t.parentId ? byId.get(t.parentId) : undefined;
      p;
      p = p.parentId ? byId.get(p.parentId) : undefined
    )
      up.push(p);
    return up;
  };
  // a dependency on a summary is a dependency on every subtask under it
  const expand = (deps: Task['dependencies']) =>
    deps.flatMap((d) =>
      children.has(d.predecessorId)
        ? leavesOf(d.predecessorId).map((l) => ({ ...d, predecessorId: l }))
        : [d],
    );
  const plan: PlanTask[] = tasks
    .filter((t) => !children.has(t.id))
    .map((t) => {
      const starts = [t, ...ancestors(t)]
        .filter((x) => x.earliestStart)
        .map((x) => Math.max(0, days.index(x.earliestStart!, 'forward')));
      return {
        id: t.id,
        // a cancelled task keeps its place and its links, and takes no time
        durationDays: t.cancelled ? 0 : t.durationDays,
        ...(starts.length ? { earliestStart: Math.max(...starts) } : {}),
        dependencies: expand([...t.dependencies, ...ancestors(t).flatMap((a) => a.dependencies)]),
      };
    });
  const leafSchedule = computeSchedule(plan);
  const timings = new Map(leafSchedule.timings);
  for (const id of children.keys()) {
    const under = leavesOf(id).map((l) => leafSchedule.timings.get(l)!);
    // a milestone beneath happens on its day: the parent spans that day too
    const until = (start: number, finish: number) => Math.max(finish, start + 1);
    const earlyStart = Math.min(...under.map((m) => m.earlyStart));
    const earlyFinish = Math.max(...under.map((m) => until(m.earlyStart, m.earlyFinish)));
    const lateStart = Math.min(...under.map((m) => m.lateStart));
    const lateFinish = Math.max(...under.map((m) => until(m.lateStart, m.lateFinish)));
    const totalSlack = Math.min(...under.map((m) => m.totalSlack));
    timings.set(id, {
      earlyStart,
      earlyFinish,
      lateStart,
      lateFinish,
      totalSlack,
      critical: totalSlack === 0,
    });
  }
  const schedule: Schedule = { ...leafSchedule, timings };
  const moved: Rescheduled['moved'] = [];
  const dated = tasks.map((t) => {
    const timing = schedule.timings.get(t.id)!;
    const startDate = days.date(timing.earlyStart);
    const dueDate = days.date(Math.max(timing.earlyStart, timing.earlyFinish - 1));
    if (startDate === t.startDate && dueDate === t.dueDate) return t;
    const next = { ...t, startDate, dueDate };
    moved.push({ task: next, before: { startDate: t.startDate, dueDate: t.dueDate } });
    return next;
  });
  return { tasks: dated, moved, schedule, days, summary: summarize(frame, schedule, days) };
}

function summarize(frame: ProjectFrame, schedule: Schedule, days: BusinessDays): ScheduleSummary {
  const projectedFinish = schedule.finish > 0 ? days.date(schedule.finish - 1) : days.origin;
  if (!frame.promisedDueDate)
    return { projectedFinish, promisedDueDate: null, shortfallDays: 0, atRisk: false };
  const shortfallDays = Math.max(0, days.index(projectedFinish) - days.index(frame.promisedDueDate, 'back'));
  return {
    projectedFinish,
    promisedDueDate: frame.promisedDueDate,
    shortfallDays,
    atRisk: shortfallDays > 0,
  };
}

export const ScheduledTask = z.object(() => ({
  id: z.string(),
  title: z.string(),
  durationDays: z.int(),
  earlyStart: CalendarDate,
  earlyFinish: CalendarDate,
  lateStart: CalendarDate,
  lateFinish: CalendarDate,
  totalSlackDays: z.int(),
  critical: z.boolean(),
}));

export const ScheduleReport = z
  .object(() => ({
    projectId: z.string(),
    kickoffDate: CalendarDate,
    projectedFinish: CalendarDate.nullable(),
    promisedDueDate: CalendarDate.nullable(),
    shortfallDays: z.int(),
    atRisk: z.boolean(),
    criticalPath: z
      .array(z.object(() => ({ id: z.string(), title: z.string() })))
      .describe('the first of criticalPaths: the chain that ends the project last'),
    criticalPaths: z
      .array(z.array(z.object(() => ({ id: z.string(), title: z.string() }))))
      .describe('every chain of zero-slack tasks whose constraints bind, start to finish (at most 20)'),
    criticalTaskIds: z.array(z.string()).describe('every task with zero total slack'),
    tasks: z.array(ScheduledTask),
  }))
  .register(z.globalRegistry, { id: 'ScheduleReport' });
export type ScheduleReport = z.infer<typeof ScheduleReport>;

/** GET /projects/{id}/schedule: early and late dates, slack, the critical path, the finish against the promise. */
export function scheduleReport(projectId: string, frame: ProjectFrame, tasks: Task[]): ScheduleReport {
  const { schedule, days, summary } = reschedule(frame, tasks);
  const finishDate = (start: number, finish: number) => days.date(Math.max(start, finish - 1));
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return {
    projectId,
    kickoffDate: days.origin,
    ...summary,
    criticalPath: schedule.criticalPath.map((id) => ({ id, title: byId.get(id)!.title })),
    criticalPaths: schedule.criticalPaths.map((chain) =>
      chain.map((id) => ({ id, title: byId.get(id)!.title })),
    ),
    criticalTaskIds: tasks.filter((t) => schedule.timings.get(t.id)!.critical).map((t) => t.id),
    tasks: tasks
      .map((t) => {
        const m = schedule.timings.get(t.id)!;
        return {
          id: t.id,
          title: t.title,
          durationDays: t.durationDays,
          earlyStart: days.date(m.earlyStart),
          earlyFinish: finishDate(m.earlyStart, m.earlyFinish),
          lateStart: days.date(m.lateStart),
          lateFinish: finishDate(m.lateStart, m.lateFinish),
          totalSlackDays: m.totalSlack,
          critical: m.critical,
          es: m.earlyStart,
        };
      })
      .sort((a, b) => a.es - b.es || a.title.localeCompare(b.title))
      .map(({ es: _es, ...rest }) => rest),
  };
}
