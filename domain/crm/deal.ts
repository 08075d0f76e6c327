import { HandoffFacts } from '../handoff/requirements.js';
import { type Actor, hasRole } from '../shared/context.js';
import { CustomFields, CustomFieldsInput, CustomFieldsPatch } from '../shared/custom-values.js';
import { Forbidden } from '../shared/errors.js';
import { idSchema, UserId } from '../shared/ids.js';
import { Money } from '../shared/money.js';
import { Tags, text } from '../shared/text.js';
import { CalendarDate, Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';
import { CompanyId } from './company.js';
import { ContactId } from './contact.js';
import { LineTotals } from './line-items.js';
import { PipelineId, StageId } from './pipeline.js';

export const DealId = idSchema('deal');
export const DEAL_STATUSES = ['open', 'won', 'lost'] as const;
export const DealStatus = z.enum(DEAL_STATUSES);
export type DealStatus = z.infer<typeof DealStatus>;

export const NextAction = z
  .strictObject(() => ({
    summary: text(500),
    dueAt: Instant,
  }))
  .register(z.globalRegistry, { id: 'NextAction' });
export type NextAction = z.infer<typeof NextAction>;

export const LeadSource = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,59}$/u, {
    error: 'must be 1-60 letters, digits, spaces, . - or _',
  });

export const StageVisit = z
  .object(() => ({
    stageId: z.string(),
    enteredAt: Instant,
    leftAt: Instant.optional(),
  }))
  .register(z.globalRegistry, { id: 'StageVisit' });
export type StageVisit = z.infer<typeof StageVisit>;

const fields = {
  title: text(200),
  value: Money,
  ownerId: UserId,
  contactId: ContactId,
  companyId: CompanyId,
  leadSource: LeadSource,
  expectedCloseDate: CalendarDate,
};

/**
 * Body of `POST /deals`. `ownerId` and `nextAction` are optional in the shape only so that
 * their absence is reported with the business rule's words (an open deal needs both).
 */
export const NewDeal = z
  .strictObject(() => ({
    title: fields.title,
    value: fields.value,
    ownerId: fields.ownerId
      .optional()
      .describe('required unless a lead-routing rule (GET /lead-routing) assigns the owner'),
    nextAction: NextAction.optional(),
    contactId: fields.contactId.optional(),
    companyId: fields.companyId.optional(),
    leadSource: fields.leadSource.optional(),
    expectedCloseDate: fields.expectedCloseDate.optional(),
    pipelineId: PipelineId.optional(),
    stageId: StageId.optional(),
    tags: Tags.default([]),
    customFields: CustomFieldsInput.optional(),
  }))
  .meta({
    id: 'NewDeal',
    // An open deal always has a next action: the command refuses a deal without one (422, with
    // every other fault at once), so the contract says it is required. The owner may be left
    // out when a lead-routing rule assigns one (the 422 says so when none does).
    override: ({ jsonSchema }: { jsonSchema: { required?: string[] } }) => {
      jsonSchema.required = [...new Set([...(jsonSchema.required ?? []), 'nextAction'])];
    },
  });
export type NewDeal = z.infer<typeof NewDeal>;

export const DealPatch = z
  .strictObject(() => ({
    title: fields.title.optional(),
    value: fields.value.optional(),
    ownerId: fields.ownerId.optional(),
    contactId: fields.contactId.nullable().optional(),
    companyId: fields.companyId.nullable().optional(),
    leadSource: fields.leadSource.nullable().optional(),
    expectedCloseDate: fields.expectedCloseDate.nullable().optional(),
    tags: Tags.optional(),
    customFields: CustomFieldsPatch.optional(),
  }))
  .refine((p) => Object.keys(p).length > 0, { error: 'name at least one field to change' });
export type DealPatch = z.infer<typeof DealPatch>;

export const MoveDeal = z.strictObject(() => ({ stageId: StageId }));

/**
 * Body of `PUT /deals/{id}/next-action`: the next action to set. With `completeCurrent`, the
 * current one is recorded as done (with its `outcome`) in the deal's history first.
 */
export const SetNextAction = z.strictObject(() => ({
  summary: text(500),
  dueAt: Instant,
  completeCurrent: z.boolean().default(false),
  outcome: text(2_000).optional(),
}));
export type SetNextAction = z.infer<typeof SetNextAction>;

export const LoseDeal = z.strictObject(() => ({
  reason: text(500).describe(
    'one of the lost reasons, when admins defined them (GET /deal-reasons), or "other"',
  ),
  reasonDetail: text(500).optional().describe('what "other" means here'),
  project: z
    .enum(['on_hold', 'cancelled'])
    .optional()
    .describe(
      'a deal that was won before and has a delivery project: put the project on hold (the default; it resumes when the deal is won again) or cancel it (managers and admins)',
    ),
}));

/** Body of `POST /deals/{id}/snooze`. */
export const SnoozeDeal = z.strictObject(() => ({ until: Instant, reason: text(500) }));
export type SnoozeDeal = z.infer<typeof SnoozeDeal>;

/** Body of `POST /deals/{id}/reopen`: an open deal needs a next action again. */
export const ReopenDeal = z.strictObject(() => ({ nextAction: NextAction, stageId: StageId.optional() }));
export type ReopenDeal = z.infer<typeof ReopenDeal>;

export const Deal = z
  .object(() => ({
    id: DealId,
    title: z.string(),
    value: Money,
    lineItemTotals: LineTotals.optional().describe(
      'the sums of its line items (GET /deals/{id}/line-items) while it has any: `value` is their net total then',
    ),
    ownerId: z.string(),
    contactId: ContactId.optional(),
    companyId: CompanyId.optional(),
    companyName: z
      .string()
      .optional()
      .describe(
        "its company's name, as the company has it now (kept current when the company is renamed: its deals are written again a page at a time, shortly after CompanyUpdated; no DealUpdated is sent for it)",
      ),
    leadSource: z.string().optional(),
    expectedCloseDate: CalendarDate.optional(),
    pipelineId: PipelineId,
    stageId: StageId,
    stageEnteredAt: Instant,
    stageHistory: z.array(StageVisit),
    stagesReached: z
      .array(z.string())
      .optional()
      .describe(
        "the stages the conversion report counts this deal as having reached: each stage it was in and every stage before one of them, in the pipeline's order when it got there (absent on deals stored before it existed: they count the stages they were in)",
      ),
    status: DealStatus,
    nextAction: NextAction.nullable(),
    tags: z.array(z.string()),
    customFields: CustomFields.optional(),
    handoff: HandoffFacts.optional(),
    templateId: idSchema('template').optional(),
    lostReason: z.string().optional(),
    lostReasonDetail: z.string().optional(),
    wonReason: z.string().optional(),
    wonReasonDetail: z.string().optional(),
    closedAt: Instant.optional(),
    /** When an activity (call, email, meeting, note, task) was last logged on the deal. */
    lastActivityAt: Instant.optional(),
    /** How many times the deal was won (a reopened deal can be won again). */
    wins: z.int().default(0),
    projectId: idSchema('project').optional(),
    /** Overdue and stall flags are silenced until then (with why). */
    snooze: z.object(() => ({ until: Instant, reason: z.string(), by: z.string(), at: Instant })).optional(),
    createdAt: Instant,
    updatedAt: Instant,
    createdBy: z.string(),
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'Deal' });
export type Deal = z.infer<typeof Deal>;

/** Admins and managers change any deal; sales only the deals they own; delivery reads. */
export function assertMayChangeDeal(actor: Actor, deal: Pick<Deal, 'id' | 'ownerId'>): void {
  if (hasRole(actor, 'admin', 'manager')) return;
  if (hasRole(actor, 'sales') && deal.ownerId === actor.userId) return;
  throw new Forbidden(
    hasRole(actor, 'sales')
      ? `deal ${deal.id} is owned by ${deal.ownerId}; sales can change only the deals they own`
      : 'your role may read deals but not change them',
  );
}
