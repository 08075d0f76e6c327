import { NotFound } from '../../../../domain/shared/errors.js';
import { type DeliveryStatus, WebhookDelivery } from '../../../../domain/webhooks/delivery.js';
import { ConcurrentModification, entityOf, type Item, type Key, notExists, type Write } from '../item.js';
import { type Page, type PageRequest, pageOf } from '../page.js';
import { batchGet, get, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';

// Webhook deliveries (docs/data-model.md, "Webhooks"): one item per endpoint and event, in the
// endpoint's partition, keyed by the event's id (a ULID: newest first is a descending Query), and
// under its status on gsi1 for `?status=`. The body sent is kept once per event, whatever the
// number of endpoints, so every attempt, resend and replay sends the same bytes. An attempt is
// made only by whoever holds the delivery's lease: the queue message that claimed it (a message
// SQS delivers again after a crash holds it still), or, past `leaseUntil`, anyone.

/** Deliveries and their attempts stay this long after their last change (TTL). */
export const DELIVERY_RETENTION_DAYS = 30;
/** A stored body outlives its deliveries: a resend on their last day still has it. */
const BODY_RETENTION_DAYS = DELIVERY_RETENTION_DAYS + 5;
/** A lease no message renews ends after this long (a message sent to a dead-letter queue, redriven). */
export const LEASE_MS = 5 * 60_000;

export const deliveryKey = (endpointId: string, eventId: string): Key => ({
  pk: `WEBHOOK#${endpointId}`,
  sk: `DELIVERY#${eventId}`,
});
export const eventBodyKey = (eventId: string): Key => ({ pk: `WEBHOOK-EVENT#${eventId}`, sk: 'EVENT' });
const byStatus = (endpointId: string, status: DeliveryStatus) => `WEBHOOK-DELIVERIES#${endpointId}#${status}`;

const expiresAt = (now: string, days: number) => Math.floor(Date.parse(now) / 1000) + days * 86_400;

/** What a delivery's attempts are made with: the holder of its lease. */
export interface Lease {
  token: string;
  now: string;
}

function deliveryItem(d: WebhookDelivery, lease?: Lease): Item {
  return {
    ...deliveryKey(d.endpointId, d.id),
    entity: 'webhook-delivery',
    gsi1pk: byStatus(d.endpointId, d.status),
    gsi1sk: d.id,
    ...d,
    ...(lease ? { leaseToken: lease.token, leaseUntil: Date.parse(lease.now) + LEASE_MS } : {}),
    expiresAt: expiresAt(d.updatedAt, DELIVERY_RETENTION_DAYS),
  };
}

const readDelivery = entityOf<WebhookDelivery>(WebhookDelivery);
function asDelivery(item: Record<string, unknown>): WebhookDelivery {
  const { leaseToken: _token, leaseUntil: _until, ...rest } = item;
  return readDelivery(rest);
}

/** The event as every attempt sends it. */
export interface EventBody {
  id: string;
  detailType: string;
  occurredAt: string;
  /** The request body: the event's envelope, as docs/schemas/ describes it. */
  body: string;
}

export const webhookDeliveryPatterns = patterns({
  endpointDeliveries: query({
    entity: 'webhook delivery',
    pattern: "an endpoint's deliveries, newest event first",
    usedBy: '`GET /webhook-endpoints/{id}/deliveries`',
    functions: ['WorkspaceApi'],
    index: 'table',
    keyCondition: '`pk = WEBHOOK#<endpointId> AND begins_with(sk, DELIVERY#)`, descending',
    roundTrips: '1 Query',
    query: (endpointId: string) => ({
      partition: `WEBHOOK#${endpointId}`,
      sort: { beginsWith: 'DELIVERY#' },
    }),
  }),
  endpointDeliveriesByStatus: query({
    entity: 'webhook delivery',
    pattern: "an endpoint's deliveries of one status, newest event first",
    usedBy: '`GET /webhook-endpoints/{id}/deliveries?status=`',
    functions: ['WorkspaceApi'],
    index: 'gsi1',
    keyCondition: '`gsi1pk = WEBHOOK-DELIVERIES#<endpointId>#<status>`, descending',
    roundTrips: '1 Query',
    query: (endpointId: string, status: DeliveryStatus) => ({
      index: 'gsi1',
      partition: byStatus(endpointId, status),
    }),
  }),
  webhookDelivery: get({
    entity: 'webhook delivery',
    pattern: 'a delivery and its attempts',
    usedBy:
      '`GET`, `POST …/resend` of `/webhook-endpoints/{id}/deliveries/{deliveryId}`; the sender, when a claim is refused',
    functions: ['WorkspaceApi', 'WebhookSender'],
    keyCondition: '`pk = WEBHOOK#<endpointId>, sk = DELIVERY#<eventId>`',
    roundTrips: '1 GetItem',
    key: deliveryKey,
  }),
  eventDeliveries: batchGet({
    entity: 'webhook delivery',
    pattern: "an event's deliveries to several endpoints (those already made, when an event comes again)",
    usedBy: 'the sender, for an event delivered twice by the queue, or replayed',
    functions: ['WebhookSender'],
    keyCondition: 'BatchGet `WEBHOOK#<endpointId>` / `DELIVERY#<eventId>` of each endpoint',
    roundTrips: '1 BatchGet (only when the creation found some)',
    keys: (endpointIds: string[], eventId: string) => endpointIds.map((id) => deliveryKey(id, eventId)),
  }),
  webhookEventBody: get({
    entity: 'webhook event body',
    pattern: 'the body an event is sent with',
    usedBy:
      '`GET /webhook-endpoints/{id}/deliveries/{deliveryId}`; the sender, for a retry, a resend or a replay',
    functions: ['WorkspaceApi', 'WebhookSender'],
    keyCondition: '`pk = WEBHOOK-EVENT#<eventId>, sk = EVENT`',
    roundTrips: '1 GetItem',
    key: eventBodyKey,
  }),
  deliveriesCreated: write({
    entity: 'webhook delivery',
    pattern: "an event's body and its deliveries, written before anything is sent",
    usedBy: 'the sender, for each event that any endpoint receives',
    functions: ['WebhookSender'],
    keyCondition:
      'Put `WEBHOOK-EVENT#<eventId>` / `EVENT`, and `WEBHOOK#<endpointId>` / `DELIVERY#<eventId>` of each endpoint if absent',
    roundTrips: '1 transaction per event (whatever the number of endpoints)',
    actions: ['PutItem'],
  }),
  deliveryAttempted: write({
    entity: 'webhook delivery',
    pattern:
      'a delivery claimed for an attempt, then its attempt recorded (or its giving up), by the lease holder',
    usedBy: 'the sender',
    functions: ['WebhookSender'],
    keyCondition:
      'UpdateItem `WEBHOOK#<endpointId>` / `DELIVERY#<eventId>` on condition of its round, attempts and lease; Put it at its lease',
    roundTrips: '1 UpdateItem to claim (none for a first attempt: created claimed) + 1 Put to record',
    actions: ['UpdateItem', 'PutItem'],
  }),
  deliveryReopened: write({
    entity: 'webhook delivery',
    pattern: 'a delivery sent again (a resend, a replay): a new round, its body kept another 35 days',
    usedBy: '`POST …/deliveries/{deliveryId}/resend`; the sender, for a replayed event',
    functions: ['WorkspaceApi', 'WebhookSender'],
    keyCondition:
      'Put `WEBHOOK#<endpointId>` / `DELIVERY#<eventId>` on condition of the round read (not pending); UpdateItem `WEBHOOK-EVENT#<eventId>` `SET expiresAt`',
    roundTrips: "none of its own (the command's transaction)",
    actions: ['PutItem', 'UpdateItem'],
  }),
});

/** An event came again: some of its deliveries exist (the sender reads them and goes on). */
export class DeliveriesExist extends ConcurrentModification {
  constructor(eventId: string) {
    super(`the deliveries of event ${eventId}`);
  }
}

export class WebhookDeliveryRepository {
  constructor(private readonly store: Store) {}

  list(
    endpointId: string,
    status: DeliveryStatus | undefined,
    page: PageRequest,
  ): Promise<Page<WebhookDelivery>> {
    const spec = status
      ? webhookDeliveryPatterns.endpointDeliveriesByStatus.query(endpointId, status)
      : webhookDeliveryPatterns.endpointDeliveries.query(endpointId);
    return pageOf(this.store, { ...spec, newestFirst: true, ...page }, asDelivery);
  }

  async find(endpointId: string, eventId: string): Promise<WebhookDelivery | undefined> {
    const item = await this.store.get(webhookDeliveryPatterns.webhookDelivery, endpointId, eventId);
    return item ? asDelivery(item) : undefined;
  }

  /** A delivery and until when its lease holder has it (epoch ms; none: no one has held it). */
  async findWithLease(
    endpointId: string,
    eventId: string,
  ): Promise<{ delivery: WebhookDelivery; leaseUntil: number | undefined } | undefined> {
    const item = await this.store.get(webhookDeliveryPatterns.webhookDelivery, endpointId, eventId);
    if (!item) return undefined;
    const leaseUntil = typeof item.leaseUntil === 'number' ? item.leaseUntil : undefined;
    return { delivery: asDelivery(item), leaseUntil };
  }

  async require(endpointId: string, eventId: string): Promise<WebhookDelivery> {
    const found = await this.find(endpointId, eventId);
    if (!found) throw new NotFound('webhook delivery', eventId);
    return found;
  }

  async body(eventId: string): Promise<EventBody | undefined> {
    const item = await this.store.get(webhookDeliveryPatterns.webhookEventBody, eventId);
    return item
      ? {
          id: eventId,
          detailType: String(item.detailType),
          occurredAt: String(item.occurredAt),
          body: String(item.body),
        }
      : undefined;
  }

  /**
   * An event's body and its new deliveries, each claimed by `lease` for its first attempt, in one
   * transaction; DeliveriesExist when one was made before (then none of these was written).
   */
  async create(body: EventBody, deliveries: WebhookDelivery[], lease: Lease): Promise<void> {
    const writes: Write[] = [
      {
        pattern: webhookDeliveryPatterns.deliveriesCreated,
        put: {
          ...eventBodyKey(body.id),
          entity: 'webhook-event',
          detailType: body.detailType,
          occurredAt: body.occurredAt,
          body: body.body,
          expiresAt: expiresAt(lease.now, BODY_RETENTION_DAYS),
        },
      },
      ...deliveries.map(
        (d): Write => ({
          pattern: webhookDeliveryPatterns.deliveriesCreated,
          put: deliveryItem(d, lease),
          condition: notExists,
          onConditionFailed: () => new DeliveriesExist(body.id),
        }),
      ),
    ];
    // at most 20 endpoints: one transaction
    await this.store.transact(writes);
  }

  /** The deliveries of an event to these endpoints that exist, by endpoint. */
  async ofEvent(endpointIds: string[], eventId: string): Promise<Map<string, WebhookDelivery>> {
    const items = await this.store.batchGet(webhookDeliveryPatterns.eventDeliveries, endpointIds, eventId);
    return new Map(items.flatMap((i) => (i ? [[String(i.endpointId), asDelivery(i)] as const] : [])));
  }

  /**
   * Takes a pending delivery for attempt `attemptsMade + 1` of `round`: the lease is this
   * holder's when no one holds it, it ran out, or it is already this holder's (its message came
   * again). Undefined when the delivery is elsewhere (another round, attempt, or holder).
   */
  async claim(
    endpointId: string,
    eventId: string,
    at: { round: number; attemptsMade: number },
    lease: Lease,
  ): Promise<WebhookDelivery | undefined> {
    const item = await this.store.updateIf(
      webhookDeliveryPatterns.deliveryAttempted,
      {
        key: deliveryKey(endpointId, eventId),
        expression: 'SET leaseToken = :token, leaseUntil = :until',
        values: { ':token': lease.token, ':until': Date.parse(lease.now) + LEASE_MS },
      },
      {
        expression:
          '#status = :pending AND #round = :round AND attemptsInRound = :made AND (attribute_not_exists(leaseUntil) OR leaseUntil < :nowMs OR leaseToken = :token)',
        names: { '#status': 'status', '#round': 'round' },
        values: {
          ':pending': 'pending',
          ':round': at.round,
          ':made': at.attemptsMade,
          ':nowMs': Date.parse(lease.now),
        },
      },
    );
    return item ? asDelivery(item) : undefined;
  }

  /** The delivery after an attempt (or its giving up), written only while `lease` holds it. */
  record(after: WebhookDelivery, lease: Lease): Promise<boolean> {
    return this.store.putIf(webhookDeliveryPatterns.deliveryAttempted, deliveryItem(after), {
      expression: 'leaseToken = :token',
      values: { ':token': lease.token },
    });
  }

  /** A delivery sent again: its new round, on condition that it is still as read (not pending). */
  reopen(uow: UnitOfWork, before: WebhookDelivery, after: WebhookDelivery, lease?: Lease): UnitOfWork {
    return uow.add(
      {
        pattern: webhookDeliveryPatterns.deliveryReopened,
        put: deliveryItem(after, lease),
        condition: {
          expression: '#round = :round AND #status <> :pending',
          names: { '#round': 'round', '#status': 'status' },
          values: { ':round': before.round, ':pending': 'pending' },
        },
        onConditionFailed: () => new ConcurrentModification(`webhook delivery ${before.id}`),
      },
      {
        pattern: webhookDeliveryPatterns.deliveryReopened,
        update: {
          key: eventBodyKey(before.id),
          expression: 'SET expiresAt = :until',
          values: { ':until': expiresAt(after.updatedAt, BODY_RETENTION_DAYS) },
        },
        condition: { expression: 'attribute_exists(pk)' },
        onConditionFailed: () => new NotFound('webhook event body', before.id),
      },
    );
  }
}
