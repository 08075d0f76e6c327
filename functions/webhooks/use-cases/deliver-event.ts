import { newDelivery, reopen, type WebhookDelivery } from '../../../domain/webhooks/delivery.js';
import type { WebhookEndpoint } from '../../../domain/webhooks/endpoint.js';
import { fromReplayName, type WebhookReplay } from '../../../domain/webhooks/replay.js';
import { receives } from '../../../domain/webhooks/subscriptions.js';
import { DeliveriesExist, type EventBody, type Lease } from '../../lib/table/entities/webhook-delivery.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import {
  type AttemptOutcome,
  attemptDelivery,
  type EndpointBook,
  type SenderDeps,
} from './attempt-delivery.js';

// An event from the bus, to every endpoint that receives it: its body and one delivery per
// endpoint are written (one transaction) before anything is sent, each claimed by the queue
// message that carried the event, then each first attempt is made. When the message comes again
// (a crash, SQS's own at-least-once), what was written is found and only what was not attempted
// is. A replayed event (`replay-name`) goes to the replay's endpoint alone: a delivery it had is
// sent again (a new round, the same webhook-id), one it never had is made.

/** The bus's event as the queue carries it (EventBridge's envelope around Handoff's). */
export interface BusEvent {
  id: string;
  source: string;
  'detail-type': string;
  'replay-name'?: string;
  detail: { id: string; occurredAt: string; data?: unknown };
}

/** The request body: Handoff's envelope, as docs/schemas/ describes it (never EventBridge's id, which a replay changes). */
export function eventBody(event: BusEvent): EventBody {
  return {
    id: event.detail.id,
    detailType: event['detail-type'],
    occurredAt: event.detail.occurredAt,
    body: JSON.stringify({ source: event.source, 'detail-type': event['detail-type'], detail: event.detail }),
  };
}

/** The endpoints an event goes to, and for a replayed one, its replay. */
async function recipients(
  deps: SenderDeps,
  book: EndpointBook,
  event: BusEvent,
): Promise<{ endpoints: WebhookEndpoint[]; replay?: WebhookReplay }> {
  const name = event['replay-name'];
  if (name === undefined) {
    const endpoints = [...book.endpoints.values()].filter(
      (e) =>
        (e.status === 'enabled' || event['detail-type'] === 'WebhookTest') &&
        receives(e, event['detail-type'], event.detail.data),
    );
    return { endpoints };
  }
  const ids = fromReplayName(name);
  const replay = ids && (await deps.s.webhookReplays.find(ids.endpointId, ids.replayId));
  const endpoint = replay && book.endpoints.get(replay.endpointId);
  if (!replay || !endpoint || endpoint.status !== 'enabled') return { endpoints: [] };
  const wanted = replay.events ? { ...endpoint, events: replay.events } : endpoint;
  return receives(wanted, event['detail-type'], event.detail.data)
    ? { endpoints: [endpoint], replay }
    : { endpoints: [] };
}

export async function deliverEvent(
  deps: SenderDeps,
  book: EndpointBook,
  event: BusEvent,
  lease: Lease,
): Promise<AttemptOutcome[]> {
  const { endpoints, replay } = await recipients(deps, book, event);
  if (endpoints.length === 0) return [];
  const body = eventBody(event);
  const trigger = replay ? 'replay' : event['detail-type'] === 'WebhookTest' ? 'test' : 'event';
  const fresh = endpoints.map((e) => newDelivery(body, e.id, trigger, lease.now, replay?.id));
  const attempt = (d: WebhookDelivery) =>
    attemptDelivery(
      deps,
      book,
      { endpointId: d.endpointId, deliveryId: d.id, round: d.round, attempt: 1 },
      lease,
      {
        claimed: d,
        body,
      },
    );
  try {
    await deps.s.webhookDeliveries.create(body, fresh, lease);
    return Promise.all(fresh.map(attempt));
  } catch (error) {
    if (!(error instanceof DeliveriesExist)) throw error;
  }
  // the event came before: go on from what was written
  const existing = await deps.s.webhookDeliveries.ofEvent(
    endpoints.map((e) => e.id),
    body.id,
  );
  return Promise.all(
    fresh.map(async (d): Promise<AttemptOutcome> => {
      const before = existing.get(d.endpointId);
      if (!before) {
        try {
          await deps.s.webhookDeliveries.create(body, [d], lease);
          return attempt(d);
        } catch (error) {
          if (error instanceof DeliveriesExist) return 'done';
          throw error;
        }
      }
      if (replay && before.status !== 'pending' && before.replayId !== replay.id) {
        const after = reopen(before, 'replay', lease.now, replay.id);
        await deps.s.webhookDeliveries.reopen(new UnitOfWork(), before, after, lease).commit(deps.s.store);
        return attempt(after);
      }
      // a first attempt this message claimed and did not record (it crashed): made now
      if (before.status === 'pending' && before.attemptsInRound === 0)
        return attemptDelivery(
          deps,
          book,
          { endpointId: before.endpointId, deliveryId: before.id, round: before.round, attempt: 1 },
          lease,
          { body },
        );
      return 'done';
    }),
  );
}
