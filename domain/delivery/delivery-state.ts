import { CalendarDate } from '../shared/time.js';
import * as z from '../shared/zod.js';
import { progressOf } from './progress.js';
import { isClosed, type Project, type Task } from './project.js';
import { promiseState } from './promise.js';

// A project's live state as the people outside delivery read it: the rep who sold it (on the
// deal and its card) and the customer (in the portal). How far along the work is, whether the
// plan still finishes by the promised date and by how many working days it misses it, the next
// milestone, and what waits on the customer. One function, so the rep and the customer are told
// the same thing.

export const PROMISE_STATES = ['on_track', 'at_risk', 'no_promise', 'not_running'] as const;

export const PromiseView = z
  .object(() => ({
    state: z
      .enum(PROMISE_STATES)
      .describe(
        'on_track: the plan finishes by the promised date; at_risk: after it; no_promise: no date was promised; not_running: on hold, done or cancelled',
      ),
    promisedDate: CalendarDate.nullable(),
    projectedFinish: CalendarDate.nullable(),
    gapDays: z
      .int()
      .describe('working days the projected finish is after the promised date (0 when it is not)'),
  }))
  .register(z.globalRegistry, { id: 'PromiseView' });
export type PromiseView = z.infer<typeof PromiseView>;

export const MilestoneView = z.object(() => ({
  taskId: z.string(),
  title: z.string(),
  date: CalendarDate,
  status: z.enum(['reached', 'upcoming', 'late']),
  reachedAt: z.string().optional(),
}));
export type MilestoneView = z.infer<typeof MilestoneView>;

export const CustomerApprovalView = z.object(() => ({
  taskId: z.string(),
  title: z.string(),
  description: z.string().optional(),
  dueDate: CalendarDate,
  contactId: z.string(),
  status: z
    .enum(['pending', 'rejected', 'changes_requested'])
    .describe(
      'pending: not decided yet; rejected or changes_requested: decided so, and may be approved later',
    ),
  comment: z.string().optional().describe('what the customer said when they decided it last'),
  overdue: z.boolean().describe('its due date has passed'),
}));
export type CustomerApprovalView = z.infer<typeof CustomerApprovalView>;

/** The promise as a reader outside delivery is told it. */
export function promiseView(project: Pick<Project, 'status' | 'schedule'>): PromiseView {
  const state = promiseState(project);
  const { promisedDueDate, projectedFinish, shortfallDays } = project.schedule;
  return {
    state:
      state === 'unwatched'
        ? project.status === 'planned' || project.status === 'active'
          ? 'no_promise'
          : 'not_running'
        : state === 'at-risk'
          ? 'at_risk'
          : 'on_track',
    promisedDate: promisedDueDate,
    projectedFinish,
    gapDays: state === 'at-risk' ? Math.max(0, shortfallDays) : 0,
  };
}

/** What the customer may see of the plan: neither internal nor cancelled tasks. */
export const shownToCustomer = (t: Task) => !t.internal && !t.cancelled;

/** Milestones shown to the customer, by date: reached, late (past their date, not reached) or upcoming. */
export function milestonesOf(tasks: Task[], today: string): MilestoneView[] {
  return tasks
    .filter((t) => t.kind === 'milestone' && shownToCustomer(t))
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.title.localeCompare(b.title))
    .map((t) => ({
      taskId: t.id,
      title: t.title,
      date: t.dueDate,
      status: t.status === 'done' ? 'reached' : t.dueDate < today ? 'late' : 'upcoming',
      ...(t.doneAt ? { reachedAt: t.doneAt } : {}),
    }));
}

/** Approvals a contact of the customer decides (all of them, or one contact's), not yet approved, by due date. */
export function customerApprovals(tasks: Task[], today: string, contactId?: string): CustomerApprovalView[] {
  return tasks
    .filter(
      (t) =>
        shownToCustomer(t) &&
        t.approval?.approverContactId !== undefined &&
        (contactId === undefined || t.approval.approverContactId === contactId) &&
        t.approval.status !== 'approved',
    )
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate))
    .map((t) => {
      const approval = t.approval!;
      return {
        taskId: t.id,
        title: t.title,
        ...(t.description ? { description: t.description } : {}),
        dueDate: t.dueDate,
        contactId: approval.approverContactId!,
        status: approval.status as CustomerApprovalView['status'],
        ...(approval.status !== 'pending' && approval.comment ? { comment: approval.comment } : {}),
        overdue: t.dueDate < today,
      };
    });
}

export const DeliveryState = z
  .object(() => ({
    projectId: z.string(),
    projectName: z.string(),
    projectStatus: z.string(),
    percentComplete: z.int().describe("the leaf tasks' progress weighted by their working days"),
    promise: PromiseView,
    nextMilestone: MilestoneView.nullable().describe('the first milestone not reached yet, by date'),
    waitingOnCustomer: z
      .array(CustomerApprovalView)
      .describe('approvals a contact of the customer decides, not approved yet, by due date'),
    openTasks: z.int(),
  }))
  .register(z.globalRegistry, { id: 'DeliveryState' });
export type DeliveryState = z.infer<typeof DeliveryState>;

/** The project's live state for the deal it delivers (the rep's view: `today` is the company's date). */
export function deliveryState(project: Project, tasks: Task[], today: string): DeliveryState {
  const next = milestonesOf(tasks, today).find((m) => m.status !== 'reached') ?? null;
  return {
    projectId: project.id,
    projectName: project.name,
    projectStatus: project.status,
    percentComplete: progressOf(tasks).percentComplete,
    promise: promiseView(project),
    nextMilestone: next,
    waitingOnCustomer: customerApprovals(tasks, today),
    openTasks: tasks.filter((t) => !isClosed(t)).length,
  };
}
