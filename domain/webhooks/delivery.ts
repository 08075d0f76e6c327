import { Ulid } from '../shared/event.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';
import { WebhookEndpointId } from './endpoint.js';
import { ATTEMPTS_PER_ROUND, nextWaitSeconds } from './retry-schedule.js';

// A delivery is one event to one endpoint. Its id is the event's id, which is also the
// `webhook-id` header: a receiver dedupes on it, and it never names two events. Sending it again
// (a resend, a replay) starts a new round of attempts on the same delivery, with the same id and
// the same body. Every attempt is kept (the latest ATTEMPTS_KEPT), with what the receiver said.

/** The attempts a delivery keeps (older ones are counted, not kept). */
export const ATTEMPTS_KEPT = 30;
/** How much of a receiver's answer is kept with an attempt. */
export const RESPONSE_BYTES_KEPT = 1024;

export const DeliveryStatus = z
  .enum(['pending', 'delivered', 'failed'])
  .describe(
    'pending: being sent or waiting for its next attempt; delivered: a 2xx was received; failed: given up',
  );
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const DeliveryTrigger = z
  .enum(['event', 'test', 'resend', 'replay'])
  .describe('what started its current round of attempts');
export type DeliveryTrigger = z.infer<typeof DeliveryTrigger>;

export const FailureReason = z
  .enum(['retries-exhausted', 'gone', 'endpoint-disabled', 'endpoint-deleted', 'event-expired'])
  .describe(
    'retries-exhausted: every attempt of its window failed; gone: the receiver answered 410; endpoint-disabled / endpoint-deleted: the endpoint stopped receiving before an attempt was due; event-expired: the stored event expired before a resend',
  );
export type FailureReason = z.infer<typeof FailureReason>;

export const DeliveryAttempt = z
  .object(() => ({
    round: z.int(),
    number: z.int().describe('its place in its round, from 1'),
    at: Instant,
    outcome: z.enum(['delivered', 'failed']),
    statusCode: z.int().nullable().describe('the HTTP status answered (null: no answer)'),
    latencyMs: z.int().describe('from sending the request to the answer (or the failure)'),
    response: z.string().nullable().describe('the first 1 KB of the answer body'),
    error: z.string().nullable().describe('why it failed, in words (timeout, connection closed, HTTP 500…)'),
    retryAfterSeconds: z.int().optional().describe("the receiver's Retry-After, when it sent one"),
  }))
  .register(z.globalRegistry, { id: 'WebhookDeliveryAttempt' });
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

export const WebhookDelivery = z
  .object(() => ({
    id: Ulid.describe('the event id: the webhook-id header of every attempt'),
    endpointId: WebhookEndpointId,
    eventType: z.string(),
    occurredAt: Instant,
    status: DeliveryStatus,
    reason: FailureReason.nullable(),
    trigger: DeliveryTrigger,
    replayId: z.string().optional().describe('the replay that started its current round'),
    round: z.int().describe('1, then one more for each resend or replay'),
    roundStartedAt: Instant,
    attemptsInRound: z.int(),
    attemptCount: z.int().describe('attempts made, every round'),
    nextAttemptAt: Instant.nullable().describe('when the next attempt is due (null: none is planned)'),
    lastAttemptAt: Instant.nullable(),
    attempts: z.array(DeliveryAttempt).describe(`the latest ${ATTEMPTS_KEPT} attempts, oldest first`),
    createdAt: Instant,
    updatedAt: Instant,
  }))
  .register(z.globalRegistry, { id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

/** What a receiver did with one attempt (the sender's report, in the domain's terms). */
export interface AttemptResult {
  statusCode: number | null;
  latencyMs: number;
  response: string | null;
  error: string | null;
  retryAfterSeconds?: number;
}

export function newDelivery(
  event: { id: string; detailType: string; occurredAt: string },
  endpointId: string,
  trigger: DeliveryTrigger,
  now: string,
  replayId?: string,
): WebhookDelivery {
  return {
    id: event.id,
    endpointId,
    eventType: event.detailType,
    occurredAt: event.occurredAt,
    status: 'pending',
    reason: null,
    trigger,
    ...(replayId ? { replayId } : {}),
    round: 1,
    roundStartedAt: now,
    attemptsInRound: 0,
    attemptCount: 0,
    nextAttemptAt: now,
    lastAttemptAt: null,
    attempts: [],
    createdAt: now,
    updatedAt: now,
  };
}

/** Sends a delivery again (a resend or a replay): a new round, its first attempt due now. */
export function reopen(
  delivery: WebhookDelivery,
  trigger: Extract<DeliveryTrigger, 'resend' | 'replay'>,
  now: string,
  replayId?: string,
): WebhookDelivery {
  const { replayId: _previous, ...rest } = delivery;
  return {
    ...rest,
    status: 'pending',
    reason: null,
    trigger,
    ...(replayId ? { replayId } : {}),
    round: delivery.round + 1,
    roundStartedAt: now,
    attemptsInRound: 0,
    nextAttemptAt: now,
    updatedAt: now,
  };
}

export const isDelivered = (result: AttemptResult) =>
  result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;

/** What happens after an attempt: the delivery as it now is, and the wait before the next one. */
export interface AfterAttempt {
  delivery: WebhookDelivery;
  /** Seconds until the next attempt; undefined: none (delivered, or given up). */
  retryInSeconds?: number;
  /** The receiver answered 410 Gone: its endpoint is disabled. */
  endpointGone: boolean;
  /** Every attempt of the round failed: the round is over. */
  exhausted: boolean;
}

/**
 * Decides on an attempt's result. A 2xx delivers; a 410 disables the endpoint; anything else
 * (another status, a timeout, a refused or closed connection, a redirect, which is not followed)
 * is retried on the schedule, not sooner than the receiver's Retry-After. `retries` false: this
 * round gets no retry (an explicit send to a disabled endpoint is tried once).
 */
export function afterAttempt(
  delivery: WebhookDelivery,
  result: AttemptResult,
  now: string,
  random: number,
  retries = true,
): AfterAttempt {
  const number = delivery.attemptsInRound + 1;
  const delivered = isDelivered(result);
  const attempt: DeliveryAttempt = {
    round: delivery.round,
    number,
    at: now,
    outcome: delivered ? 'delivered' : 'failed',
    statusCode: result.statusCode,
    latencyMs: result.latencyMs,
    response: result.response,
    error: delivered ? null : (result.error ?? `HTTP ${result.statusCode}`),
    ...(result.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: result.retryAfterSeconds }),
  };
  const base = {
    ...delivery,
    attemptsInRound: number,
    attemptCount: delivery.attemptCount + 1,
    lastAttemptAt: now,
    attempts: [...delivery.attempts, attempt].slice(-ATTEMPTS_KEPT),
    updatedAt: now,
  };
  if (delivered)
    return {
      delivery: { ...base, status: 'delivered', reason: null, nextAttemptAt: null },
      endpointGone: false,
      exhausted: false,
    };
  if (result.statusCode === 410)
    return {
      delivery: { ...base, status: 'failed', reason: 'gone', nextAttemptAt: null },
      endpointGone: true,
      exhausted: false,
    };
  const wait =
    retries && number < ATTEMPTS_PER_ROUND
      ? nextWaitSeconds(number, random, result.retryAfterSeconds)
      : undefined;
  if (wait === undefined)
    return {
      delivery: { ...base, status: 'failed', reason: 'retries-exhausted', nextAttemptAt: null },
      endpointGone: false,
      exhausted: retries,
    };
  return {
    delivery: { ...base, nextAttemptAt: new Date(Date.parse(now) + wait * 1000).toISOString() },
    retryInSeconds: wait,
    endpointGone: false,
    exhausted: false,
  };
}

/** A pending delivery that will not be attempted (its endpoint stopped receiving, its event expired). */
export function abandon(delivery: WebhookDelivery, reason: FailureReason, now: string): WebhookDelivery {
  return { ...delivery, status: 'failed', reason, nextAttemptAt: null, updatedAt: now };
}

/**
 * Whether a delivery that exhausted its round means its endpoint has been failing for the whole
 * window: no attempt to the endpoint succeeded since this round's first attempt failed.
 */
export function endpointFailedThroughout(failingSince: string | null, delivery: WebhookDelivery): boolean {
  const first = delivery.attempts.find((a) => a.round === delivery.round && a.number === 1);
  return failingSince !== null && first !== undefined && failingSince <= first.at;
}
