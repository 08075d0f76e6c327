import { type DomainEvent, emit } from '../events.js';
import { type CommandContext, hasRole, type Role } from '../shared/context.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../shared/errors.js';
import { applyPatch } from '../shared/patch.js';
import { burnLine, lineToBurn } from './budget-lines.commands.js';
import { approvalRequested, budgetExceeded } from './project.commands.js';
import {
  assertMayChangeDelivery,
  type DecideApproval,
  isClosed,
  type NewDependency,
  type NewTask,
  type NewTimeEntry,
  type Project,
  type Task,
  type TaskComment,
  type TaskPatch,
  type TimeEntry,
} from './project.js';
import { rescheduleAfter, type TaskDecision } from './reschedule.js';

// Changing tasks. Every change that can move dates reschedules the whole project and reports
// each task whose dates moved (TaskRescheduled, with the cause); nothing else moves.
// Over 300 lines: every task command shares the one reschedule step (reschedule.ts), so they are kept together.

/**
 * A task is done only after its finish-to-start predecessors are: by hand, by an approval, or
 * any other way of finishing it (409 naming what it waits for).
 */
function assertPredecessorsDone(task: Task, tasks: Task[]): void {
  const waiting = task.dependencies
    .filter((d) => d.type === 'FS')
    .map((d) => tasks.find((t) => t.id === d.predecessorId)!)
    .filter((p) => p && !isClosed(p));
  if (waiting.length) {
    throw new Conflict(
      `task ${task.id} cannot be done before ${waiting.map((w) => `${w.id} (${w.title})`).join(', ')}`,
      { waitingFor: waiting.map((w) => w.id) },
    );
  }
}

function requireTask(tasks: Task[], id: string, path = 'predecessorId'): Task {
  const t = tasks.find((x) => x.id === id);
  if (!t) throw new ValidationFailed([{ path, message: `task ${id} is not in this project` }]);
  return t;
}

function assertNoParentCycle(tasks: Task[], taskId: string, parentId: string): void {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  for (let p: string | undefined = parentId; p; p = byId.get(p)?.parentId) {
    if (p === taskId)
      throw new ValidationFailed([{ path: 'parentId', message: 'a task cannot be its own ancestor' }]);
  }
}

export function addTask(project: Project, tasks: Task[], input: NewTask, ctx: CommandContext): TaskDecision {
  assertMayChangeDelivery(ctx.actor);
  if (input.parentId) requireTask(tasks, input.parentId, 'parentId');
  const task: Task = {
    id: ctx.newId('task'),
    projectId: project.id,
    title: input.title,
    ...(input.description ? { description: input.description } : {}),
    kind: input.milestone || input.durationDays === 0 ? 'milestone' : 'task',
    status: 'todo',
    ...(input.assigneeId ? { assigneeId: input.assigneeId } : {}),
    ...(input.parentId ? { parentId: input.parentId } : {}),
    // added tasks go last in the plan
    position: Math.floor(Math.max(0, ...tasks.map((t) => t.position ?? 0))) + 1,
    ...(input.section ? { section: input.section } : {}),
    ...(input.internal ? { internal: true } : {}),
    durationDays: input.durationDays,
    ...(input.startDate ? { earliestStart: input.startDate } : {}),
    startDate: project.kickoffDate,
    dueDate: project.kickoffDate,
    ...(input.estimateHours !== undefined ? { estimateHours: input.estimateHours } : {}),
    dependencies: [],
    ...(input.approval ? { approval: { ...input.approval, status: 'pending' as const } } : {}),
    checklist: input.checklist.map((text) => ({ text, done: false })),
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
  };
  const result = rescheduleAfter(
    project,
    [...tasks, task],
    new Map([[task.id, task]]),
    { kind: 'task-added', taskId: task.id },
    ctx,
  );
  const created = result.changed.find((t) => t.id === task.id)!;
  const events: DomainEvent[] = [emit(ctx, 'TaskCreated', { task: created })];
  if (created.assigneeId)
    events.push(
      emit(ctx, 'TaskAssigned', {
        taskId: task.id,
        projectId: project.id,
        from: null,
        to: created.assigneeId,
      }),
    );
  if (created.approval) events.push(approvalRequested(ctx, created));
  return {
    changed: result.changed,
    movedOnly: result.movedOnly,
    events: [...events, ...result.events],
    project: withEstimateChange(result.project, input.estimateHours ?? 0),
  };
}

/** The project with its estimated total moved by a task's change of estimate (in hours). */
function withEstimateChange(project: Project, hours: number): Project {
  const minutes = Math.round(hours * 60);
  if (!minutes) return project;
  return {
    ...project,
    totals: { ...project.totals, estimatedMinutes: project.totals.estimatedMinutes + minutes },
  };
}

export function updateTask(
  project: Project,
  tasks: Task[],
  current: Task,
  patch: TaskPatch,
  ctx: CommandContext,
): TaskDecision {
  assertMayChangeDelivery(ctx.actor);
  if (current.cancelled) throw new Conflict(`task ${current.id} was cancelled (${current.cancelled.reason})`);
  const { startDate, ...rest } = patch;
  const { next, changed } = applyPatch(current, rest);
  if (startDate !== undefined && startDate !== (current.earliestStart ?? null)) {
    if (startDate === null) delete next.earliestStart;
    else next.earliestStart = startDate;
    changed.push('startDate');
  }
  if (changed.length === 0) return { changed: [], movedOnly: [], events: [], project };
  if (next.kind === 'milestone' && next.durationDays !== 0) {
    throw new ValidationFailed([{ path: 'durationDays', message: 'a milestone lasts 0 days' }]);
  }
  if (next.internal && next.approval?.approverContactId) {
    throw new ValidationFailed([
      {
        path: 'internal',
        message: 'the customer decides its approval in the project portal: it cannot be internal',
      },
    ]);
  }
  if (patch.parentId) {
    requireTask(tasks, patch.parentId, 'parentId');
    assertNoParentCycle(tasks, current.id, patch.parentId);
  }
  const events: DomainEvent[] = [];
  if (changed.includes('status')) {
    if (current.approval && next.status === 'done' && current.approval.status !== 'approved') {
      throw new Conflict(
        `task ${current.id} is done when its approval is decided (POST /tasks/${current.id}/approval)`,
      );
    }
    if (next.status === 'done') {
      assertPredecessorsDone(current, tasks);
      next.doneAt = ctx.now;
      if (current.kind === 'milestone') {
        events.push(
          emit(ctx, 'MilestoneReached', {
            taskId: current.id,
            projectId: project.id,
            title: current.title,
            plannedDate: current.dueDate,
            reachedAt: ctx.now,
            // addressed to the rep who sold it as well as to delivery (docs/api.md, "The customer portal")
            dealId: project.dealId ?? null,
            dealOwnerId: project.dealOwnerId ?? null,
            projectOwnerId: project.ownerId,
          }),
        );
      }
    } else {
      delete next.doneAt;
    }
    events.unshift(
      emit(ctx, 'TaskStatusChanged', {
        taskId: current.id,
        projectId: project.id,
        from: current.status,
        to: next.status,
      }),
    );
  }
  if (changed.includes('assigneeId')) {
    events.push(
      emit(ctx, 'TaskAssigned', {
        taskId: current.id,
        projectId: project.id,
        from: current.assigneeId ?? null,
        to: next.assigneeId ?? null,
      }),
    );
  }
  const updated: Task = { ...next, updatedAt: ctx.now, version: current.version + 1 };
  const all = tasks.map((t) => (t.id === current.id ? updated : t));
  const result = rescheduleAfter(
    project,
    all,
    new Map([[current.id, updated]]),
    { kind: 'task-changed', taskId: current.id },
    ctx,
  );
  const self = result.changed.find((t) => t.id === current.id)!;
  const plain = changed.filter((c) => !['status', 'assigneeId'].includes(c));
  if (plain.length) events.unshift(emit(ctx, 'TaskUpdated', { task: self, changed: plain }));
  return {
    changed: result.changed,
    movedOnly: result.movedOnly,
    events: [...events, ...result.events],
    project: withEstimateChange(result.project, (next.estimateHours ?? 0) - (current.estimateHours ?? 0)),
  };
}

export function addDependency(
  project: Project,
  tasks: Task[],
  successor: Task,
  input: NewDependency,
  ctx: CommandContext,
): TaskDecision {
  assertMayChangeDelivery(ctx.actor);
  if (input.predecessorId === successor.id) {
    throw new ValidationFailed([{ path: 'predecessorId', message: 'a task cannot depend on itself' }]);
  }
  requireTask(tasks, input.predecessorId);
  if (successor.dependencies.some((d) => d.predecessorId === input.predecessorId)) {
    throw new Conflict(
      `task ${successor.id} already depends on ${input.predecessorId}; remove that dependency to change it`,
    );
  }
  const dependency = { predecessorId: input.predecessorId, type: input.type, lagDays: input.lagDays };
  const updated: Task = {
    ...successor,
    dependencies: [...successor.dependencies, dependency],
    updatedAt: ctx.now,
    version: successor.version + 1,
  };
  const all = tasks.map((t) => (t.id === successor.id ? updated : t));
  const result = rescheduleAfter(
    project,
    all,
    new Map([[updated.id, updated]]),
    { kind: 'dependency-added', taskId: successor.id },
    ctx,
  );
  return {
    changed: result.changed,
    movedOnly: result.movedOnly,
    events: [
      emit(ctx, 'TaskDependencyAdded', { taskId: successor.id, projectId: project.id, dependency }),
      ...result.events,
    ],
    project: result.project,
  };
}

export function removeDependency(
  project: Project,
  tasks: Task[],
  successor: Task,
  predecessorId: string,
  ctx: CommandContext,
): TaskDecision {
  assertMayChangeDelivery(ctx.actor);
  if (!successor.dependencies.some((d) => d.predecessorId === predecessorId)) {
    throw new NotFound('dependency', `${successor.id} on ${predecessorId}`);
  }
  const updated: Task = {
    ...successor,
    dependencies: successor.dependencies.filter((d) => d.predecessorId !== predecessorId),
    updatedAt: ctx.now,
    version: successor.version + 1,
  };
  const all = tasks.map((t) => (t.id === successor.id ? updated : t));
  const result = rescheduleAfter(
    project,
    all,
    new Map([[updated.id, updated]]),
    { kind: 'dependency-removed', taskId: successor.id },
    ctx,
  );
  return {
    changed: result.changed,
    movedOnly: result.movedOnly,
    events: [
      emit(ctx, 'TaskDependencyRemoved', { taskId: successor.id, projectId: project.id, predecessorId }),
      ...result.events,
    ],
    project: result.project,
  };
}

/** Only the named approver (the user, or a holder of the role) or an admin decides. */
export function decideApproval(
  project: Project,
  tasks: Task[],
  task: Task,
  input: DecideApproval,
  ctx: CommandContext,
): TaskDecision {
  const approval = pendingApproval(task);
  const allowed =
    hasRole(ctx.actor, 'admin') ||
    (approval.approverUserId !== undefined && approval.approverUserId === ctx.actor.userId) ||
    (approval.approverRole !== undefined && hasRole(ctx.actor, approval.approverRole as Role));
  if (!allowed) {
    const who = approval.approverUserId
      ? `user ${approval.approverUserId}`
      : approval.approverRole
        ? `the role ${approval.approverRole}`
        : `the customer's contact ${approval.approverContactId} (in the project portal)`;
    throw new Forbidden(`only ${who} or an admin decides this approval`);
  }
  return applyApproval(project, tasks, task, input, ctx, ctx.actor.userId);
}

/** The task's approval, while it can still be decided (409 otherwise). */
export function pendingApproval(task: Task): NonNullable<Task['approval']> {
  const approval = task.approval;
  if (!approval) throw new Conflict(`task ${task.id} asks for no approval`);
  if (approval.status === 'approved')
    throw new Conflict(`task ${task.id} was already approved by ${approval.decidedBy}`);
  return approval;
}

/**
 * An approval decided, whoever decides it (a person in the console, a customer in the portal):
 * approved is done, only after its finish-to-start predecessors (409 naming them); rejected is
 * blocked; changes requested is in progress. ApprovalDecided, and TaskStatusChanged on a change.
 */
export function applyApproval(
  project: Project,
  tasks: Task[],
  task: Task,
  input: DecideApproval,
  ctx: CommandContext,
  decidedBy: string,
): TaskDecision {
  const approval = pendingApproval(task);
  const status =
    input.decision === 'approved' ? 'done' : input.decision === 'rejected' ? 'blocked' : 'in_progress';
  if (status === 'done') assertPredecessorsDone(task, tasks);
  const updated: Task = {
    ...task,
    approval: {
      ...approval,
      status: input.decision,
      ...(input.comment ? { comment: input.comment } : {}),
      decidedBy,
      decidedAt: ctx.now,
    },
    status,
    ...(status === 'done' ? { doneAt: ctx.now } : {}),
    updatedAt: ctx.now,
    version: task.version + 1,
  };
  const events: DomainEvent[] = [
    emit(ctx, 'ApprovalDecided', {
      taskId: task.id,
      projectId: project.id,
      decision: input.decision,
      ...(input.comment ? { comment: input.comment } : {}),
      decidedBy,
    }),
  ];
  if (status !== task.status)
    events.push(
      emit(ctx, 'TaskStatusChanged', {
        taskId: task.id,
        projectId: project.id,
        from: task.status,
        to: status,
      }),
    );
  return { changed: [updated], movedOnly: [], events, project };
}

export function logTime(
  project: Project,
  task: Task,
  input: NewTimeEntry,
  ctx: CommandContext,
): { entry: TimeEntry; project: Project; events: DomainEvent[] } {
  assertMayChangeDelivery(ctx.actor);
  const userId = input.userId ?? ctx.actor.userId;
  if (userId !== ctx.actor.userId && !hasRole(ctx.actor, 'admin', 'manager')) {
    throw new Forbidden('only managers and admins log time for someone else');
  }
  if (input.date > ctx.now.slice(0, 10)) {
    throw new ValidationFailed([
      { path: 'date', message: 'time is logged for today or a past day, not the future' },
    ]);
  }
  const budgetLineId = lineToBurn(project.budgetLines, input.budgetLineId);
  const entry: TimeEntry = {
    id: ctx.newId('timeEntry'),
    projectId: project.id,
    taskId: task.id,
    userId,
    date: input.date,
    minutes: input.minutes,
    billable: input.billable,
    ...(input.note ? { note: input.note } : {}),
    ...(budgetLineId ? { budgetLineId } : {}),
    createdAt: ctx.now,
    version: 1,
  };
  const burned = burnLine(project.id, project.budgetLines ?? [], budgetLineId, input.minutes, ctx);
  const totals = {
    ...project.totals,
    actualMinutes: project.totals.actualMinutes + input.minutes,
    billableMinutes: project.totals.billableMinutes + (input.billable ? input.minutes : 0),
  };
  let next: Project = {
    ...project,
    totals,
    ...(project.budgetLines ? { budgetLines: burned.lines } : {}),
    updatedAt: ctx.now,
    version: project.version + 1,
  };
  const events: DomainEvent[] = [
    emit(ctx, 'TimeLogged', {
      entry,
      totals: { actualMinutes: totals.actualMinutes, billableMinutes: totals.billableMinutes },
    }),
    ...burned.events,
  ];
  const exceeded = budgetExceeded(project, next, ctx);
  if (exceeded) {
    next = { ...next, budgetExceededAt: ctx.now };
    events.push(exceeded);
  }
  return { entry, project: next, events };
}

export function commentOnTask(
  task: Task,
  body: string,
  ctx: CommandContext,
): { comment: TaskComment; events: DomainEvent[] } {
  if (!hasRole(ctx.actor, 'admin', 'manager', 'delivery', 'sales'))
    throw new Forbidden('your role may not comment');
  const comment: TaskComment = {
    id: ctx.newEventId(),
    taskId: task.id,
    authorId: ctx.actor.userId,
    body,
    createdAt: ctx.now,
  };
  return { comment, events: [emit(ctx, 'TaskCommented', { comment, projectId: task.projectId })] };
}

/**
 * Cancels a task with a reason: it stays in the plan (and in its history) but takes no time, its
 * successors no longer wait for it, and it leaves the follow-ups. A done task is not cancelled.
 */
export function cancelTask(
  project: Project,
  tasks: Task[],
  task: Task,
  reason: string,
  ctx: CommandContext,
): TaskDecision {
  assertMayChangeDelivery(ctx.actor);
  if (task.status === 'done') throw new Conflict(`task ${task.id} is done; a done task is not cancelled`);
  if (task.cancelled) throw new Conflict(`task ${task.id} was cancelled already (${task.cancelled.reason})`);
  const cancelled: Task = {
    ...task,
    cancelled: { at: ctx.now, by: ctx.actor.userId, reason },
    updatedAt: ctx.now,
    version: task.version + 1,
  };
  const all = tasks.map((t) => (t.id === task.id ? cancelled : t));
  const decision = rescheduleAfter(
    project,
    all,
    new Map([[task.id, cancelled]]),
    { kind: 'task-changed', taskId: task.id },
    ctx,
  );
  return {
    ...decision,
    events: [
      emit(ctx, 'TaskCancelled', {
        taskId: task.id,
        projectId: project.id,
        reason,
        cancelledBy: ctx.actor.userId,
      }),
      ...decision.events,
    ],
  };
}
