import * as z from 'zod';
import { Activity } from './crm/activity.js';
import { Company } from './crm/company.js';
import { Contact } from './crm/contact.js';
import { Deal, NextAction } from './crm/deal.js';
import { Pipeline } from './crm/pipeline.js';
import { HandoffFacts } from './handoff/requirements.js';
import type { CommandContext } from './shared/context.js';
import { type Envelope, type EventDefinition, envelope } from './shared/event.js';
import { Money } from './shared/money.js';
import { Instant } from './shared/time.js';

// THE event catalog: every detail-type, its source, version and data schema. The TypeScript
// types, the JSON Schemas in docs/schemas, docs/events.md and the contract tests all come from
// this one object. A breaking change to a data schema is a new version, never an edit.

const crm = <S extends z.ZodType>(version: number, description: string, data: S): EventDefinition<S> => ({
  source: 'handoff.crm',
  version,
  description,
  data,
});

const Changed = z.array(z.string()).describe('names of the fields this change touched');

export const EVENTS = {
  CompanyCreated: crm(1, 'A company was added.', z.object({ company: Company })),
  CompanyUpdated: crm(1, 'A company changed.', z.object({ company: Company, changed: Changed })),
  CompanyDeleted: crm(1, 'A company was deleted.', z.object({ companyId: z.string() })),
  ContactCreated: crm(1, 'A contact was added.', z.object({ contact: Contact })),
  ContactUpdated: crm(1, 'A contact changed.', z.object({ contact: Contact, changed: Changed })),
  ContactDeleted: crm(1, 'A contact was deleted.', z.object({ contactId: z.string() })),
  PipelineCreated: crm(1, 'A pipeline was created.', z.object({ pipeline: Pipeline })),
  PipelineUpdated: crm(1, 'A pipeline or its stages changed.', z.object({ pipeline: Pipeline })),
  DealCreated: crm(1, 'A deal was opened, with its owner and next action.', z.object({ deal: Deal })),
  DealUpdated: crm(1, 'A deal field changed.', z.object({ deal: Deal, changed: Changed })),
  DealStageChanged: crm(
    1,
    'A deal moved to another stage of its pipeline.',
    z.object({
      dealId: z.string(),
      pipelineId: z.string(),
      ownerId: z.string(),
      from: z.string(),
      to: z.string(),
      secondsInPreviousStage: z.number().int(),
      value: Money,
    }),
  ),
  DealNextActionSet: crm(
    1,
    "A deal's next action was set; `completed` is the action it replaces when that one was done.",
    z.object({
      dealId: z.string(),
      ownerId: z.string(),
      nextAction: NextAction,
      previous: NextAction.nullable(),
      completed: z
        .object({ summary: z.string(), dueAt: Instant, completedAt: Instant, outcome: z.string().optional() })
        .nullable(),
    }),
  ),
  DealOwnerChanged: crm(
    1,
    'A deal changed hands; `rule` names the lead-routing rule when one assigned it.',
    z.object({
      dealId: z.string(),
      from: z.string().nullable(),
      to: z.string(),
      rule: z.string().optional(),
    }),
  ),
  DealClosedWon: crm(
    1,
    'A deal was won with every handoff fact. Carries the deal, the customer and the handoff so that no consumer needs to call back.',
    z.object({
      deal: Deal,
      customer: z.object({ company: Company.nullable(), mainStakeholder: Contact }),
      handoff: HandoffFacts,
      templateId: z.string().nullable(),
      /** 1 for the first win; a reopened deal won again counts up. */
      win: z.number().int().min(1),
    }),
  ),
  DealClosedLost: crm(
    1,
    'A deal was lost, with the reason.',
    z.object({
      dealId: z.string(),
      ownerId: z.string(),
      reason: z.string(),
      stageId: z.string(),
      value: Money,
    }),
  ),
  ActivityLogged: crm(
    1,
    'A call, email, meeting, task or note was logged.',
    z.object({ activity: Activity }),
  ),
  ActivityUpdated: crm(1, 'An activity changed.', z.object({ activity: Activity, changed: Changed })),
  ActivityCompleted: crm(1, 'An activity was marked done.', z.object({ activity: Activity })),
} satisfies Record<string, EventDefinition>;

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
