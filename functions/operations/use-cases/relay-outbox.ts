import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

// The outbox relay (docs/architecture.md, decision 2): turns the stream's newly inserted outbox items into
// PutEvents calls of at most 10 entries and 256 KB, checks every entry of every answer, retries
// only the entries that failed (with backoff and jitter), and reports back to Lambda only the
// records that still failed, so nothing is lost and nothing delivered twice by this function.
// Each event keeps the id it was written with, so a redelivery is recognisable downstream.
// Written by hand: Powertools' batch processor handles records one at a time, but PutEvents
// must be batched across records and its partial failures mapped back to them.

export const MAX_ENTRIES_PER_CALL = 10;
export const MAX_BYTES_PER_CALL = 256 * 1024;

export interface RelayOptions {
  client: EventBridgeClient;
  busName: string;
  /** Attempts per entry within one invocation, the first included. */
  attempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  log?: (message: string, details: Record<string, unknown>) => void;
}

interface Pending {
  sequenceNumber: string;
  entry: PutEventsRequestEntry;
  eventId: string;
  lastError?: string;
}

/** EventBridge's size rule: Time (14 bytes when set), Source, DetailType, Detail, Resources, in UTF-8. */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (s: string | undefined) => (s ? Buffer.byteLength(s, 'utf8') : 0);
  return (
    (entry.Time ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((n, r) => n + bytes(r), 0)
  );
}

export function chunk(pending: Pending[]): Pending[][] {
  const chunks: Pending[][] = [];
  let current: Pending[] = [];
  let size = 0;
  for (const p of pending) {
    const s = entrySize(p.entry);
    if (current.length === MAX_ENTRIES_PER_CALL || (current.length > 0 && size + s > MAX_BYTES_PER_CALL)) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(p);
    size += s;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function toPending(
  record: DynamoDBRecord,
  busName: string,
): Pending | { sequenceNumber: string; error: string } {
  const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
  try {
    const image = unmarshall((record.dynamodb?.NewImage ?? {}) as never) as Record<string, unknown>;
    const detail = JSON.parse(String(image.detail)) as { id: string; occurredAt: string };
    if (typeof image.source !== 'string' || typeof image.detailType !== 'string' || !detail.id) {
      throw new Error('not an outbox item');
    }
    const entry: PutEventsRequestEntry = {
      EventBusName: busName,
      Source: image.source,
      DetailType: image.detailType,
      Detail: String(image.detail),
      Time: new Date(detail.occurredAt),
    };
    if (entrySize(entry) > MAX_BYTES_PER_CALL) {
      return { sequenceNumber, error: `event ${detail.id} is larger than EventBridge's 256 KB` };
    }
    return { sequenceNumber, entry, eventId: detail.id };
  } catch (error) {
    return {
      sequenceNumber,
      error: `record ${sequenceNumber} is not a readable outbox item: ${(error as Error).message}`,
    };
  }
}

export function createRelay(options: RelayOptions) {
  const attempts = options.attempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 100;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const log = options.log ?? (() => undefined);

  async function send(batch: Pending[]): Promise<Pending[]> {
    try {
      const out = await options.client.send(new PutEventsCommand({ Entries: batch.map((p) => p.entry) }));
      if (!out.FailedEntryCount) return [];
      // Entries answer in request order; an entry with an ErrorCode was not accepted.
      return batch.flatMap((p, i) => {
        const result = out.Entries?.[i];
        if (result?.EventId && !result.ErrorCode) return [];
        return [
          {
            ...p,
            lastError: `${result?.ErrorCode ?? 'Unknown'}: ${result?.ErrorMessage ?? 'no entry in the answer'}`,
          },
        ];
      });
    } catch (error) {
      return batch.map((p) => ({ ...p, lastError: `${(error as Error).name}: ${(error as Error).message}` }));
    }
  }

  return async function relay(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
    const unreadable: { sequenceNumber: string; error: string }[] = [];
    let pending: Pending[] = [];
    for (const record of event.Records) {
      if (record.eventName !== 'INSERT') continue;
      const p = toPending(record, options.busName);
      if ('error' in p) unreadable.push(p);
      else pending.push(p);
    }
    for (let attempt = 1; pending.length > 0 && attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 1));
      const failed = (await Promise.all(chunk(pending).map(send))).flat();
      if (failed.length > 0) {
        log('put events partly failed', {
          attempt,
          failed: failed.map((f) => ({ id: f.eventId, error: f.lastError })),
        });
      }
      pending = failed;
    }
    for (const u of unreadable) log('outbox record cannot be delivered', u);
    const failures = [...unreadable.map((u) => u.sequenceNumber), ...pending.map((p) => p.sequenceNumber)];
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
