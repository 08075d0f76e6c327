import type { CommandContext } from '../shared/context.js';
import { Conflict } from '../shared/errors.js';
import { idSchema } from '../shared/ids.js';
import { applyPatch } from '../shared/patch.js';
import { Instant, toMillis } from '../shared/time.js';
import * as z from '../shared/zod.js';

// A webhook endpoint: where an admin asked Handoff to POST the events they chose, signed with a
// secret only Handoff and the receiver know (the Standard Webhooks specification). The rules of
// the record are here; which event names exist is the catalog's (subscriptions.ts), where a URL
// may point is url.ts's, and the secret's value never enters the domain: only when it was made.

export const WebhookEndpointId = idSchema('webhookEndpoint');

/** At most this many endpoints: each event is checked against every one, and each is a delivery. */
export const MAX_ENDPOINTS = 20;

/** After a rotation, the previous secret signs beside the new one for this long. */
export const PREVIOUS_SECRET_HOURS = 24;

export const EndpointStatus = z.enum(['enabled', 'disabled']);

export const DisabledReason = z
  .enum(['admin', 'failing', 'gone'])
  .describe(
    'admin: an admin disabled it; failing: every delivery failed for its whole retry window (over 3 days); gone: the receiver answered 410 Gone',
  );
export type DisabledReason = z.infer<typeof DisabledReason>;

const Events = z
  .array(z.string().min(1).max(100))
  .min(1, { error: 'name at least one event type, or ["*"] for every one' })
  .max(100)
  .describe('the detail-types to send (docs/events.md), or ["*"] for every event');

export const WebhookEndpoint = z
  .object(() => ({
    id: WebhookEndpointId,
    url: z.string(),
    description: z.string(),
    events: z.array(z.string()),
    status: EndpointStatus,
    disabled: z
      .object(() => ({ reason: DisabledReason, at: Instant, detail: z.string().optional() }))
      .nullable()
      .describe('why and when it stopped receiving events; null while enabled'),
    secretCreatedAt: Instant.describe('when the current signing secret was made (created or rotated)'),
    previousSecretExpiresAt: Instant.nullable().describe(
      'until when the secret before the last rotation still signs beside the current one (null: only one signs)',
    ),
    failingSince: Instant.nullable().describe(
      'since when every attempt to it has failed (null: its last attempt succeeded, or none was made)',
    ),
    createdBy: z.string(),
    createdAt: Instant,
    updatedAt: Instant,
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'WebhookEndpoint' });
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

export const WebhookEndpointWithSecret = z
  .extend(WebhookEndpoint, () => ({
    secret: z
      .string()
      .describe(
        'the signing secret (whsec_…): shown here once, never again; keep it where the receiver verifies signatures',
      ),
  }))
  .register(z.globalRegistry, { id: 'WebhookEndpointWithSecret' });

export const NewWebhookEndpoint = z
  .strictObject(() => ({
    url: z.string().max(2048).describe('https:// only; its host must resolve to public addresses'),
    events: Events,
    description: z.string().trim().max(500).optional(),
  }))
  .register(z.globalRegistry, { id: 'NewWebhookEndpoint' });
export type NewWebhookEndpoint = z.infer<typeof NewWebhookEndpoint>;

export const WebhookEndpointPatch = z
  .strictObject(() => ({
    url: z.string().max(2048).optional(),
    events: Events.optional(),
    description: z.string().trim().max(500).optional(),
    status: EndpointStatus.optional().describe(
      'disabled: no event is sent to it until enabled again (a replay then sends what it missed)',
    ),
  }))
  .register(z.globalRegistry, { id: 'WebhookEndpointPatch' });
export type WebhookEndpointPatch = z.infer<typeof WebhookEndpointPatch>;

/** The endpoint as events carry it: its URL's origin only (a path may hold a credential). */
export const WebhookEndpointSummary = z
  .object(() => ({
    id: WebhookEndpointId,
    origin: z.string().describe("the URL's scheme, host and port (its path is left out)"),
    description: z.string(),
    events: z.array(z.string()),
    status: EndpointStatus,
  }))
  .register(z.globalRegistry, { id: 'WebhookEndpointSummary' });
export type WebhookEndpointSummary = z.infer<typeof WebhookEndpointSummary>;

export function summary(endpoint: WebhookEndpoint): WebhookEndpointSummary {
  return {
    id: endpoint.id,
    origin: new URL(endpoint.url).origin,
    description: endpoint.description,
    events: endpoint.events,
    status: endpoint.status,
  };
}

export class TooManyEndpoints extends Conflict {
  constructor() {
    super(`a workspace has at most ${MAX_ENDPOINTS} webhook endpoints; delete one first`);
  }
}

export function createEndpoint(
  input: NewWebhookEndpoint,
  existing: number,
  ctx: Pick<CommandContext, 'now' | 'actor' | 'newId'>,
): WebhookEndpoint {
  if (existing >= MAX_ENDPOINTS) throw new TooManyEndpoints();
  return {
    id: ctx.newId('webhookEndpoint'),
    url: input.url,
    description: input.description ?? '',
    events: normalizedEvents(input.events),
    status: 'enabled',
    disabled: null,
    secretCreatedAt: ctx.now,
    previousSecretExpiresAt: null,
    failingSince: null,
    createdBy: ctx.actor.userId,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
  };
}

/** `["*"]` stands alone; names are kept once each, in the order given. */
function normalizedEvents(events: string[]): string[] {
  return events.includes('*') ? ['*'] : [...new Set(events)];
}

export function changeEndpoint(
  current: WebhookEndpoint,
  patch: WebhookEndpointPatch,
  now: string,
): { endpoint: WebhookEndpoint; changed: string[] } {
  const { next, changed } = applyPatch(current, {
    ...patch,
    ...(patch.events ? { events: normalizedEvents(patch.events) } : {}),
  });
  if (changed.length === 0) return { endpoint: current, changed };
  const endpoint: WebhookEndpoint = { ...next, updatedAt: now, version: current.version + 1 };
  if (changed.includes('status'))
    endpoint.disabled = endpoint.status === 'disabled' ? { reason: 'admin', at: now } : null;
  // enabled again (or pointed elsewhere): the failing clock starts over
  if (changed.includes('status') || changed.includes('url')) endpoint.failingSince = null;
  return { endpoint, changed };
}

export function rotateSecret(current: WebhookEndpoint, now: string): WebhookEndpoint {
  return {
    ...current,
    secretCreatedAt: now,
    previousSecretExpiresAt: new Date(toMillis(now) + PREVIOUS_SECRET_HOURS * 3_600_000).toISOString(),
    updatedAt: now,
    version: current.version + 1,
  };
}

/** Stops sending to an endpoint (its deliveries failed for their whole window, or it answered 410). */
export function disableEndpoint(
  current: WebhookEndpoint,
  reason: Exclude<DisabledReason, 'admin'>,
  detail: string,
  now: string,
): WebhookEndpoint | undefined {
  if (current.status === 'disabled') return undefined;
  return {
    ...current,
    status: 'disabled',
    disabled: { reason, at: now, detail },
    updatedAt: now,
    version: current.version + 1,
  };
}

/** Whether the previous secret still signs at `now`. */
export function previousSecretSigns(endpoint: Pick<WebhookEndpoint, 'previousSecretExpiresAt'>, now: string) {
  return endpoint.previousSecretExpiresAt !== null && endpoint.previousSecretExpiresAt > now;
}
