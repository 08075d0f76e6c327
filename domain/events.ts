import { Attachment } from './attachments/attachment.js';
import { Activity } from './crm/activity.js';
import { Company } from './crm/company.js';
import { Contact } from './crm/contact.js';
import { Deal, NextAction } from './crm/deal.js';
import { Moved } from './crm/duplicates.js';
import { RoutingRule } from './crm/lead-routing.js';
import { LineItem, LineTotals } from './crm/line-items.js';
import { Pipeline } from './crm/pipeline.js';
import { Product } from './crm/product.js';
import { Quote } from './crm/quote.js';
import { SavedSegmentFilter, Segment } from './crm/segment.js';
import { CustomField } from './custom-fields/custom-fields.js';
import { CompanyCalendar } from './delivery/calendar.js';
import {
  Dependency,
  HandoffSnapshot,
  Project,
  ProjectStatus,
  Task,
  TaskComment,
  TaskStatus,
  TimeEntry,
} from './delivery/project.js';
import { Template } from './delivery/template.js';
import { EmailHead } from './email/message.js';
import { HandoffFacts } from './handoff/requirements.js';
import { Profile } from './people/profile.js';
import type { CommandContext } from './shared/context.js';
import { type Envelope, type EventDefinition, envelope } from './shared/event.js';
import { Money } from './shared/money.js';
import { onFirstUse } from './shared/on-first-use.js';
import { Instant } from './shared/time.js';
import * as z from './shared/zod.js';
import { JobError, RecordKind, RowCounts } from './transfer/jobs.js';
import { WebhookEndpointSummary } from './webhooks/endpoint.js';
import { WebhookReplay } from './webhooks/replay.js';

// THE event catalog: every detail-type, its source, version and data schema. The TypeScript
// types, the JSON Schemas in docs/schemas, docs/events.md and the contract tests all come from
// this one object. A breaking change to a data schema is a new version, never an edit.
// Over 300 lines: the catalog is one object by design, so every event is declared in one place.

const crm = <S extends z.ZodType>(version: number, description: string, data: S): EventDefinition<S> => ({
  source: 'handoff.crm',
  version,
  description,
  data,
});

const delivery = <S extends z.ZodType>(
  version: number,
  description: string,
  data: S,
): EventDefinition<S> => ({
  source: 'handoff.delivery',
  version,
  description,
  data,
});

const followup = <S extends z.ZodType>(
  version: number,
  description: string,
  data: S,
): EventDefinition<S> => ({
  source: 'handoff.followup',
  version,
  description,
  data,
});

const webhooks = <S extends z.ZodType>(
  version: number,
  description: string,
  data: S,
): EventDefinition<S> => ({
  source: 'handoff.webhooks',
  version,
  description,
  data,
});
/** The catalog is built by its first reader (an emit, the docs): a function that emits nothing never does. */
const catalog = <C extends Record<string, EventDefinition>>(build: () => C): C => onFirstUse(build);

const Changed = z.array(z.string()).describe('names of the fields this change touched');
/** A person as a digest names them: the id, and their name when their profile has one. */
const DigestPerson = z.object(() => ({ id: z.string(), name: z.string().nullable() }));
const Dates = z.object(() => ({ startDate: z.string(), dueDate: z.string() }));

/** What moved a project's schedule (version 2 added the kickoff or promise, and a new win). */
const RescheduleCause = z.object(() => ({
  kind: z.enum([
    'task-changed',
    'task-added',
    'dependency-added',
    'dependency-removed',
    'plan-created',
    'project-dates',
    'deal-won-again',
  ]),
  taskId: z.string().optional(),
}));

export const EVENTS = catalog(() => ({
  CompanyCreated: crm(
    1,
    'A company was added.',
    z.object(() => ({ company: Company })),
  ),
  CompanyUpdated: crm(
    1,
    'A company changed.',
    z.object(() => ({ company: Company, changed: Changed })),
  ),
  CompanyDeleted: crm(
    1,
    'A company was deleted; `detached` counts the contacts and deals whose link to it an admin cleared first (each also a ContactUpdated or DealUpdated).',
    z.object(() => ({
      companyId: z.string(),
      detached: z.object(() => ({ contacts: z.int(), deals: z.int() })).optional(),
    })),
  ),
  ContactCreated: crm(
    1,
    'A contact was added.',
    z.object(() => ({ contact: Contact })),
  ),
  ContactUpdated: crm(
    1,
    'A contact changed.',
    z.object(() => ({ contact: Contact, changed: Changed })),
  ),
  ContactDeleted: crm(
    1,
    'A contact was deleted; `detached` counts the deals whose link to it an admin cleared first (each also a DealUpdated).',
    z.object(() => ({ contactId: z.string(), detached: z.object(() => ({ deals: z.int() })).optional() })),
  ),
  PipelineCreated: crm(
    1,
    'A pipeline was created.',
    z.object(() => ({ pipeline: Pipeline })),
  ),
  PipelineUpdated: crm(
    1,
    'A pipeline or its stages changed.',
    z.object(() => ({ pipeline: Pipeline })),
  ),
  DealCreated: crm(
    1,
    'A deal was opened, with its owner and next action.',
    z.object(() => ({ deal: Deal })),
  ),
  DealUpdated: crm(
    1,
    'A deal field changed.',
    z.object(() => ({ deal: Deal, changed: Changed })),
  ),
  DealStageChanged: crm(
    1,
    'A deal moved to another stage of its pipeline.',
    z.object(() => ({
      dealId: z.string(),
      pipelineId: z.string(),
      ownerId: z.string(),
      from: z.string(),
      to: z.string(),
      secondsInPreviousStage: z.int(),
      value: Money,
    })),
  ),
  DealNextActionSet: crm(
    1,
    "A deal's next action was set; `completed` is the action it replaces when that one was done.",
    z.object(() => ({
      dealId: z.string(),
      ownerId: z.string(),
      nextAction: NextAction,
      previous: NextAction.nullable(),
      completed: z
        .object(() => ({
          summary: z.string(),
          dueAt: Instant,
          completedAt: Instant,
          outcome: z.string().optional(),
        }))
        .nullable(),
    })),
  ),
  DealOwnerChanged: crm(
    1,
    'A deal changed hands; `rule` names the lead-routing rule when one assigned it.',
    z.object(() => ({
      dealId: z.string(),
      from: z.string().nullable(),
      to: z.string(),
      rule: z.string().optional().describe('the id of the lead-routing rule that assigned the deal'),
      ruleName: z.string().optional(),
    })),
  ),
  CustomFieldDefined: crm(
    1,
    'An admin defined a custom field.',
    z.object(() => ({ field: CustomField })),
  ),
  CustomFieldChanged: crm(
    1,
    "A custom field's label, required flag, options or place among its entity's fields changed.",
    z.object(() => ({
      field: CustomField,
      changed: Changed,
      position: z
        .int()
        .optional()
        .describe(
          "the field's place among its entity's fields after the change, from 0 (absent in events sent before fields could be reordered)",
        ),
    })),
  ),
  CustomFieldRemoved: crm(
    1,
    'A custom field definition was removed (values already stored stay on their records).',
    z.object(() => ({ entity: z.string(), key: z.string() })),
  ),
  ContactsMerged: crm(
    1,
    "A duplicate contact was merged into its survivor: its deals, activities, emails, tags and notes are the survivor's; it answers 410 from now on.",
    z.object(() => ({ survivorId: z.string(), mergedId: z.string(), moved: Moved })),
  ),
  CompaniesMerged: crm(
    1,
    "A duplicate company was merged into its survivor: its contacts, deals and projects are the survivor's; it answers 410 from now on.",
    z.object(() => ({ survivorId: z.string(), mergedId: z.string(), moved: Moved })),
  ),
  ImportFinished: crm(
    1,
    'A CSV import finished: completed (with its row counts; rejected rows are in its report) or failed (the file could not be read; nothing was written).',
    z.object(() => ({
      importId: z.string(),
      kind: RecordKind,
      status: z.enum(['completed', 'failed']),
      rows: RowCounts,
      error: JobError.optional(),
    })),
  ),
  AttachmentAdded: crm(
    1,
    'A file was attached to a deal, contact, company, project or task (its upload confirmed). The file stays in the bucket; a link to it comes from GET /attachments/{id}.',
    z.object(() => ({ attachment: Attachment })),
  ),
  AttachmentDeleted: crm(
    1,
    'An attachment and its file were deleted by its uploader, a manager or an admin.',
    z.object(() => ({ attachment: Attachment, deletedBy: z.string() })),
  ),
  ExportRequested: crm(
    2,
    'A CSV export was asked for; the export function writes the file.',
    z.object(() => ({
      exportId: z.string(),
      kind: RecordKind,
      segmentId: z.string().nullable(),
      filter: SavedSegmentFilter,
    })),
  ),
  ExportFinished: crm(
    1,
    'A CSV export file is ready to download (GET /exports/{id}).',
    z.object(() => ({
      exportId: z.string(),
      kind: RecordKind,
      status: z.enum(['completed', 'failed']),
      rows: z.int(),
      truncated: z.boolean(),
    })),
  ),
  SegmentCreated: crm(
    2,
    'A saved filter (segment) was made.',
    z.object(() => ({ segment: Segment })),
  ),
  SegmentUpdated: crm(
    2,
    "A segment's name or filter changed.",
    z.object(() => ({ segment: Segment })),
  ),
  SegmentDeleted: crm(
    1,
    'A segment was deleted.',
    z.object(() => ({ segmentId: z.string() })),
  ),
  DealReasonsChanged: crm(
    1,
    'Admins changed the lists of reasons a deal is won or lost for.',
    z.object(() => ({ lost: z.array(z.string()), won: z.array(z.string()) })),
  ),
  LeadRoutingChanged: crm(
    1,
    'The lead-routing rules changed (the whole ordered list; the first match wins).',
    z.object(() => ({ rules: z.array(RoutingRule) })),
  ),
  DealClosedWon: crm(
    1,
    'A deal was won with every handoff fact. Carries the deal, the customer and the handoff so that no consumer needs to call back.',
    z.object(() => ({
      deal: Deal,
      customer: z.object(() => ({ company: Company.nullable(), mainStakeholder: Contact })),
      handoff: HandoffFacts,
      templateId: z.string().nullable(),
      /** 1 for the first win; a reopened deal won again counts up. */
      win: z.int().min(1),
    })),
  ),
  DealClosedLost: crm(
    1,
    'A deal was lost, with the reason. A deal that had been won names its delivery project and what becomes of it (the handoff function puts it on hold or cancels it).',
    z.object(() => ({
      dealId: z.string(),
      ownerId: z.string(),
      reason: z.string(),
      stageId: z.string(),
      value: Money,
      projectId: z.string().optional(),
      projectAction: z.enum(['on_hold', 'cancelled']).optional(),
    })),
  ),
  DealDeleted: crm(
    1,
    'A mistaken deal was deleted by an admin: its report totals were reversed in the same write; its activities stay (no longer on a deal); a delivery project made from it stays, marked.',
    z.object(() => ({ deal: Deal, projectId: z.string().nullable() })),
  ),
  DealReopened: crm(
    1,
    'A won or lost deal was reopened, with a next action; a reopened deal won again updates its project.',
    z.object(() => ({
      dealId: z.string(),
      ownerId: z.string(),
      from: z.enum(['won', 'lost']),
      stageId: z.string(),
      nextAction: NextAction,
    })),
  ),
  ProductCreated: crm(
    1,
    'An admin added a product to the catalog.',
    z.object(() => ({ product: Product })),
  ),
  ProductUpdated: crm(
    1,
    'A product of the catalog changed; `active` false in `changed` is a retirement (kept for the lines that name it, offered for no new one).',
    z.object(() => ({ product: Product, changed: Changed })),
  ),
  DealLineItemsChanged: crm(
    1,
    "A deal's line items were set (PUT /deals/{id}/line-items, or an accepted quote's lines taken back). `value` is the deal's after it: their net total while it has lines.",
    z.object(() => ({
      dealId: z.string(),
      lineItems: z.array(LineItem),
      totals: LineTotals.nullable(),
      value: Money,
      previousValue: Money,
    })),
  ),
  QuoteCreated: crm(
    1,
    "A quote was made from a deal's line items: version `quote.quoteVersion` of the deal's quote number; `supersedes` names the version it replaced, if one was still open.",
    z.object(() => ({
      quote: Quote,
      supersedes: z.object(() => ({ quoteId: z.string(), quoteVersion: z.int() })).nullable(),
    })),
  ),
  QuoteSent: crm(
    1,
    "A quote was emailed (with its PDF) to its contact; it is on the deal's timeline.",
    z.object(() => ({
      quoteId: z.string(),
      dealId: z.string(),
      number: z.string(),
      quoteVersion: z.int(),
      to: z.object(() => ({ contactId: z.string(), email: z.string() })),
    })),
  ),
  QuoteAccepted: crm(
    1,
    "The customer accepted a quote (as a rep recorded it): its lines are the deal's, and `value` the deal's value, until it is declined; at the win they become the project's budget.",
    z.object(() => ({
      quoteId: z.string(),
      dealId: z.string(),
      number: z.string(),
      quoteVersion: z.int(),
      totals: LineTotals,
      value: Money,
    })),
  ),
  QuoteDeclined: crm(
    1,
    "The customer declined a quote, or withdrew an acceptance (`wasAccepted`: the deal's lines are free to change again).",
    z.object(() => ({
      quoteId: z.string(),
      dealId: z.string(),
      number: z.string(),
      quoteVersion: z.int(),
      reason: z.string(),
      wasAccepted: z.boolean(),
    })),
  ),
  ActivityLogged: crm(
    1,
    'A call, email, meeting, task or note was logged.',
    z.object(() => ({ activity: Activity })),
  ),
  ActivityUpdated: crm(
    1,
    'An activity changed.',
    z.object(() => ({ activity: Activity, changed: Changed })),
  ),
  ActivityDeleted: crm(
    1,
    'An activity was deleted (by its author, its assignee or a manager); it left every timeline.',
    z.object(() => ({ activityId: z.string(), activity: Activity })),
  ),
  ActivityOverdue: crm(
    1,
    "A CRM task passed its due time while open: sent once per task and due time, for its assignee's follow-ups.",
    z.object(() => ({
      activityId: z.string(),
      subject: z.string(),
      assigneeId: z.string(),
      dealId: z.string().optional(),
      contactId: z.string().optional(),
      dueAt: Instant,
      minutesLate: z.int(),
    })),
  ),
  ActivityCompleted: crm(
    1,
    'An activity was marked done.',
    z.object(() => ({ activity: Activity })),
  ),
  EmailLogged: crm(
    1,
    'An email reached the capture domain and was accepted: logged on the records in `loggedOn` (each an `email` activity, with its own ActivityLogged), or `unmatched` when no participant is a contact yet. Sent once per Message-ID.',
    z.object(() => ({ email: EmailHead })),
  ),
  EmailRefused: crm(
    1,
    "An email reached the capture domain and was not logged: SES's verdict (spam, virus, SPF, DKIM, DMARC), a sender who is not a user, or a message that cannot be read (`refusal`).",
    z.object(() => ({ email: EmailHead })),
  ),

  TemplateCreated: delivery(
    1,
    'A kickoff template was created.',
    z.object(() => ({ template: Template })),
  ),
  TemplateUpdated: delivery(
    1,
    'A kickoff template changed (a new version).',
    z.object(() => ({ template: Template })),
  ),
  ProjectCreated: delivery(
    1,
    'A project was created, from a template and a kickoff date; `dealId` names the won deal it delivers.',
    z.object(() => ({
      project: Project,
      dealId: z.string().nullable(),
      tasks: z.array(
        z.object(() => ({
          id: z.string(),
          key: z.string().optional(),
          title: z.string(),
          kind: z.string(),
          startDate: z.string(),
          dueDate: z.string(),
        })),
      ),
    })),
  ),
  ProjectUpdated: delivery(
    1,
    'A project changed: name, delivery owner, budget, rate or its kickoff checklist. A new delivery owner (`changed` holds `ownerId`, by PATCH /projects/{id} or a deal won again naming one) is `project.ownerId`, and `previousOwnerId` says who had it.',
    z.object(() => ({
      project: Project,
      changed: Changed,
      previousOwnerId: z
        .string()
        .optional()
        .describe('the delivery owner before, when this change handed the project to someone else'),
    })),
  ),
  ProjectStatusChanged: delivery(
    1,
    'A project moved between planned, active, on hold, done and cancelled (with why, when given).',
    z.object(() => ({
      projectId: z.string(),
      from: ProjectStatus,
      to: ProjectStatus,
      reason: z.string().optional(),
    })),
  ),
  ProjectHandoffUpdated: delivery(
    1,
    'A reopened deal was won again: the project keeps its plan and gains a new handoff snapshot.',
    z.object(() => ({
      projectId: z.string(),
      dealId: z.string(),
      handoff: HandoffSnapshot,
      previousVersion: z.int(),
    })),
  ),
  ProjectRescheduleRequested: delivery(
    2,
    'A change moved more tasks than one transaction holds; the reschedule cascade writes the rest (safe to repeat).',
    z.object(() => ({
      projectId: z.string(),
      cause: RescheduleCause,
    })),
  ),
  HandoffTimelineAtRisk: delivery(
    1,
    "The won deal's project, scheduled from its kickoff date, ends after the promised due date. Addressed to the deal's owner (`dealOwnerId`, who made the promise) and the project's delivery owner (`projectOwnerId`, who runs it).",
    z.object(() => ({
      projectId: z.string(),
      dealId: z.string(),
      dealOwnerId: z.string(),
      projectOwnerId: z.string(),
      kickoffDate: z.string(),
      promisedDueDate: z.string(),
      projectedFinish: z.string(),
      shortfallDays: z.int().min(1),
    })),
  ),
  ProjectAtRisk: delivery(
    1,
    "A live project's projected finish moved past its promised due date (a task, a dependency, the kickoff, the promise, a new win, or a resume moved it). Sent on the transition, not on every change; addressed to the project's delivery owner (`projectOwnerId`, who runs it) and the deal's owner at its last win (`dealOwnerId`, who made the promise).",
    z.object(() => ({
      projectId: z.string(),
      dealId: z.string().nullable(),
      dealOwnerId: z.string().nullable(),
      projectOwnerId: z.string(),
      kickoffDate: z.string(),
      promisedDueDate: z.string(),
      projectedFinish: z.string(),
      shortfallDays: z.int().min(1),
      cause: z.string(),
    })),
  ),
  ProjectBackOnTrack: delivery(
    1,
    'An at-risk project finishes by its promised due date again. Sent on the transition; addressed like ProjectAtRisk (`projectOwnerId` is the delivery owner).',
    z.object(() => ({
      projectId: z.string(),
      dealId: z.string().nullable(),
      dealOwnerId: z.string().nullable(),
      projectOwnerId: z.string(),
      promisedDueDate: z.string(),
      projectedFinish: z.string(),
      cause: z.string(),
    })),
  ),
  TaskCreated: delivery(
    1,
    'A task or milestone was added to a project.',
    z.object(() => ({ task: Task })),
  ),
  TaskUpdated: delivery(
    1,
    'A task changed (title, description, estimate, parent, checklist).',
    z.object(() => ({ task: Task, changed: Changed })),
  ),
  TaskAssigned: delivery(
    1,
    'A task changed assignee; `to` is null when it was unassigned.',
    z.object(() => ({
      taskId: z.string(),
      projectId: z.string(),
      from: z.string().nullable(),
      to: z.string().nullable(),
    })),
  ),
  TaskStatusChanged: delivery(
    1,
    'A task moved between todo, in progress, blocked and done.',
    z.object(() => ({ taskId: z.string(), projectId: z.string(), from: TaskStatus, to: TaskStatus })),
  ),
  TaskCancelled: delivery(
    1,
    'A task was cancelled with a reason: it stays in the plan, takes no time, and is followed up by no one.',
    z.object(() => ({
      taskId: z.string(),
      projectId: z.string(),
      reason: z.string(),
      cancelledBy: z.string(),
    })),
  ),
  TaskRescheduled: delivery(
    2,
    "A task's dates moved because the schedule changed; `cause` says what changed.",
    z.object(() => ({
      taskId: z.string(),
      projectId: z.string(),
      from: Dates,
      to: Dates,
      cause: RescheduleCause,
    })),
  ),
  TaskDependencyAdded: delivery(
    1,
    'A task now depends on another.',
    z.object(() => ({ taskId: z.string(), projectId: z.string(), dependency: Dependency })),
  ),
  TaskDependencyRemoved: delivery(
    1,
    'A task no longer depends on another.',
    z.object(() => ({ taskId: z.string(), projectId: z.string(), predecessorId: z.string() })),
  ),
  TaskCommented: delivery(
    1,
    'Someone commented on a task.',
    z.object(() => ({ comment: TaskComment, projectId: z.string() })),
  ),
  MilestoneReached: delivery(
    1,
    "A milestone was marked done. Addressed to the project's delivery owner (`projectOwnerId`) and the owner of the deal it delivers (`dealOwnerId`, who sold it), as ProjectAtRisk is.",
    z.object(() => ({
      taskId: z.string(),
      projectId: z.string(),
      title: z.string(),
      plannedDate: z.string(),
      reachedAt: Instant,
      dealId: z
        .string()
        .nullable()
        .optional()
        .describe('the deal the project delivers (absent before 2026-12)'),
      dealOwnerId: z
        .string()
        .nullable()
        .optional()
        .describe("the deal's owner at its last win, who made the promise (null: no deal)"),
      projectOwnerId: z.string().optional().describe("the project's delivery owner"),
    })),
  ),
  ApprovalRequested: delivery(
    1,
    'A task waits for an approval by a role, a user, or a contact of the customer (decided in the project portal).',
    z.object(() => ({
      taskId: z.string(),
      projectId: z.string(),
      title: z.string(),
      approverRole: z.string().optional(),
      approverUserId: z.string().optional(),
      approverContactId: z
        .string()
        .optional()
        .describe('the contact of the customer who decides it in the project portal'),
      dueDate: z.string().optional().describe("the task's due date: when the approval is wanted by"),
    })),
  ),
  ApprovalDecided: delivery(
    1,
    'An approval was decided: approved, rejected or changes requested.',
    z.object(() => ({
      taskId: z.string(),
      projectId: z.string(),
      decision: z.string(),
      comment: z.string().optional(),
      decidedBy: z.string(),
    })),
  ),
  PortalLinkCreated: delivery(
    1,
    'A delivery owner or manager shared a project with a contact of its customer: a portal link was made. Its secret is never in an event (it is stored only as a hash and shown once, to its creator).',
    z.object(() => ({
      linkId: z.string(),
      projectId: z.string(),
      contactId: z.string(),
      expiresAt: Instant,
      createdBy: z.string(),
    })),
  ),
  PortalLinkRevoked: delivery(
    1,
    'A portal link was revoked: it and every session made with it stopped working at once.',
    z.object(() => ({
      linkId: z.string(),
      projectId: z.string(),
      contactId: z.string(),
      revokedBy: z.string(),
    })),
  ),
  PortalViewed: delivery(
    1,
    "A customer's contact looked at their project in the portal: sent on the first view of each portal session, not on every read.",
    z.object(() => ({
      linkId: z.string(),
      sessionId: z.string(),
      projectId: z.string(),
      contactId: z.string(),
      viewedAt: Instant,
    })),
  ),
  CustomerApprovalGiven: delivery(
    1,
    "A contact of the customer decided an approval assigned to them, in the portal: approved, or rejected with what must change. Sent beside ApprovalDecided (whose `decidedBy` is `contact:<contactId>`); addressed to the project's delivery owner and its deal's owner.",
    z.object(() => ({
      projectId: z.string(),
      taskId: z.string(),
      title: z.string(),
      contactId: z.string(),
      decision: z.enum(['approved', 'rejected']),
      comment: z.string().optional(),
      dealId: z.string().nullable(),
      dealOwnerId: z.string().nullable(),
      projectOwnerId: z.string(),
    })),
  ),
  TimeLogged: delivery(
    1,
    "Time was logged on a task; `totals` are the project's after it.",
    z.object(() => ({
      entry: TimeEntry,
      totals: z.object(() => ({ actualMinutes: z.int(), billableMinutes: z.int() })),
    })),
  ),
  CompanyCalendarChanged: delivery(
    1,
    'An admin set the company calendar: the working days and holidays that new projects are planned on (unless their template has its own).',
    z.object(() => ({ calendar: CompanyCalendar })),
  ),
  TimeEntryCorrected: delivery(
    1,
    "Logged time was corrected by its author or a manager; `totals` are the project's after it.",
    z.object(() => ({
      before: TimeEntry,
      entry: TimeEntry,
      changed: Changed,
      totals: z.object(() => ({ actualMinutes: z.int(), billableMinutes: z.int() })),
    })),
  ),
  TimeEntryDeleted: delivery(
    1,
    "Logged time was deleted by its author or a manager; `totals` are the project's after it.",
    z.object(() => ({
      entry: TimeEntry,
      deletedBy: z.string(),
      totals: z.object(() => ({ actualMinutes: z.int(), billableMinutes: z.int() })),
    })),
  ),
  ProjectBudgetExceeded: delivery(
    1,
    "The logged time (or its cost) passed the project's budget. Sent once per project.",
    z.object(() => ({
      projectId: z.string(),
      budget: z.object(() => ({ hours: z.number().optional(), amount: Money.optional() })),
      burn: z.object(() => ({ hours: z.number().nullable(), cost: z.number().nullable() })),
    })),
  ),

  BudgetLineExceeded: delivery(
    1,
    'More time was logged against a budget line (a line of hours or days the customer bought) than was sold: the project is at risk on its budget. Sent once per line.',
    z.object(() => ({
      projectId: z.string(),
      line: z.object(() => ({
        id: z.string(),
        name: z.string(),
        unit: z.string(),
        quantity: z.number(),
        amount: Money,
      })),
      actualQuantity: z.number(),
      actualAmount: Money,
    })),
  ),

  NextActionOverdue: followup(
    1,
    "An open deal's next action is past due. Sent once per due time; rescheduling re-arms it.",
    z.object(() => ({
      dealId: z.string(),
      dealTitle: z.string(),
      ownerId: z.string(),
      nextAction: NextAction,
      minutesLate: z.int(),
    })),
  ),
  TaskOverdue: followup(
    1,
    "An open task is past its due date. Sent once per due date. An unassigned task names the project's delivery owner (`projectOwnerId`), who follows it up.",
    z.object(() => ({
      taskId: z.string(),
      projectId: z.string(),
      title: z.string(),
      assigneeId: z.string().nullable(),
      projectOwnerId: z.string().nullable().optional(),
      dueDate: z.string(),
      minutesLate: z.int(),
    })),
  ),
  DealStalled: followup(
    1,
    "An open deal stayed longer in its stage than the stage's rotAfterDays. Sent once per stage entry.",
    z.object(() => ({
      dealId: z.string(),
      dealTitle: z.string(),
      ownerId: z.string(),
      pipelineId: z.string(),
      stageId: z.string(),
      enteredAt: Instant,
      rotAfterDays: z.int(),
      daysInStage: z.int(),
    })),
  ),
  ProfileUpdated: crm(
    1,
    'A person changed their profile (name, time zone).',
    z.object(() => ({ profile: Profile, changed: Changed })),
  ),
  DealSnoozed: crm(
    1,
    "A deal's overdue and stall flags were silenced until an instant, with a reason.",
    z.object(() => ({ dealId: z.string(), ownerId: z.string(), until: Instant, reason: z.string() })),
  ),
  FollowUpDigest: followup(
    1,
    "One owner's daily digest: their late next actions, tasks due today, late tasks and CRM tasks, stalled deals, projects at risk; for managers the team's totals and missing handoffs; for admins the webhook endpoints Handoff stopped sending to. Only sent when there is something to do.",
    z.object(() => ({
      userId: z.string(),
      email: z.string().nullable(),
      name: z.string().nullable(),
      localDate: z.string(),
      timeZone: z.string(),
      overdueNextActions: z.array(
        z.object(() => ({
          dealId: z.string(),
          dealTitle: z.string(),
          summary: z.string(),
          dueAt: Instant,
          minutesLate: z.int(),
        })),
      ),
      tasksDueToday: z.array(
        z.object(() => ({
          taskId: z.string(),
          projectId: z.string(),
          title: z.string(),
          dueDate: z.string(),
        })),
      ),
      overdueTasks: z.array(
        z.object(() => ({
          taskId: z.string(),
          projectId: z.string(),
          title: z.string(),
          dueDate: z.string(),
          minutesLate: z.int(),
        })),
      ),
      stalledDeals: z.array(
        z.object(() => ({
          dealId: z.string(),
          dealTitle: z.string(),
          stageId: z.string(),
          stageName: z.string().optional().describe("the stage's name when the digest was composed"),
          daysInStage: z.int(),
        })),
      ),
      overdueActivities: z
        .array(
          z.object(() => ({
            activityId: z.string(),
            subject: z.string(),
            dealId: z.string().optional(),
            dueAt: Instant,
            minutesLate: z.int(),
          })),
        )
        .describe('CRM tasks assigned to them, open past their due time'),
      projectsAtRisk: z
        .array(
          z.object(() => ({
            projectId: z.string(),
            projectName: z.string(),
            role: z
              .enum(['project-owner', 'deal-owner'])
              .describe(
                'why it is theirs: project-owner, they deliver it (its delivery owner); deal-owner, they sold the deal and made the promise',
              ),
            deliveryOwner: DigestPerson.optional().describe("the project's delivery owner, who runs it"),
            dealOwner: DigestPerson.nullable()
              .optional()
              .describe(
                'the owner of the deal it delivers (at its last win), who made the promise; null: none',
              ),
            promisedDueDate: z.string(),
            projectedFinish: z.string(),
            shortfallDays: z.int(),
          })),
        )
        .default([])
        .describe(
          'projects they deliver, or that deliver a deal they own, whose projected finish is past the promise',
        ),
      disabledWebhookEndpoints: z
        .array(
          z.object(() => ({
            endpointId: z.string(),
            origin: z.string().describe("the endpoint URL's scheme, host and port"),
            reason: z.enum(['failing', 'gone']),
            disabledAt: Instant,
          })),
        )
        .default([])
        .describe(
          'admins: the webhook endpoints Handoff stopped sending to (failing for their whole retry window, or answering 410)',
        ),
      deliveryNews: z
        .array(
          z.object(() => ({
            kind: z.enum(['milestone-reached', 'back-on-track', 'customer-approved', 'customer-rejected']),
            projectId: z.string(),
            projectName: z.string(),
            dealId: z.string().nullable(),
            title: z.string(),
            comment: z.string().optional(),
            at: Instant,
          })),
        )
        .default([])
        .describe(
          'since the last digest, on the projects you sold (or deliver): milestones reached, promises back on track, and what the customer approved or rejected in the portal',
        ),
      team: z
        .object(() => ({
          overdueNextActions: z.int(),
          overdueTasks: z.int(),
          overdueActivities: z.int(),
          stalledDeals: z.int(),
          missingHandoffs: z.array(
            z.object(() => ({
              dealId: z.string(),
              dealTitle: z.string(),
              ownerId: z.string(),
              owner: DigestPerson.optional().describe("the deal's owner, by name where known"),
              wonAt: Instant,
            })),
          ),
        }))
        .nullable(),
    })),
  ),
  HandoffMissing: followup(
    1,
    'A deal was won more than the grace period ago and has no delivery project: the sales-to-delivery gap is open.',
    z.object(() => ({
      dealId: z.string(),
      dealTitle: z.string(),
      ownerId: z.string(),
      win: z.int(),
      wonAt: Instant,
      minutesWaiting: z.int(),
    })),
  ),
  WebhookEndpointCreated: webhooks(
    1,
    'An admin added a webhook endpoint (its URL is carried as its origin only: a path may hold a credential).',
    z.object(() => ({ endpoint: WebhookEndpointSummary })),
  ),
  WebhookEndpointUpdated: webhooks(
    1,
    'A webhook endpoint changed: its URL, events, description or status (`changed`), or its signing secret was rotated (`changed: ["secret"]`; the previous one signs beside it for 24 hours).',
    z.object(() => ({ endpoint: WebhookEndpointSummary, changed: Changed })),
  ),
  WebhookEndpointDeleted: webhooks(
    1,
    'An admin deleted a webhook endpoint: nothing more is sent to it.',
    z.object(() => ({ endpointId: z.string() })),
  ),
  WebhookEndpointDisabled: webhooks(
    1,
    'Handoff stopped sending to a webhook endpoint: every attempt of a delivery failed for its whole retry window (over 3 days, `failing`), or the receiver answered 410 Gone (`gone`). Admins see it in their follow-ups and digest; PATCH it back to enabled, then replay what it missed.',
    z.object(() => ({
      endpoint: WebhookEndpointSummary,
      reason: z.enum(['failing', 'gone']),
      failingSince: Instant.nullable().describe('since when every attempt to it had failed'),
      deliveryId: z.string().describe('the delivery whose failure decided it'),
      lastError: z.string().nullable(),
    })),
  ),
  WebhookTest: webhooks(
    1,
    'A test an admin sent to one webhook endpoint (POST /webhook-endpoints/{id}/test): sent to that endpoint only, even when disabled.',
    z.object(() => ({ endpointId: z.string(), message: z.string() })),
  ),
  WebhookResendRequested: webhooks(
    1,
    'An admin asked for a webhook delivery to be sent again; the webhook sender sends it (never sent to endpoints itself).',
    z.object(() => ({ endpointId: z.string(), deliveryId: z.string(), round: z.int() })),
  ),
  WebhookReplayRequested: webhooks(
    1,
    "An admin asked to replay a window of events to a webhook endpoint; the webhook sender starts the archive's replay (never sent to endpoints itself).",
    z.object(() => ({ replay: WebhookReplay })),
  ),
}));

export type EventName = keyof typeof EVENTS;
export type EventData<N extends EventName> = z.output<(typeof EVENTS)[N]['data']>;
export type DomainEvent = { [N in EventName]: Envelope<N, EventData<N>> }[EventName];

export function emit<N extends EventName>(
  ctx: CommandContext,
  name: N,
  data: z.input<(typeof EVENTS)[N]['data']>,
): DomainEvent {
  return envelope(ctx, name, EVENTS[name] as EventDefinition, data) as DomainEvent;
}
