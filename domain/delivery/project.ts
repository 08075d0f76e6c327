import { CompanyId } from '../crm/company.js';
import { ContactId } from '../crm/contact.js';
import { DealId } from '../crm/deal.js';
import { PromisedTimeline } from '../handoff/requirements.js';
import { type Actor, hasRole, Role } from '../shared/context.js';
import { CustomFields, CustomFieldsInput, CustomFieldsPatch } from '../shared/custom-values.js';
import { Forbidden } from '../shared/errors.js';
import { idSchema, UserId } from '../shared/ids.js';
import { Money } from '../shared/money.js';
import { text } from '../shared/text.js';
import { CalendarDate, Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';
import { BudgetLine } from './budget-lines.js';
import { WorkingCalendar } from './calendar.js';
import { DependencyType, MAX_LAG_DAYS } from './schedule.js';
import { TemplateId } from './template.js';

// Projects and their tasks: what delivery plans, does, and accounts for.

export const ProjectId = idSchema('project');
export const TaskId = idSchema('task');

export const PROJECT_STATUSES = ['planned', 'active', 'on_hold', 'done', 'cancelled'] as const;
export const ProjectStatus = z.enum(PROJECT_STATUSES);
export type ProjectStatus = z.infer<typeof ProjectStatus>;

export const TASK_STATUSES = ['todo', 'in_progress', 'blocked', 'done'] as const;
export const TaskStatus = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const APPROVAL_DECISIONS = ['approved', 'rejected', 'changes_requested'] as const;
export const ApprovalDecision = z.enum(APPROVAL_DECISIONS);

/** The handoff as sales gave it: kept as given, a new version for each win, never edited. */
export const HandoffSnapshot = z
  .object(() => ({
    version: z.int().min(1),
    dealId: DealId,
    win: z.int().min(1),
    scopeSummary: z.string(),
    promisedTimeline: PromisedTimeline,
    keyConstraints: z.array(z.string()),
    mainStakeholderContactId: z.string(),
    kickoffDate: CalendarDate,
    deliveryOwnerId: z.string().optional().describe('the delivery owner this win named, when it named one'),
    sold: z
      .object(() => ({
        quote: z
          .object(() => ({ id: z.string(), number: z.string(), quoteVersion: z.int() }))
          .optional()
          .describe(
            "the accepted quote the lines are from (absent: the deal's lines at the win, no quote accepted)",
          ),
        lines: z.array(
          z.object(() => ({
            lineItemId: z.string(),
            productId: z.string().optional(),
            name: z.string(),
            unit: z.string(),
            quantity: z.number(),
            amount: Money,
          })),
        ),
      }))
      .optional()
      .describe('what was sold, line by line, when the deal had line items: the project budgets it'),
    receivedAt: Instant,
  }))
  .register(z.globalRegistry, { id: 'HandoffSnapshot' });
export type HandoffSnapshot = z.infer<typeof HandoffSnapshot>;

export const Budget = z
  .strictObject(() => ({
    hours: z.number().min(0).max(1_000_000).optional(),
    amount: Money.optional(),
  }))
  .refine((b) => b.hours !== undefined || b.amount !== undefined, { error: 'set hours, an amount, or both' })
  .register(z.globalRegistry, { id: 'Budget' });

export const ProjectChecklistItem = z.object(() => ({
  key: z.string(),
  title: z.string(),
  done: z.boolean(),
  doneAt: Instant.optional(),
  doneBy: z.string().optional(),
}));

export const ScheduleSummary = z.object(() => ({
  projectedFinish: CalendarDate.nullable(),
  promisedDueDate: CalendarDate.nullable(),
  /** Business days the projected finish is past the promised due date (0 when on time). */
  shortfallDays: z.int(),
  atRisk: z.boolean(),
}));
export type ScheduleSummary = z.infer<typeof ScheduleSummary>;

export const Project = z
  .object(() => ({
    id: ProjectId,
    name: z.string(),
    status: ProjectStatus,
    ownerId: z
      .string()
      .describe(
        "the delivery owner: who runs the project and hears what is late in it (the promise at risk, its unassigned tasks). From a win: the person the win named (handoff.deliveryOwnerId), else its template's defaultOwnerId, else the deal's owner (noted). Changed with PATCH /projects/{id}",
      ),
    customer: z.object(() => ({
      companyId: CompanyId.optional(),
      mainStakeholderContactId: ContactId.optional(),
    })),
    dealId: DealId.optional(),
    dealOwnerId: z
      .string()
      .optional()
      .describe(
        "the owner of the deal it delivers, at the deal's last win: the one who made the promise, told with the delivery owner when it is at risk",
      ),
    handoffs: z.array(HandoffSnapshot),
    kickoffDate: CalendarDate,
    promisedDueDate: CalendarDate.optional(),
    template: z.object(() => ({ id: TemplateId, version: z.int(), name: z.string() })).nullable(),
    calendar: WorkingCalendar,
    checklist: z.array(ProjectChecklistItem),
    budget: Budget.optional(),
    hourlyRate: Money.optional(),
    budgetLines: z
      .array(BudgetLine)
      .optional()
      .describe(
        "what was sold, line by line (the won deal's accepted quote or line items), and the time logged against each",
      ),
    totals: z.object(() => ({
      estimatedMinutes: z.int(),
      actualMinutes: z.int(),
      billableMinutes: z.int(),
    })),
    budgetExceededAt: Instant.optional(),
    /** The deal it was made from was deleted (an admin's correction): the project stays. */
    dealDeletedAt: Instant.optional(),
    customFields: CustomFields.optional(),
    schedule: ScheduleSummary,
    /** Since when the live project has been at risk (absent when it is not). */
    atRiskSince: Instant.optional(),
    /** The status a project on hold returns to when resumed. */
    heldFrom: ProjectStatus.optional(),
    /** What the system did on the project's behalf (a template that was missing, a moved kickoff). */
    notes: z.array(z.object(() => ({ at: Instant, text: z.string() }))),
    createdAt: Instant,
    updatedAt: Instant,
    createdBy: z.string(),
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'Project' });
export type Project = z.infer<typeof Project>;

export const Dependency = z
  .object(() => ({ predecessorId: TaskId, type: DependencyType, lagDays: z.int() }))
  .register(z.globalRegistry, { id: 'Dependency' });

export const Approval = z
  .object(() => ({
    approverRole: z.string().optional(),
    approverUserId: z.string().optional(),
    approverContactId: z
      .string()
      .optional()
      .describe(
        'a contact of the customer, who decides it in the project portal (docs/api.md, "The customer portal")',
      ),
    status: z.enum(['pending', ...APPROVAL_DECISIONS]),
    comment: z.string().optional(),
    /** A user id, or `contact:<contactId>` for a customer's decision in the portal. */
    decidedBy: z.string().optional(),
    decidedAt: Instant.optional(),
  }))
  .register(z.globalRegistry, { id: 'Approval' });
export type Approval = z.infer<typeof Approval>;

export const TaskChecklistItem = z.object(() => ({ text: z.string(), done: z.boolean() }));

export const Task = z
  .object(() => ({
    id: TaskId,
    projectId: ProjectId,
    /** The template task it was made from. */
    key: z.string().optional(),
    title: z.string(),
    description: z.string().optional(),
    kind: z.enum(['task', 'milestone']),
    internal: z
      .boolean()
      .optional()
      .describe('for the team only: never shown to the customer in the project portal (absent: shown)'),
    status: TaskStatus,
    assigneeId: z.string().optional(),
    parentId: TaskId.optional(),
    /** Its place in the plan: tasks are listed by it (the template's order; added tasks last). */
    position: z.number().optional(),
    /** The heading it is listed under. */
    section: z.string().optional(),
    /** How far along it is, as its people say (done is 100); a parent's rolls up from its children. */
    percentComplete: z.int().min(0).max(100).optional(),
    durationDays: z.int(),
    /** Start no earlier than this date (an anchor, or a start someone set). */
    earliestStart: CalendarDate.optional(),
    startDate: CalendarDate,
    dueDate: CalendarDate,
    estimateHours: z.number().optional(),
    dependencies: z.array(Dependency),
    approval: Approval.optional(),
    checklist: z.array(TaskChecklistItem),
    doneAt: Instant.optional(),
    /** Cancelled (not deleted): it takes no time in the plan, waits for nobody, and is followed up by no one. */
    cancelled: z.object(() => ({ at: Instant, by: z.string(), reason: z.string() })).optional(),
    createdAt: Instant,
    updatedAt: Instant,
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'Task' });
export type Task = z.infer<typeof Task>;

/** Done or cancelled: nothing is left to do on it. */
export function isClosed(t: Pick<Task, 'status' | 'cancelled'>): boolean {
  return t.status === 'done' || t.cancelled !== undefined;
}

/** A project's tasks as people read the plan: by position (the template's order), then start, then title. */
export function inPlanOrder(tasks: Task[]): Task[] {
  return [...tasks].sort(
    (a, b) =>
      (a.position ?? Number.MAX_SAFE_INTEGER) - (b.position ?? Number.MAX_SAFE_INTEGER) ||
      a.startDate.localeCompare(b.startDate) ||
      a.title.localeCompare(b.title),
  );
}

export const TimeEntry = z
  .object(() => ({
    id: idSchema('timeEntry'),
    projectId: ProjectId,
    taskId: TaskId,
    userId: z.string(),
    date: CalendarDate,
    minutes: z.int(),
    billable: z.boolean(),
    note: z.string().optional(),
    budgetLineId: z.string().optional().describe('the budget line (of hours or days) it burns'),
    createdAt: Instant,
    /** Set when it was corrected: by whom and when. */
    correctedBy: z.string().optional(),
    updatedAt: Instant.optional(),
    version: z.int().default(1),
  }))
  .register(z.globalRegistry, { id: 'TimeEntry' });
export type TimeEntry = z.infer<typeof TimeEntry>;

export const TaskComment = z
  .object(() => ({
    id: z.string(),
    taskId: TaskId,
    authorId: z.string(),
    body: z.string(),
    createdAt: Instant,
  }))
  .register(z.globalRegistry, { id: 'TaskComment' });
export type TaskComment = z.infer<typeof TaskComment>;

// ---------------------------------------------------------------- inputs

const Lag = z
  .int()
  .min(-MAX_LAG_DAYS, { error: `lags are at most ${MAX_LAG_DAYS} business days` })
  .max(MAX_LAG_DAYS, { error: `lags are at most ${MAX_LAG_DAYS} business days` });

export const NewProject = z
  .strictObject(() => ({
    name: text(200),
    kickoffDate: CalendarDate,
    promisedDueDate: CalendarDate.optional(),
    templateId: TemplateId.optional(),
    ownerId: UserId.optional().describe('the delivery owner, an active user (default: you)'),
    customer: z
      .strictObject(() => ({
        companyId: CompanyId.optional(),
        mainStakeholderContactId: ContactId.optional(),
      }))
      .default({}),
    budget: Budget.optional(),
    hourlyRate: Money.optional(),
    customFields: CustomFieldsInput.optional(),
  }))
  .refine((p) => !p.promisedDueDate || p.promisedDueDate >= p.kickoffDate, {
    error: 'must not be before the kickoff date',
    path: ['promisedDueDate'],
  })
  .register(z.globalRegistry, { id: 'NewProject' });
export type NewProject = z.infer<typeof NewProject>;

export const ProjectPatch = z
  .strictObject(() => ({
    name: text(200).optional(),
    status: ProjectStatus.optional(),
    ownerId: UserId.optional().describe(
      'hands the project to another delivery owner, an active user (422 naming ownerId otherwise); a deal won again keeps the change unless its win names one',
    ),
    kickoffDate: CalendarDate.optional().describe(
      'moves the whole plan: every task is scheduled from it again',
    ),
    promisedDueDate: CalendarDate.nullable()
      .optional()
      .describe('the date promised to the customer; null: none'),
    budget: Budget.nullable().optional(),
    hourlyRate: Money.nullable().optional(),
    /** Tick or untick kickoff checklist items by key. */
    checklist: z.record(z.string(), z.boolean()).optional(),
    customFields: CustomFieldsPatch.optional(),
    reason: text(500)
      .optional()
      .describe('why the status changes: required to cancel a project, kept in its notes and the event'),
  }))
  .refine((p) => Object.keys(p).length > 0, { error: 'name at least one field to change' });
export type ProjectPatch = z.infer<typeof ProjectPatch>;

/**
 * Who decides a task's approval: a role, a user, or a contact of the customer (in the project
 * portal; docs/api.md, "The customer portal"). Exactly one.
 */
export const TaskApprovalStep = z
  .strictObject(() => ({
    approverRole: Role.optional(),
    approverUserId: UserId.optional(),
    approverContactId: ContactId.optional().describe(
      "a contact of the project's customer (its main stakeholder, or a contact of its company), who decides it in the project portal",
    ),
  }))
  .refine(
    (a) =>
      [a.approverRole, a.approverUserId, a.approverContactId].filter((x) => x !== undefined).length === 1,
    { error: 'name the approver: a role, a user or a contact of the customer, one of them' },
  );

export const NewTask = z
  .strictObject(() => ({
    title: text(200),
    description: text(5_000).optional(),
    durationDays: z.int().min(0).max(1_000).default(1),
    milestone: z.boolean().default(false),
    startDate: CalendarDate.optional(),
    assigneeId: UserId.optional(),
    parentId: TaskId.optional(),
    estimateHours: z.number().min(0).max(100_000).optional(),
    checklist: z.array(text(200)).max(100).default([]),
    approval: TaskApprovalStep.optional(),
    section: text(100).optional(),
    internal: z
      .boolean()
      .optional()
      .describe('for the team only: the customer never sees it in the project portal'),
  }))
  .refine((t) => !t.milestone || t.durationDays === 0, {
    error: 'a milestone lasts 0 days',
    path: ['durationDays'],
  })
  .refine((t) => !(t.internal && t.approval?.approverContactId), {
    error: 'an approval the customer decides is shown to them: it cannot be internal',
    path: ['internal'],
  })
  .register(z.globalRegistry, { id: 'NewTask' });
export type NewTask = z.infer<typeof NewTask>;

export const TaskPatch = z
  .strictObject(() => ({
    title: text(200).optional(),
    description: text(5_000).nullable().optional(),
    status: TaskStatus.optional(),
    assigneeId: UserId.nullable().optional(),
    parentId: TaskId.nullable().optional(),
    durationDays: z.int().min(0).max(1_000).optional(),
    /** Start no earlier than this date (null: as early as its dependencies allow). */
    startDate: CalendarDate.nullable().optional(),
    estimateHours: z.number().min(0).max(100_000).nullable().optional(),
    checklist: z
      .array(z.strictObject(() => ({ text: text(200), done: z.boolean() })))
      .max(100)
      .optional(),
    position: z
      .number()
      .min(0)
      .max(1_000_000)
      .optional()
      .describe('its place in the plan: any number, so a task moves between two others (e.g. 2.5) alone'),
    section: text(100).nullable().optional().describe('the heading it is listed under; null: none'),
    percentComplete: z.int().min(0).max(100).optional().describe('how far along it is (done is 100)'),
    internal: z
      .boolean()
      .optional()
      .describe('for the team only: hidden from the customer in the project portal (false: shown)'),
  }))
  .refine((p) => Object.keys(p).length > 0, { error: 'name at least one field to change' });
export type TaskPatch = z.infer<typeof TaskPatch>;

export const NewDependency = z
  .strictObject(() => ({
    predecessorId: TaskId,
    type: DependencyType.default('FS'),
    lagDays: Lag.default(0),
  }))
  .register(z.globalRegistry, { id: 'NewDependency' });
export type NewDependency = z.infer<typeof NewDependency>;

export const DecideApproval = z.strictObject(() => ({
  decision: ApprovalDecision,
  comment: text(2_000).optional(),
}));
export type DecideApproval = z.infer<typeof DecideApproval>;

export const NewTimeEntry = z
  .strictObject(() => ({
    date: CalendarDate,
    minutes: z
      .int()
      .min(1, { error: 'log at least one minute' })
      .max(1_440, { error: 'a day has 1,440 minutes' }),
    billable: z.boolean().default(true),
    note: text(1_000).optional(),
    /** Managers and admins may log for someone else; everybody else logs their own time. */
    userId: UserId.optional(),
    budgetLineId: z
      .string()
      .max(64)
      .optional()
      .describe(
        "the project's budget line of hours or days it burns; default: the project's only such line, if it has one",
      ),
  }))
  .register(z.globalRegistry, { id: 'NewTimeEntry' });
export type NewTimeEntry = z.infer<typeof NewTimeEntry>;

/** Body of `PATCH /time-entries/{id}`: what a correction may change. */
export const TimeEntryPatch = z
  .strictObject(() => ({
    date: CalendarDate.optional(),
    minutes: z
      .int()
      .min(1, { error: 'log at least one minute (delete the entry to remove it)' })
      .max(1_440, { error: 'a day has 1,440 minutes' })
      .optional(),
    billable: z.boolean().optional(),
    note: text(1_000).nullable().optional(),
  }))
  .refine((p) => Object.keys(p).length > 0, { error: 'name at least one field to change' });
export type TimeEntryPatch = z.infer<typeof TimeEntryPatch>;

export const NewComment = z.strictObject(() => ({ body: text(10_000) }));

/** Body of `POST /tasks/{id}/cancel`. */
export const CancelTask = z.strictObject(() => ({ reason: text(500) }));

/** Delivery and managers plan and do the work; sales read it; admins do everything. */
export function assertMayChangeDelivery(actor: Actor): void {
  if (!hasRole(actor, 'admin', 'manager', 'delivery')) {
    throw new Forbidden('your role may read projects but not change them');
  }
}
