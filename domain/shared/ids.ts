import { createHash } from 'node:crypto';
import { monotonicFactory, ulid } from 'ulid';
import * as z from './zod.js';

// Every id in one place: their prefixes and schemas, how they are minted, and the ids derived
// from others. Ids carry their entity's prefix (`deal_01J…`), so a malformed or misplaced id is refused at
// the edge with a clear message instead of becoming a read of some other record.
export const ID_PREFIX = {
  company: 'co',
  contact: 'ct',
  pipeline: 'pl',
  stage: 'st',
  deal: 'deal',
  activity: 'act',
  template: 'tpl',
  project: 'prj',
  task: 'task',
  milestone: 'ms',
  approval: 'apv',
  timeEntry: 'te',
  rule: 'rule',
  field: 'cf',
  segment: 'seg',
  import: 'imp',
  export: 'exp',
  attachment: 'att',
  portalLink: 'plk',
  portalSession: 'pss',
  product: 'prod',
  lineItem: 'li',
  quote: 'qt',
  email: 'eml',
  thread: 'thr',
  webhookEndpoint: 'whe',
  webhookReplay: 'whr',
} as const;

export type IdKind = keyof typeof ID_PREFIX;

const ID_BODY = '[0-9A-Za-z]{1,40}';

function prefixedId(kind: IdKind) {
  const prefix = ID_PREFIX[kind];
  return z
    .string()
    .regex(new RegExp(`^${prefix}_${ID_BODY}$`), { error: `must be a ${kind} id (${prefix}_…)` });
}
// One schema per kind, shared by every field of that kind, and built when first parsed or
// documented: modules declare their ids at import (`CompanyId = idSchema('company')`), and a
// function's cold start should pay only for the ids it reads (domain/shared/zod.ts).
const idSchemas = new Map<IdKind, z.ZodLazy<ReturnType<typeof prefixedId>>>();

export function idSchema(kind: IdKind) {
  let schema = idSchemas.get(kind);
  if (!schema) {
    schema = z.lazyOnce(() => prefixedId(kind));
    idSchemas.set(kind, schema);
  }
  return schema;
}

export function isId(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIX[kind]}_${ID_BODY}$`).test(value);
}

/** A user id is the identity provider's `sub` claim: opaque, but bounded and printable. */
export const UserId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w@.:+-]+$/, { error: 'must be a user id (the token subject)' });

// Minting: ids are minted at the edge (the handler's CommandContext) and handed to the domain,
// whose commands never call these themselves, so they stay free of randomness.
const monotonic = monotonicFactory();

export const newId = (kind: IdKind): string => `${ID_PREFIX[kind]}_${ulid()}`;

/** Event ids sort in the order their events were created within one function instance. */
export const newEventId = (): string => monotonic();

/**
 * A won deal's project has an id derived from the deal's: one deal, one project, whatever
 * happens to the events that create it. `GET /deals/{id}/project` needs no lookup.
 */
export function projectIdForDeal(dealId: string): string {
  return `${ID_PREFIX.project}_${dealId.slice(ID_PREFIX.deal.length + 1)}`;
}

/**
 * The id of a template task in a project: derived from both, so writing the same plan twice
 * (a retried handoff, a resumed creation) addresses the same items.
 */
export function planTaskId(projectId: string, key: string): string {
  const digest = createHash('sha256').update(`${projectId}:${key}`).digest('hex').slice(0, 26).toUpperCase();
  return `${ID_PREFIX.task}_${digest}`;
}

const digestId = (kind: IdKind, text: string) =>
  `${ID_PREFIX[kind]}_${createHash('sha256').update(text).digest('hex').slice(0, 26).toUpperCase()}`;

/**
 * A captured email's id is derived from its Message-ID: the same message delivered twice (a CC
 * and a BCC, SES redelivering, a redrive) addresses the same item, and is logged once.
 */
export function emailIdForMessage(messageId: string): string {
  return digestId('email', `message:${messageId.toLowerCase()}`);
}

/** A refused message is kept under SES's id for it, so a forgery never claims a real Message-ID. */
export function emailIdForRefusal(sesMessageId: string): string {
  return digestId('email', `refused:${sesMessageId}`);
}

/** A thread's id is derived from the Message-ID of the message that started it. */
export function threadIdForRoot(rootMessageId: string): string {
  return digestId('thread', rootMessageId.toLowerCase());
}

/** The ids of what one captured email writes (its activities, its attachments): derived, so a retry rewrites the same items. */
export function emailPartId(kind: 'activity' | 'attachment', emailId: string, part: string): string {
  return digestId(kind, `${emailId}:${part}`);
}
