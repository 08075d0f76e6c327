import { type DomainEvent, type EventData, emit } from '../events.js';
import type { CommandContext } from '../shared/context.js';
import { mergeCustomFields } from '../shared/custom-values.js';
import { Conflict, type FieldIssue, ValidationFailed } from '../shared/errors.js';
import { burnOf, isOverBudget } from './budget.js';
import { type BudgetLine, HOURS_PER_DAY } from './budget-lines.js';
import { STANDARD_CALENDAR, type WorkingCalendar } from './calendar.js';
import { reschedule, tasksFromTemplate } from './plan.js';
import {
  assertMayChangeDelivery,
  type HandoffSnapshot,
  isClosed,
  type Project,
  type ProjectPatch,
  type ProjectStatus,
  type Task,
} from './project.js';
import { watchPromise } from './promise.js';
import { rescheduleProject } from './reschedule.js';
import type { Template } from './template.js';

// Creating and changing projects. Creating one instantiates its template from the kickoff
// date: every task dated on the project's calendar, never from "today".

export interface ProjectPlanInput {
  projectId: string;
  name: string;
  kickoffDate: string;
  promisedDueDate?: string | undefined;
  ownerId: string;
  customer: Project['customer'];
  dealId?: string | undefined;
  dealOwnerId?: string | undefined;
  handoff?: HandoffSnapshot | undefined;
  budget?: Project['budget'];
  hourlyRate?: Project['hourlyRate'];
  /** What was sold, line by line (a win's): the budget's default, burned by time logged. */
  budgetLines?: BudgetLine[] | undefined;
  customFields?: Project['customFields'];
  template: Template;
  /** The company calendar, for a template without its own. */
  companyCalendar?: WorkingCalendar | undefined;
  notes?: string[];
  taskId(key: string): string;
}

export function planNewProject(
  input: ProjectPlanInput,
  ctx: CommandContext,
): { project: Project; tasks: Task[]; events: DomainEvent[] } {
  if (!input.kickoffDate)
    throw new ValidationFailed([
      { path: 'kickoffDate', message: 'a project starts on a kickoff date; there is none' },
    ]);
  // a template's own calendar wins (a customer's site may keep other holidays); else the company's
  const calendar = input.template.calendar ?? input.companyCalendar ?? STANDARD_CALENDAR;
  const frame = { kickoffDate: input.kickoffDate, promisedDueDate: input.promisedDueDate, calendar };
  const planned = reschedule(
    frame,
    tasksFromTemplate(input.template, {
      ...frame,
      projectId: input.projectId,
      now: ctx.now,
      taskId: input.taskId,
    }),
  );
  const notes = [...(input.notes ?? [])];
  if (planned.days.origin !== input.kickoffDate) {
    notes.push(
      `the kickoff date ${input.kickoffDate} is not a working day; the plan starts on ${planned.days.origin}`,
    );
  }
  const unwatched: Project = {
    id: input.projectId,
    name: input.name,
    status: 'planned',
    ownerId: input.ownerId,
    customer: input.customer,
    ...(input.dealId ? { dealId: input.dealId } : {}),
    ...(input.dealOwnerId ? { dealOwnerId: input.dealOwnerId } : {}),
    handoffs: input.handoff ? [input.handoff] : [],
    kickoffDate: input.kickoffDate,
    ...(input.promisedDueDate ? { promisedDueDate: input.promisedDueDate } : {}),
    template: { id: input.template.id, version: input.template.version, name: input.template.name },
    calendar,
    checklist: input.template.checklist.map((c) => ({ ...c, done: false })),
    ...(input.budget ? { budget: input.budget } : budgetOfLines(input.budgetLines)),
    ...(input.hourlyRate ? { hourlyRate: input.hourlyRate } : {}),
    ...(input.budgetLines?.length ? { budgetLines: input.budgetLines } : {}),
    ...(input.customFields && Object.keys(input.customFields).length
      ? { customFields: input.customFields }
      : {}),
    totals: {
      estimatedMinutes: Math.round(planned.tasks.reduce((n, t) => n + (t.estimateHours ?? 0) * 60, 0)),
      actualMinutes: 0,
      billableMinutes: 0,
    },
    schedule: planned.summary,
    notes: notes.map((text) => ({ at: ctx.now, text })),
    createdAt: ctx.now,
    updatedAt: ctx.now,
    createdBy: ctx.actor.userId,
    version: 1,
  };
  // planned at risk is a transition too: the owners hear of it from the start
  const watched = watchPromise(null, unwatched, ctx, 'the plan was made');
  const project = watched.project;
  const events: DomainEvent[] = [
    emit(ctx, 'ProjectCreated', {
      project,
      dealId: input.dealId ?? null,
      tasks: planned.tasks.map((t) => ({
        id: t.id,
        ...(t.key ? { key: t.key } : {}),
        title: t.title,
        kind: t.kind,
        startDate: t.startDate,
        dueDate: t.dueDate,
      })),
    }),
    ...planned.tasks.filter((t) => t.approval).map((t) => approvalRequested(ctx, t)),
    ...watched.events,
  ];
  return { project, tasks: planned.tasks, events };
}

/** The project budget a win's lines make: their net amount, and the hours of its time-based lines. */
function budgetOfLines(lines: BudgetLine[] | undefined): Pick<Project, 'budget'> {
  if (!lines?.length) return {};
  const hours = lines.reduce(
    (n, l) => n + (l.unit === 'hour' ? l.quantity : l.unit === 'day' ? l.quantity * HOURS_PER_DAY : 0),
    0,
  );
  const amount = {
    amount: lines.reduce((n, l) => n + l.amount.amount, 0),
    currency: lines[0]!.amount.currency,
  };
  return { budget: { amount, ...(hours > 0 ? { hours } : {}) } };
}

export function approvalRequested(ctx: CommandContext, t: Task): DomainEvent {
  return emit(ctx, 'ApprovalRequested', {
    taskId: t.id,
    projectId: t.projectId,
    title: t.title,
    ...(t.approval?.approverRole ? { approverRole: t.approval.approverRole } : {}),
    ...(t.approval?.approverUserId ? { approverUserId: t.approval.approverUserId } : {}),
    ...(t.approval?.approverContactId ? { approverContactId: t.approval.approverContactId } : {}),
    dueDate: t.dueDate,
  });
}

const TRANSITIONS: Record<ProjectStatus, ProjectStatus[]> = {
  planned: ['active', 'on_hold', 'cancelled'],
  active: ['on_hold', 'done', 'cancelled'],
  on_hold: ['planned', 'active', 'cancelled'],
  done: [],
  cancelled: [],
};

/**
 * Changes a project's own fields. A new kickoff or promise schedules the plan again: `moves`
 * are the tasks to write (as a task change writes them). The promise is watched either way (a
 * hold or a resume changes whether it is watched at all).
 */
export function updateProject(
  current: Project,
  tasks: Task[],
  patch: ProjectPatch,
  ctx: CommandContext,
): { project: Project; events: DomainEvent[]; moves?: { changed: Task[]; movedOnly: string[] } } {
  assertMayChangeDelivery(ctx.actor);
  const issues: FieldIssue[] = [];
  const changed: string[] = [];
  let project: Project = { ...current };
  if (patch.name !== undefined && patch.name !== current.name) {
    project.name = patch.name;
    changed.push('name');
  }
  if (patch.ownerId !== undefined && patch.ownerId !== current.ownerId) {
    project.ownerId = patch.ownerId;
    changed.push('ownerId');
  }
  for (const field of ['budget', 'hourlyRate'] as const) {
    if (patch[field] === undefined) continue;
    if (JSON.stringify(patch[field]) === JSON.stringify(current[field])) continue;
    if (patch[field] === null) delete project[field];
    else project = { ...project, [field]: patch[field] };
    changed.push(field);
  }
  if (patch.kickoffDate !== undefined && patch.kickoffDate !== current.kickoffDate) {
    project.kickoffDate = patch.kickoffDate;
    changed.push('kickoffDate');
  }
  if (patch.promisedDueDate !== undefined && patch.promisedDueDate !== (current.promisedDueDate ?? null)) {
    if (patch.promisedDueDate === null) delete project.promisedDueDate;
    else project.promisedDueDate = patch.promisedDueDate;
    changed.push('promisedDueDate');
  }
  if (project.promisedDueDate && project.promisedDueDate < project.kickoffDate) {
    issues.push({
      path: patch.promisedDueDate ? 'promisedDueDate' : 'kickoffDate',
      message: `the promised due date ${project.promisedDueDate} is before the kickoff ${project.kickoffDate}`,
    });
  }
  if (patch.customFields) {
    const merged = mergeCustomFields(current.customFields, patch.customFields);
    if (JSON.stringify(merged) !== JSON.stringify(current.customFields)) {
      const { customFields: _c, ...rest } = project;
      project = merged ? { ...rest, customFields: merged as Project['customFields'] } : rest;
      changed.push('customFields');
    }
  }
  if (patch.checklist) {
    const known = new Set(current.checklist.map((c) => c.key));
    for (const key of Object.keys(patch.checklist)) {
      if (!known.has(key))
        issues.push({
          path: `checklist.${key}`,
          message: "is not an item of this project's kickoff checklist",
        });
    }
    const next = current.checklist.map((c) => {
      const done = patch.checklist![c.key];
      if (done === undefined || done === c.done) return c;
      const { doneAt: _a, doneBy: _b, ...rest } = c;
      return done ? { ...rest, done, doneAt: ctx.now, doneBy: ctx.actor.userId } : { ...rest, done };
    });
    if (JSON.stringify(next) !== JSON.stringify(current.checklist)) {
      project.checklist = next;
      changed.push('checklist');
    }
  }
  if (issues.length) throw new ValidationFailed(issues);
  const events: DomainEvent[] = [];
  if (patch.status !== undefined && patch.status !== current.status) {
    if (!TRANSITIONS[current.status].includes(patch.status)) {
      throw new Conflict(`a ${current.status} project cannot become ${patch.status}`, {
        projectStatus: current.status,
      });
    }
    if (patch.status === 'active') {
      const open = project.checklist.filter((c) => !c.done).map((c) => c.key);
      if (open.length)
        throw new Conflict(`tick the kickoff checklist first: ${open.join(', ')}`, { unticked: open });
    }
    if (patch.status === 'done') {
      const open = tasks.filter((t) => !isClosed(t)).map((t) => t.id);
      if (open.length) throw new Conflict(`${open.length} task(s) are not done`, { openTasks: open });
    }
    if (patch.status === 'cancelled' && !patch.reason) {
      throw new ValidationFailed([{ path: 'reason', message: 'say why the project is cancelled' }]);
    }
    project.status = patch.status;
    if (patch.status === 'on_hold') project.heldFrom = current.status;
    else delete project.heldFrom;
    if (patch.reason) {
      project.notes = [
        ...project.notes,
        { at: ctx.now, text: `${current.status} → ${patch.status} by ${ctx.actor.userId}: ${patch.reason}` },
      ];
    }
    events.push(
      emit(ctx, 'ProjectStatusChanged', {
        projectId: current.id,
        from: current.status,
        to: patch.status,
        ...(patch.reason ? { reason: patch.reason } : {}),
      }),
    );
  }
  if (changed.length === 0 && events.length === 0) return { project: current, events: [] };
  project = { ...project, updatedAt: ctx.now, version: current.version + 1 };
  let moves: { changed: Task[]; movedOnly: string[] } | undefined;
  if (changed.includes('kickoffDate') || changed.includes('promisedDueDate')) {
    const decision = rescheduleProject(project, tasks, { kind: 'project-dates' }, ctx, current);
    project = decision.project;
    events.push(...decision.events);
    moves = { changed: decision.changed, movedOnly: decision.movedOnly };
  } else {
    const watched = watchPromise(current, project, ctx, `the project became ${project.status}`);
    project = watched.project;
    events.push(...watched.events);
  }
  if (changed.length)
    events.unshift(
      emit(ctx, 'ProjectUpdated', {
        project,
        changed,
        ...(changed.includes('ownerId') ? { previousOwnerId: current.ownerId } : {}),
      }),
    );
  const exceeded = budgetExceeded(current, project, ctx);
  if (exceeded) {
    project.budgetExceededAt = ctx.now;
    events.push(exceeded);
  }
  return { project, events, ...(moves ? { moves } : {}) };
}

/** ProjectBudgetExceeded, once: when burn first passes 100% (by time logged or a lower budget). */
export function budgetExceeded(
  before: Project,
  after: Project,
  ctx: CommandContext,
): DomainEvent | undefined {
  if (before.budgetExceededAt || after.budgetExceededAt) return undefined;
  const burn = burnOf(after);
  if (!isOverBudget(burn)) return undefined;
  const budget: EventData<'ProjectBudgetExceeded'>['budget'] = {
    ...(after.budget?.hours !== undefined ? { hours: after.budget.hours } : {}),
    ...(after.budget?.amount ? { amount: after.budget.amount } : {}),
  };
  return emit(ctx, 'ProjectBudgetExceeded', {
    projectId: after.id,
    budget,
    burn: { hours: burn.hours, cost: burn.cost },
  });
}

/**
 * The deal a live project delivers was lost (after being won and reopened): the project is put
 * on hold, to resume when the deal is won again, or cancelled when a manager chose so. Its tasks
 * leave the follow-ups while it is not live. A project that is not live is left as it is.
 */
export function stopForLostDeal(
  current: Project,
  action: 'on_hold' | 'cancelled',
  dealId: string,
  ctx: CommandContext,
): { project: Project; events: DomainEvent[] } | null {
  if (current.status !== 'planned' && current.status !== 'active') return null;
  const stopped: Project = {
    ...current,
    status: action,
    ...(action === 'on_hold' ? { heldFrom: current.status } : {}),
    notes: [
      ...current.notes,
      {
        at: ctx.now,
        text: `deal ${dealId} was lost: the project is ${action === 'on_hold' ? 'on hold until it is won again' : 'cancelled'}`,
      },
    ],
    updatedAt: ctx.now,
    version: current.version + 1,
  };
  const watched = watchPromise(current, stopped, ctx, `deal ${dealId} was lost`);
  return {
    project: watched.project,
    events: [
      emit(ctx, 'ProjectStatusChanged', { projectId: current.id, from: current.status, to: action }),
      ...watched.events,
    ],
  };
}

/** The project made from a deleted deal: kept, with a note saying what happened. */
export function markDealDeleted(
  project: Project,
  deal: { id: string; title: string },
  ctx: CommandContext,
): Project {
  return {
    ...project,
    dealDeletedAt: ctx.now,
    notes: [
      ...project.notes,
      {
        at: ctx.now,
        text: `deal ${deal.id} ("${deal.title}") was deleted by ${ctx.actor.userId}; the project stays`,
      },
    ],
    updatedAt: ctx.now,
    version: project.version + 1,
  };
}
