import { emit } from '../../../domain/events.js';
import { system } from '../../../domain/shared/context.js';
import { newEventId, newId } from '../../../domain/shared/ids.js';
import {
  type AttemptResult,
  abandon,
  afterAttempt,
  endpointFailedThroughout,
  type FailureReason,
  type WebhookDelivery,
} from '../../../domain/webhooks/delivery.js';
import {
  type DisabledReason,
  disableEndpoint,
  summary,
  type WebhookEndpoint,
} from '../../../domain/webhooks/endpoint.js';
import type { Services } from '../../lib/services.js';
import type { EventBody, Lease } from '../../lib/table/entities/webhook-delivery.js';
import type { SigningSecrets } from '../../lib/table/entities/webhook-endpoint.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { retryOnConflict } from '../../lib/versioned-command.js';
import type { ArchiveReplays } from '../../lib/webhooks/archive-replays.js';
import type { AttemptQueue } from '../../lib/webhooks/attempt-queue.js';
import { signedHeaders, signingSecrets } from '../../lib/webhooks/signature.js';

// One attempt of one delivery (docs/architecture.md, decision 16), by the holder of its lease:
// sign, POST, then, if it failed and the schedule says so, put the next attempt on the queue
// BEFORE recording this one. Recording last means a crash anywhere before it leaves the message
// that claimed the delivery to come back (SQS delivers it again) and redo the attempt; the next
// attempt's message, if it was sent, finds the delivery not yet at its turn and waits. So no
// attempt is lost, and none is made twice but for a crash between a POST and its record.

export interface SenderDeps {
  s: Pick<Services, 'webhookEndpoints' | 'webhookDeliveries' | 'webhookReplays' | 'store'>;
  queue: AttemptQueue;
  archive: ArchiveReplays;
  post(url: string, headers: Record<string, string>, body: string): Promise<AttemptResult>;
  clock(): Date;
  random(): number;
  log(message: string, details: Record<string, unknown>): void;
}

/** What a batch reads once and shares: every endpoint (with its health) and signing secret. */
export interface EndpointBook {
  endpoints: Map<string, WebhookEndpoint>;
  secrets: Map<string, SigningSecrets>;
}

export interface DeliveryRef {
  endpointId: string;
  deliveryId: string;
  round: number;
  /** The attempt to make, from 1 in its round. */
  attempt: number;
}

/**
 * done: the message is handled. Not at its turn yet (the attempt before it is unrecorded): soon,
 * while that attempt's holder still has the lease (it is being recorded: try again in seconds);
 * later, once the lease has run out (its holder crashed: its message comes back after the
 * visibility timeout, or went to the dead-letter queue), so this message comes back too. Soon as
 * well when the record landed between the refused claim and the look at why (notClaimed).
 */
export type AttemptOutcome = 'done' | 'soon' | 'later';

export async function attemptDelivery(
  deps: SenderDeps,
  book: EndpointBook,
  ref: DeliveryRef,
  lease: Lease,
  known: { claimed?: WebhookDelivery; body?: EventBody } = {},
): Promise<AttemptOutcome> {
  const { s } = deps;
  const delivery =
    known.claimed ??
    (await s.webhookDeliveries.claim(
      ref.endpointId,
      ref.deliveryId,
      { round: ref.round, attemptsMade: ref.attempt - 1 },
      lease,
    ));
  if (!delivery) return notClaimed(deps, ref, lease);
  const endpoint = book.endpoints.get(ref.endpointId);
  const secrets = book.secrets.get(ref.endpointId);
  const giveUp = async (reason: FailureReason) => {
    await s.webhookDeliveries.record(abandon(delivery, reason, deps.clock().toISOString()), lease);
    return 'done' as const;
  };
  if (!endpoint || !secrets) return giveUp('endpoint-deleted');
  // an admin's explicit send (a test, a resend) reaches a disabled endpoint, once
  const explicit = delivery.trigger === 'test' || delivery.trigger === 'resend';
  if (endpoint.status === 'disabled' && !explicit) return giveUp('endpoint-disabled');
  const body = known.body ?? (await s.webhookDeliveries.body(delivery.id));
  if (!body) return giveUp('event-expired');

  const sentAt = deps.clock();
  const headers = signedHeaders(
    delivery.id,
    sentAt,
    body.body,
    signingSecrets(secrets, sentAt.toISOString()),
  );
  const result = await deps.post(endpoint.url, headers, body.body);
  const now = deps.clock().toISOString();
  const decision = afterAttempt(delivery, result, now, deps.random(), endpoint.status === 'enabled');
  if (decision.retryInSeconds !== undefined)
    await deps.queue.schedule([
      {
        message: { kind: 'attempt', ...ref, attempt: ref.attempt + 1 },
        waitSeconds: decision.retryInSeconds,
      },
    ]);
  if (!(await s.webhookDeliveries.record(decision.delivery, lease))) return 'done';

  const failingSince = await keepHealth(deps, endpoint, decision.delivery.status === 'delivered', now);
  if (decision.endpointGone)
    await disable(
      deps,
      endpoint.id,
      'gone',
      decision.delivery,
      failingSince,
      'the receiver answered 410 Gone',
    );
  else if (decision.exhausted && endpointFailedThroughout(failingSince, decision.delivery))
    await disable(
      deps,
      endpoint.id,
      'failing',
      decision.delivery,
      failingSince,
      `every attempt failed from ${failingSince} to ${now}`,
    );
  return 'done';
}

/**
 * Why the claim was refused: the previous attempt is unrecorded (soon while its holder has the
 * lease, later once it has lost it); the previous attempt was recorded after the claim read it
 * (the delivery is at this message's turn now, with no holder: soon, so it is not lost); another
 * message holds this attempt (a duplicate: that one makes it), or the message is stale: done.
 */
async function notClaimed(deps: SenderDeps, ref: DeliveryRef, lease: Lease): Promise<AttemptOutcome> {
  const found = await deps.s.webhookDeliveries.findWithLease(ref.endpointId, ref.deliveryId);
  const now = found?.delivery;
  if (now?.status !== 'pending' || now.round !== ref.round) return 'done';
  const held = (found?.leaseUntil ?? 0) > Date.parse(lease.now);
  if (now.attemptsInRound === ref.attempt - 2) return held ? 'soon' : 'later';
  if (now.attemptsInRound === ref.attempt - 1 && !held) return 'soon';
  return 'done';
}

/**
 * The endpoint's failing clock: started by a failure, stopped by a success, written only when it
 * changes (the book, read once per batch, is kept in step). Answers since when it is failing.
 */
async function keepHealth(
  deps: SenderDeps,
  endpoint: WebhookEndpoint,
  delivered: boolean,
  now: string,
): Promise<string | null> {
  if (delivered && endpoint.failingSince !== null) {
    endpoint.failingSince = null;
    await deps.s.webhookEndpoints.healthy(endpoint.id);
  } else if (!delivered && endpoint.failingSince === null) {
    endpoint.failingSince = now;
    await deps.s.webhookEndpoints.failing(endpoint.id, now);
  }
  return endpoint.failingSince;
}

async function disable(
  deps: SenderDeps,
  endpointId: string,
  reason: Exclude<DisabledReason, 'admin'>,
  delivery: WebhookDelivery,
  failingSince: string | null,
  detail: string,
): Promise<void> {
  const now = deps.clock().toISOString();
  const ctx = {
    now,
    actor: system('webhook-sender'),
    correlationId: `webhook-delivery:${delivery.id}`,
    newId,
    newEventId,
  };
  await retryOnConflict(undefined, async () => {
    const current = await deps.s.webhookEndpoints.require(endpointId);
    const after = disableEndpoint(current, reason, detail, now);
    if (!after) return;
    const lastAttempt = delivery.attempts.at(-1);
    await deps.s.webhookEndpoints
      .update(new UnitOfWork(), current, after)
      .events([
        emit(ctx, 'WebhookEndpointDisabled', {
          endpoint: summary(after),
          reason,
          failingSince,
          deliveryId: delivery.id,
          lastError: lastAttempt?.error ?? null,
        }),
      ])
      .commit(deps.s.store);
    deps.log('webhook endpoint disabled', { endpointId, reason, detail });
  });
}
