import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firesPerWeek } from '../../../bench/cost.js';
import { mintToken } from '../../../infra/local/jwt.js';
import { startLocalRuntime } from '../../../infra/local/runtime.js';
import { LocalUsage } from '../../../infra/local/usage.js';

// The meter that docs/costs.md is priced from: the units must be the ones AWS bills.

describe('the local runtime counts billable units as AWS bills them', () => {
  it('bills a transaction twice the units DynamoDB Local reports for it, and a plain write once', () => {
    const usage = new LocalUsage();
    // what DynamoDB Local answers: one CapacityUnits per table, for reads and writes alike
    usage.capacity('TransactWriteItems', [{ TableName: 't', CapacityUnits: 3 }]);
    usage.capacity('PutItem', { TableName: 't', CapacityUnits: 3 });
    usage.capacity('Query', { TableName: 't', CapacityUnits: 0.5 });
    usage.capacity('TransactGetItems', [{ TableName: 't', CapacityUnits: 2 }]);
    expect(usage.dynamodb.get('TransactWriteItems')).toEqual({ requests: 1, readUnits: 0, writeUnits: 6 });
    expect(usage.dynamodb.get('PutItem')).toEqual({ requests: 1, readUnits: 0, writeUnits: 3 });
    expect(usage.dynamodb.get('Query')).toEqual({ requests: 1, readUnits: 0.5, writeUnits: 0 });
    expect(usage.dynamodb.get('TransactGetItems')).toEqual({ requests: 1, readUnits: 4, writeUnits: 0 });
  });

  it('counts a request that answered no capacity (an error) as a request with no units', () => {
    const usage = new LocalUsage();
    usage.capacity('UpdateItem', undefined);
    expect(usage.dynamodb.get('UpdateItem')).toEqual({ requests: 1, readUnits: 0, writeUnits: 0 });
  });

  it("bills Lambda each invocation's duration rounded up to the millisecond, with the function's memory, and its cold starts", () => {
    const usage = new LocalUsage();
    const fn = { name: 'api', memoryMb: 1024 } as never;
    usage.lambda(fn, { ok: true, durationMs: 10.2, coldStartMs: 300 });
    usage.lambda(fn, { ok: true, durationMs: 0.3 });
    expect(usage.functions.get('api')).toEqual({
      name: 'api',
      memoryMb: 1024,
      invocations: 2,
      coldStarts: 1,
      billedMs: 12,
      initMs: 300,
    });
  });

  it('prices S3 requests by class: PUT and LIST tier 1, GET tier 2, DELETE free; bytes stored by PUT', () => {
    const usage = new LocalUsage();
    usage.s3Request('PUT', 2048);
    usage.s3Request('GET');
    usage.s3Request('HEAD');
    usage.s3Request('DELETE');
    expect(usage.s3).toEqual({ tier1: 1, tier2: 2, deletes: 1, bytesPut: 2048 });
  });

  it("reads a schedule's fires per week from its expression", () => {
    expect(firesPerWeek('rate(5 minutes)')).toBe(2016);
    expect(firesPerWeek('rate(1 hour)')).toBe(168);
    expect(firesPerWeek('cron(0 * * * ? *)')).toBe(168);
    expect(firesPerWeek('cron(0 7 * * ? *)')).toBe(7);
  });
});

describe('the metered local runtime', () => {
  it("counts a request's invocations and DynamoDB units, and the function still reads DynamoDB's answers", async () => {
    const localDir = mkdtempSync(join(tmpdir(), 'handoff-usage-'));
    const runtime = await startLocalRuntime({
      port: 0,
      consolePort: 0,
      inMemory: true,
      localDir,
      schedules: false,
      meter: true,
      log: { invocation: () => undefined, info: () => undefined, functionOutput: () => undefined },
    });
    try {
      const token = await mintToken(localDir, { user: 'rita', groups: ['sales'] });
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const made = await fetch(`${runtime.apiUrl}/contacts`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ firstName: 'Grace', emails: ['grace@acme.example'] }),
      });
      expect(made.status).toBe(201);
      const { id } = (await made.json()) as { id: string };
      // the function parsed DynamoDB's answer (with the ConsumedCapacity it did not ask for)
      const read = await fetch(`${runtime.apiUrl}/contacts/${id}`, { headers });
      expect(read.status).toBe(200);
      expect(((await read.json()) as { firstName: string }).firstName).toBe('Grace');

      const usage = runtime.usage!;
      const invocations = [...usage.functions.values()].reduce((n, f) => n + f.invocations, 0);
      expect(invocations).toBeGreaterThanOrEqual(2);
      const writes = [...usage.dynamodb.values()].reduce((n, c) => n + c.writeUnits, 0);
      const reads = [...usage.dynamodb.values()].reduce((n, c) => n + c.readUnits, 0);
      expect(writes).toBeGreaterThan(0);
      expect(reads).toBeGreaterThan(0);
      expect(usage.dynamodb.get('TransactWriteItems')?.writeUnits ?? 0).toBeGreaterThanOrEqual(2);
    } finally {
      await runtime.stop();
      rmSync(localDir, { recursive: true, force: true });
    }
  }, 120_000);
});
