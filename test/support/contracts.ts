import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { eventSchemaViolation } from './event-contract.js';
import type { TestTable } from './table.js';

// What a test file's run produced that a published contract must describe: the events written
// to its tables' outboxes and the events seen on a local runtime's bus. They are checked once
// the file's tests are done (test/support/contract-setup.ts), so a test that makes an event
// nobody published a schema for fails, whatever it asserted itself.

const tables: TestTable[] = [];
type WireEvent = { source: string; 'detail-type': string; detail: unknown };
const busEvents: WireEvent[] = [];
const forged: ((e: WireEvent) => boolean)[] = [];

/** Events a test puts on a bus on purpose although no schema describes them (a poisoned input). */
export function forgedOnPurpose(match: (e: WireEvent) => boolean): void {
  forged.push(match);
}

export function recordTable(table: TestTable): void {
  tables.push(table);
}

export function recordBusEvents(events: WireEvent[]): void {
  busEvents.push(...events);
}

/**
 * Every event recorded since the last call that breaks its published schema, described. What it
 * read is forgotten: files that share a worker's modules (vitest.config.ts) are checked each on
 * its own events.
 */
export async function eventContractViolations(): Promise<string[]> {
  const events = busEvents.filter((e) => e.source.startsWith('handoff.') && !forged.some((f) => f(e)));
  const read = tables.splice(0);
  busEvents.length = 0;
  forged.length = 0;
  for (const table of read) {
    let start: Record<string, unknown> | undefined;
    do {
      // a test's own table, read whole once its tests are done: the only Scan in this project
      const out = await table.client.send(
        new ScanCommand({
          TableName: table.tableName,
          FilterExpression: 'begins_with(pk, :outbox) AND entity = :entity',
          ExpressionAttributeValues: { ':outbox': { S: 'OUTBOX#' }, ':entity': { S: 'outbox' } },
          ...(start ? { ExclusiveStartKey: start as never } : {}),
        }),
      );
      for (const raw of out.Items ?? []) {
        const item = unmarshall(raw) as { source: string; detailType: string; detail: string };
        events.push({ source: item.source, 'detail-type': item.detailType, detail: JSON.parse(item.detail) });
      }
      start = out.LastEvaluatedKey;
    } while (start);
  }
  const seen = new Set<string>();
  return events.flatMap((e) => {
    const violation = eventSchemaViolation(e);
    if (!violation || seen.has(violation)) return [];
    seen.add(violation);
    return [violation];
  });
}
