import type { WebhookReplay } from '../../../domain/webhooks/replay.js';
import { type AttemptMessage, isAttemptMessage } from '../../lib/webhooks/attempt-queue.js';
import {
  type AttemptOutcome,
  attemptDelivery,
  type EndpointBook,
  type SenderDeps,
} from './attempt-delivery.js';
import { type BusEvent, deliverEvent } from './deliver-event.js';

// One batch of the webhook sender's queues (docs/architecture.md, decision 16): events from the
// bus (each to the endpoints that receive it; a resend or a replay asked for), and attempts that
// waited for their time (a message early for its time hops on, unread). Every endpoint and
// secret is read once per batch, and only when something is due. A message whose work failed is
// reported as a batch item failure: SQS delivers it again after its visibility timeout (12
// minutes), and it takes up where it stopped (attempt-delivery.ts); so is an attempt whose
// predecessor's holder crashed (it waits for that message to come back). An attempt whose
// predecessor is still being recorded by a live holder (a retry due at once can overtake it)
// hops on for a few seconds instead, so a short wait does not become the visibility timeout; the
// holder's lease (5 minutes) bounds how long it hops.

export interface QueueRecord {
  messageId: string;
  body: string;
}

/** How long an attempt that came before its turn waits before it is tried again. */
export const TURN_WAIT_SECONDS = 5;

export interface BatchReport {
  batchItemFailures: { itemIdentifier: string }[];
}

export async function sendWebhooks(deps: SenderDeps, records: QueueRecord[]): Promise<BatchReport> {
  const failures: string[] = [];
  const early: { record: QueueRecord; message: AttemptMessage }[] = [];
  const due: { record: QueueRecord; body: unknown }[] = [];
  for (const record of records) {
    const body = parse(record);
    if (isAttemptMessage(body) && body.waitSeconds > 0) early.push({ record, message: body });
    else due.push({ record, body });
  }
  if (early.length > 0) {
    try {
      await deps.queue.schedule(
        early.map(({ message: { waitSeconds, ...message } }) => ({ message, waitSeconds })),
      );
    } catch (error) {
      deps.log('attempts could not be sent on', { error: (error as Error).message });
      failures.push(...early.map((e) => e.record.messageId));
    }
  }
  const notYet: { record: QueueRecord; message: AttemptMessage }[] = [];
  if (due.length > 0) {
    const book = await readBook(deps);
    await Promise.all(
      due.map(async ({ record, body }) => {
        try {
          const outcomes = await handle(deps, book, record, body);
          if (outcomes.includes('later')) failures.push(record.messageId);
          else if (outcomes.includes('soon')) {
            if (isAttemptMessage(body)) notYet.push({ record, message: body });
            else failures.push(record.messageId);
          }
        } catch (error) {
          deps.log('webhook work failed; its message comes back', {
            messageId: record.messageId,
            error: (error as Error).message,
          });
          failures.push(record.messageId);
        }
      }),
    );
  }
  if (notYet.length > 0) {
    try {
      await deps.queue.schedule(
        notYet.map(({ message: { waitSeconds: _wait, ...message } }) => ({
          message,
          waitSeconds: TURN_WAIT_SECONDS,
        })),
      );
    } catch (error) {
      deps.log('attempts could not be sent on', { error: (error as Error).message });
      failures.push(...notYet.map((n) => n.record.messageId));
    }
  }
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}

function parse(record: QueueRecord): unknown {
  try {
    return JSON.parse(record.body);
  } catch {
    return undefined;
  }
}

async function readBook(deps: SenderDeps): Promise<EndpointBook> {
  const { endpoints, secrets } = await deps.s.webhookEndpoints.withSecrets();
  return { endpoints: new Map(endpoints.map((e) => [e.id, e])), secrets };
}

async function handle(
  deps: SenderDeps,
  book: EndpointBook,
  record: QueueRecord,
  body: unknown,
): Promise<AttemptOutcome[]> {
  const lease = { token: record.messageId, now: deps.clock().toISOString() };
  if (isAttemptMessage(body)) {
    const { kind: _kind, waitSeconds: _wait, ...ref } = body;
    return [await attemptDelivery(deps, book, ref, lease)];
  }
  const event = body as BusEvent | undefined;
  if (!event?.detail?.id || typeof event['detail-type'] !== 'string') {
    deps.log('not an event nor an attempt: dropped', { messageId: record.messageId });
    return [];
  }
  switch (event['detail-type']) {
    case 'WebhookResendRequested': {
      const data = event.detail.data as { endpointId: string; deliveryId: string; round: number };
      return [await attemptDelivery(deps, book, { ...data, attempt: 1 }, lease)];
    }
    case 'WebhookReplayRequested':
      await startReplay(deps, (event.detail.data as { replay: WebhookReplay }).replay, lease.now);
      return [];
    default:
      return deliverEvent(deps, book, event, lease);
  }
}

/** The archive's replay of the window, to the sender's rule alone; its record says it started, or why not. */
async function startReplay(deps: SenderDeps, replay: WebhookReplay, now: string): Promise<void> {
  const outcome = await deps.archive.start(replay);
  await deps.s.webhookReplays.started(replay, 'started' in outcome ? { at: now } : outcome);
  if ('error' in outcome) deps.log('replay refused', { replayId: replay.id, error: outcome.error });
}
