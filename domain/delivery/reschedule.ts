import { type DomainEvent, type EventData, emit } from '../events.js';
import type { CommandContext } from '../shared/context.js';
import { ValidationFailed } from '../shared/errors.js';
import { reschedule } from './plan.js';
import type { Project, Task } from './project.js';
import { watchPromise } from './promise.js';

// Scheduling a project's plan again after a change: every task whose dates move is written with
// TaskRescheduled and its cause, and the promise is watched across the change. Task commands
// and project commands both decide through it.

export type Cause = EventData<'TaskRescheduled'>['cause'];

export interface TaskDecision {
  /** The tasks this command writes (changed and moved), each at its next version. */
  changed: Task[];
  /** Of those, the ids that only moved because the schedule did (a cascade may write them later). */
  movedOnly: string[];
  events: DomainEvent[];
  project: Project;
}

function frame(project: Project) {
  return {
    kickoffDate: project.kickoffDate,
    promisedDueDate: project.promisedDueDate,
    calendar: project.calendar,
  };
}

/** Schedules the project's tasks after a change; returns every task to write and the moves' events. */
export function rescheduleAfter(
  project: Project,
  all: Task[],
  touched: Map<string, Task>,
  cause: Cause,
  ctx: CommandContext,
  watchFrom?: Project,
): { changed: Task[]; movedOnly: string[]; events: DomainEvent[]; project: Project } {
  let planned: ReturnType<typeof reschedule>;
  try {
    planned = reschedule(frame(project), all);
  } catch (error) {
    if (error instanceof ValidationFailed) {
      throw new ValidationFailed(
        error.issues.map((i) => ({
          ...i,
          message: i.message.replace('the dependencies form a cycle', 'this would close a cycle'),
        })),
      );
    }
    throw error;
  }
  const byId = new Map(planned.tasks.map((t) => [t.id, t]));
  const events: DomainEvent[] = [];
  const changed = new Map<string, Task>();
  for (const [id, t] of touched) changed.set(id, { ...byId.get(id)!, version: t.version });
  for (const { task, before } of planned.moved) {
    const original = all.find((t) => t.id === task.id)!;
    const base = changed.get(task.id) ?? { ...task, version: original.version + 1, updatedAt: ctx.now };
    changed.set(task.id, { ...base, startDate: task.startDate, dueDate: task.dueDate });
    if (touched.has(task.id) && cause.kind === 'task-added') continue;
    events.push(
      emit(ctx, 'TaskRescheduled', {
        taskId: task.id,
        projectId: project.id,
        from: before,
        to: { startDate: task.startDate, dueDate: task.dueDate },
        cause,
      }),
    );
  }
  const scheduleChanged = JSON.stringify(planned.summary) !== JSON.stringify(project.schedule);
  const after = scheduleChanged ? { ...project, schedule: planned.summary } : project;
  const watched = watchPromise(watchFrom ?? project, after, ctx, describeCause(cause));
  return {
    changed: [...changed.values()],
    movedOnly: [...changed.keys()].filter((id) => !touched.has(id)),
    events: [...events, ...watched.events],
    project: watched.project,
  };
}

/** What moved the schedule, in words (for ProjectAtRisk and ProjectBackOnTrack). */
export function describeCause(cause: Cause): string {
  const task = cause.taskId ? ` ${cause.taskId}` : '';
  switch (cause.kind) {
    case 'task-changed':
      return `task${task} changed`;
    case 'task-added':
      return `task${task} added`;
    case 'dependency-added':
      return `a dependency of task${task} added`;
    case 'dependency-removed':
      return `a dependency of task${task} removed`;
    case 'plan-created':
      return 'the plan was made';
    case 'project-dates':
      return "the project's kickoff or promised due date changed";
    case 'deal-won-again':
      return 'the deal was won again with a new handoff';
  }
}

/**
 * The whole plan scheduled again after a change to the project itself (its kickoff or promise,
 * a new win): every task whose dates move is written, with TaskRescheduled and the cause.
 * `watchFrom` is the project as it was before the change, for the promise's transition.
 */
export function rescheduleProject(
  project: Project,
  tasks: Task[],
  cause: Cause,
  ctx: CommandContext,
  watchFrom: Project,
): TaskDecision {
  return rescheduleAfter(project, tasks, new Map(), cause, ctx, watchFrom);
}
