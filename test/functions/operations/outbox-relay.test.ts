import type { EventBridgeClient, PutEventsCommand, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emit } from '../../../domain/events.js';
import { outboxItem } from '../../../functions/lib/table/entities/outbox.js';
import {
  chunk,
  createRelay,
  entrySize,
  MAX_BYTES_PER_CALL,
} from '../../../functions/operations/use-cases/relay-outbox.js';
import { context } from '../../domain/support.js';

// The relay against a fake PutEvents: EventBridge's failures (partial FailedEntryCount,
// throttling, a failed call) cannot be produced on demand by a real bus, so they are injected
// here. What must hold: every event is accepted once or reported as failed, none is invented.

let seq = 0;
function record(
  notes = 'x'.repeat(10),
  eventName: 'INSERT' | 'MODIFY' = 'INSERT',
): { record: DynamoDBRecord; id: string } {
  const event = emit(context(), 'CompanyDeleted', { companyId: `co_${notes}` });
  const id = `${String(++seq).padStart(10, '0')}`.padEnd(26, '0').replace(/[ILOU]/g, '0');
  const withId = { ...event, detail: { ...event.detail, id } } as typeof event;
  return {
    id,
    record: {
      eventName,
      dynamodb: { SequenceNumber: String(seq), NewImage: marshall(outboxItem(withId)) as never },
    },
  };
}

type Answer = (entries: PutEventsRequestEntry[], call: number) => { failed?: number[]; throws?: Error };

function fakeBus(answer: Answer) {
  const accepted: string[] = [];
  const calls: PutEventsRequestEntry[][] = [];
  const client = {
    send: async (command: PutEventsCommand) => {
      const entries = command.input.Entries ?? [];
      calls.push(entries);
      const { failed = [], throws } = answer(entries, calls.length);
      if (throws) throw throws;
      const results = entries.map((e, i) => {
        if (failed.includes(i)) return { ErrorCode: 'InternalFailure', ErrorMessage: 'injected' };
        accepted.push(JSON.parse(e.Detail!).id);
        return { EventId: `eb-${calls.length}-${i}` };
      });
      return { FailedEntryCount: failed.length, Entries: results };
    },
  } as unknown as EventBridgeClient;
  return { client, accepted, calls };
}

const relayWith = (client: EventBridgeClient, attempts = 4) =>
  createRelay({ client, busName: 'bus', attempts, sleep: async () => undefined });

describe('the outbox relay', () => {
  it("publishes in calls of at most 10 entries, keeping each event's id, source, type and time", async () => {
    const batch = Array.from({ length: 25 }, () => record());
    const bus = fakeBus(() => ({}));
    const res = await relayWith(bus.client)({ Records: batch.map((b) => b.record) });
    expect(res.batchItemFailures).toEqual([]);
    expect(bus.calls.map((c) => c.length)).toEqual([10, 10, 5]);
    expect(bus.accepted).toEqual(batch.map((b) => b.id));
    const first = bus.calls[0]![0]!;
    expect(first).toMatchObject({ EventBusName: 'bus', Source: 'handoff.crm', DetailType: 'CompanyDeleted' });
    expect(first.Time).toBeInstanceOf(Date);
  });

  it('retries only the entries a partial failure names, and delivers each exactly once', async () => {
    const batch = Array.from({ length: 10 }, () => record());
    const bus = fakeBus((_, call) => (call === 1 ? { failed: [2, 7] } : {}));
    const res = await relayWith(bus.client)({ Records: batch.map((b) => b.record) });
    expect(res.batchItemFailures).toEqual([]);
    expect(bus.calls[1]!.map((e) => JSON.parse(e.Detail!).id)).toEqual([batch[2]!.id, batch[7]!.id]);
    expect([...bus.accepted].sort()).toEqual(batch.map((b) => b.id).sort());
  });

  it('retries a throttled or failed call whole', async () => {
    const batch = Array.from({ length: 3 }, () => record());
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const bus = fakeBus((_, call) => (call <= 2 ? { throws: throttled } : {}));
    const res = await relayWith(bus.client)({ Records: batch.map((b) => b.record) });
    expect(res.batchItemFailures).toEqual([]);
    expect(bus.accepted).toEqual(batch.map((b) => b.id));
  });

  it('reports what still fails after its attempts, by sequence number, and nothing else', async () => {
    const batch = Array.from({ length: 4 }, () => record());
    const stuck = batch[1]!.id;
    const bus = fakeBus((entries) => ({
      failed: entries.flatMap((e, i) => (JSON.parse(e.Detail!).id === stuck ? [i] : [])),
    }));
    const res = await relayWith(bus.client, 3)({ Records: batch.map((b) => b.record) });
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: batch[1]!.record.dynamodb!.SequenceNumber }]);
    expect(bus.accepted.sort()).toEqual([batch[0]!.id, batch[2]!.id, batch[3]!.id].sort());
    expect(bus.calls).toHaveLength(3);
  });

  it('splits calls at 256 KB, and reports an event too large for EventBridge instead of dropping it', async () => {
    const big = Array.from({ length: 4 }, () => record('y'.repeat(100 * 1024)));
    const huge = record('z'.repeat(300 * 1024));
    const bus = fakeBus(() => ({}));
    const res = await relayWith(bus.client)({ Records: [...big, huge].map((b) => b.record) });
    for (const call of bus.calls)
      expect(call.reduce((n, e) => n + entrySize(e), 0)).toBeLessThanOrEqual(MAX_BYTES_PER_CALL);
    expect(bus.calls.map((c) => c.length)).toEqual([2, 2]);
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: huge.record.dynamodb!.SequenceNumber }]);
  });

  it('ignores what is not an insert, and reports an unreadable record rather than inventing an event', async () => {
    const modified = record('m', 'MODIFY');
    const broken: DynamoDBRecord = {
      eventName: 'INSERT',
      dynamodb: { SequenceNumber: '999', NewImage: marshall({ pk: 'OUTBOX#x' }) as never },
    };
    const bus = fakeBus(() => ({}));
    const res = await relayWith(bus.client)({ Records: [modified.record, broken] });
    expect(bus.calls).toEqual([]);
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: '999' }]);
  });

  it('for any pattern of injected failures: accepted once, or reported; never both, never invented', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.oneof(fc.constant('ok'), fc.constant('throw'), fc.array(fc.nat(9), { maxLength: 10 })), {
          minLength: 1,
          maxLength: 12,
        }),
        async (n, script) => {
          const batch = Array.from({ length: n }, () => record());
          const bus = fakeBus((entries, call) => {
            const step = script[(call - 1) % script.length]!;
            if (step === 'throw') return { throws: new Error('boom') };
            if (step === 'ok') return {};
            return { failed: step.filter((i) => i < entries.length) };
          });
          const res = await relayWith(bus.client, 3)({ Records: batch.map((b) => b.record) });
          const reported = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
          const acceptedIds = new Set(bus.accepted);
          expect(bus.accepted.length).toBe(acceptedIds.size);
          for (const b of batch) {
            const wasAccepted = acceptedIds.has(b.id);
            const wasReported = reported.has(b.record.dynamodb!.SequenceNumber!);
            expect(wasAccepted !== wasReported).toBe(true);
          }
          for (const id of acceptedIds) expect(batch.some((b) => b.id === id)).toBe(true);
        },
      ),
    );
  });

  it('chunk never exceeds either limit', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 200 * 1024 }), { maxLength: 60 }), (sizes) => {
        const pending = sizes.map((s, i) => ({
          sequenceNumber: String(i),
          eventId: String(i),
          entry: { Detail: 'x'.repeat(s) },
        }));
        const chunks = chunk(pending);
        expect(chunks.flat()).toHaveLength(sizes.length);
        for (const c of chunks) {
          expect(c.length).toBeLessThanOrEqual(10);
          expect(c.length === 1 || c.reduce((n, p) => n + entrySize(p.entry), 0) <= MAX_BYTES_PER_CALL).toBe(
            true,
          );
        }
      }),
    );
  });
});
