import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../../infra/local/dynamodb-local.js';
import { LocalEventBus } from '../../../infra/local/event-bus.js';
import { LocalLambda } from '../../../infra/local/lambda-service.js';
import { LambdaFunctionPool } from '../../../infra/local/lambdas.js';
import type { Logger } from '../../../infra/local/log.js';
import { QueuePoller } from '../../../infra/local/queue-poller.js';
import { LocalSqs } from '../../../infra/local/sqs.js';
import { StreamPoller } from '../../../infra/local/stream.js';
import type {
  LocalApp,
  LocalFunction,
  LocalQueueMapping,
  LocalStreamMapping,
} from '../../../infra/local/template.js';
import { type TestTable, testTable } from '../../support/table.js';

// The local runtime's event sources keep Lambda's and EventBridge's delivery rules: a stream
// mapping's filter, batch size, partial batch failures (resume from the first failed record),
// bounded retries and the on-failure destination; an SQS mapping's batching window; for a rule's Lambda target, EventBridge's
// retry policy and dead-letter queue for failed *deliveries* only, and Lambda's own retries and
// on-failure destination for the function's errors. A recording test function
// (fixtures/recording-handler.mjs) stands in for the real ones.

const FIXTURE = fileURLToPath(new URL('./fixtures/recording-handler.mjs', import.meta.url));
const quiet: Logger = { invocation: () => undefined, info: () => undefined, functionOutput: () => undefined };

let table: TestTable;
let dir: string;
const pools: LambdaFunctionPool[] = [];

function fixtureFunction(
  name: string,
  mode: 'report' | 'throw',
): { pool: LambdaFunctionPool; calls: () => { key: string; invokedAt: number }[][] } {
  const logFile = join(dir, `${name}.jsonl`);
  const fn: LocalFunction = {
    logicalId: name,
    name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    bundleFile: FIXTURE,
    handlerExport: 'handler',
    environment: { FIXTURE_LOG: logFile, FIXTURE_MODE: mode },
    timeoutSeconds: 10,
    memoryMb: 128,
    handler: 'recording-handler.handler',
    tracing: 'PassThrough',
  };
  const pool = new LambdaFunctionPool(fn, { baseEnvironment: {} });
  pools.push(pool);
  return {
    pool,
    calls: () => {
      try {
        return readFileSync(logFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l));
      } catch {
        return [];
      }
    },
  };
}

async function until(condition: () => boolean, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  table = await testTable({ stream: true });
  dir = mkdtempSync(join(tmpdir(), 'handoff-sources-'));
});

const queuePollers: QueuePoller[] = [];
afterAll(() => {
  for (const p of queuePollers) p.stop();
  for (const p of pools) p.stop();
});

function mapping(overrides: Partial<LocalStreamMapping>): LocalStreamMapping {
  return {
    logicalId: 'Mapping',
    tableId: 'T',
    functionId: 'F',
    batchSize: 100,
    batchingWindowSeconds: 0,
    reportBatchItemFailures: true,
    bisectOnError: false,
    maxRetries: 2,
    maxRecordAgeSeconds: -1,
    startingPosition: 'LATEST',
    filters: [{ eventName: ['INSERT'], dynamodb: { Keys: { pk: { S: [{ prefix: 'OUTBOX#' }] } } } }],
    onFailureQueue: 'Dlq',
    ...overrides,
  };
}

describe('a DynamoDB stream mapping on the local runtime', () => {
  it('filters, batches, resumes from the first failed record, and sends the hopeless to its destination', async () => {
    const { pool, calls } = fixtureFunction('relay', 'report');
    const sqs = new LocalSqs(join(dir, 'queues'), new Map([['Dlq', 'dead letters']]));
    const poller = new StreamPoller({
      // from the stream's start (the table is this file's own), so the records are read however
      // long the poller takes to get its first shard iterator on a busy machine
      mapping: mapping({ batchSize: 3, startingPosition: 'TRIM_HORIZON' }),
      tableName: table.tableName,
      dynamodb: table.client,
      streams: new DynamoDBStreamsClient({
        endpoint: table.endpoint,
        region: 'us-east-1',
        credentials: LOCAL_CREDENTIALS,
      }),
      pool,
      sqs,
      log: quiet,
      checkpointFile: join(dir, 'checkpoints.json'),
      retryDelayMs: 10,
    });
    await poller.start();
    const put = (pk: string, fail?: string) =>
      table.services.store.doc.send(
        new PutCommand({ TableName: table.tableName, Item: { pk, sk: 'X', ...(fail ? { fail } : {}) } }),
      );
    for (const [pk, fail] of [
      ['OUTBOX#1', undefined],
      ['DEAL#ignored', undefined],
      ['OUTBOX#2', 'once'],
      ['OUTBOX#3', undefined],
      ['OUTBOX#4', 'always'],
      ['OUTBOX#5', undefined],
    ] as const) {
      await put(pk, fail);
    }
    await until(
      () =>
        sqs.deadLetters().length > 0 &&
        calls()
          .flat()
          .some((c) => c.key === 'OUTBOX#5'),
    );
    poller.stop();

    const batches = calls().map((b) => b.map((r) => r.key));
    expect(batches.flat()).not.toContain('DEAL#ignored');
    expect(batches.every((b) => b.length <= 3)).toBe(true);
    // OUTBOX#2 failed once: its redelivery starts with it and carries the records after it
    const firstWith2 = batches.findIndex((b) => b.includes('OUTBOX#2'));
    expect(batches[firstWith2 + 1]![0]).toBe('OUTBOX#2');
    expect(batches.flat().filter((k) => k === 'OUTBOX#1')).toHaveLength(1);
    // OUTBOX#4 always fails: 1 delivery + 2 retries, then the destination names its batch
    expect(batches.filter((b) => b.includes('OUTBOX#4'))).toHaveLength(3);
    expect(batches.at(-1)).not.toContain('OUTBOX#3');
    expect(sqs.deadLetters()[0]).toMatchObject({
      queue: 'dead letters',
      letter: { kind: 'stream-batch', condition: 'RetryAttemptsExhausted' },
      body: {
        requestContext: {
          condition: 'RetryAttemptsExhausted',
          functionArn: expect.stringContaining(':function:relay'),
        },
        DDBStreamBatchInfo: { batchSize: expect.any(Number), shardId: expect.any(String) },
      },
    });
    // the records after the hopeless one were still delivered
    expect(batches.flat()).toContain('OUTBOX#5');
  }, 30_000);
});

describe('a rule target on the local bus', () => {
  function setUp(name: string) {
    const { pool, calls } = fixtureFunction(name, 'throw');
    const sqs = new LocalSqs(
      join(dir, `${name}-queues`),
      new Map([
        ['RuleDlq', 'rule dead letters'],
        ['OnFailure', 'on-failure destination'],
      ]),
    );
    const app = {
      buses: ['bus'],
      functions: new Map([[name, pool.fn]]),
      asyncConfigs: new Map([
        [name, { maxRetries: 2, maxEventAgeSeconds: 3600, onFailureQueue: 'OnFailure' }],
      ]),
      rules: [
        {
          logicalId: 'OnWon',
          arn: 'arn:aws:events:us-east-1:000000000000:rule/bus/OnWon',
          busName: 'bus',
          pattern: { source: ['handoff.crm'], 'detail-type': ['DealClosedWon'] },
          enabled: true,
          targets: [
            {
              kind: 'function',
              arn: pool.fn.arn,
              functionId: name,
              maxRetries: 3,
              maxEventAgeSeconds: 3600,
              deadLetterQueue: 'RuleDlq',
            },
          ],
        },
      ],
      archives: [{ busName: 'bus', pattern: { source: [{ prefix: 'handoff.' }] } }],
    } as unknown as LocalApp;
    // 1 = AWS's own delays; 0.0005 turns Lambda's one- and two-minute waits into 30 and 60 ms
    const timeScale = 0.0005;
    const lambda = new LocalLambda({
      app,
      pools: new Map([[name, pool]]),
      sqs,
      dir: join(dir, `${name}-lambda`),
      log: quiet,
      timeScale,
    });
    const bus = new LocalEventBus({ app, lambda, sqs, dir: join(dir, `${name}-bus`), log: quiet, timeScale });
    bus.start();
    lambda.start();
    return { bus, lambda, sqs, calls };
  }
  const won = (key: string) => ({
    EventBusName: 'bus',
    Source: 'handoff.crm',
    DetailType: 'DealClosedWon',
    Detail: JSON.stringify({ key, fail: 'always' }),
  });

  it("a function error is Lambda's: 1 run + 2 retries, then the invocation record in the function's on-failure destination, not the rule's DLQ", async () => {
    const { bus, sqs, calls } = setUp('target');
    const out = bus.putEvents([
      won('won'),
      {
        EventBusName: 'bus',
        Source: 'handoff.crm',
        DetailType: 'DealCreated',
        Detail: JSON.stringify({ key: 'created' }),
      },
      { EventBusName: 'nope', Source: 'x', DetailType: 'y', Detail: '{}' },
      { EventBusName: 'bus', Source: 'x', DetailType: 'y', Detail: 'not json' },
    ]);
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries.slice(0, 2).every((e) => 'EventId' in e)).toBe(true);
    await until(() => sqs.deadLetters().length === 1);
    expect(
      calls()
        .flat()
        .map((c) => c.key),
    ).toEqual(['won', 'won', 'won']);
    const [letter] = sqs.deadLetters();
    expect(letter).toMatchObject({
      queueId: 'OnFailure',
      letter: {
        kind: 'lambda-async',
        condition: 'RetriesExhausted',
        attempts: 3,
        error: 'Error: failing won',
      },
      body: {
        version: '1.0',
        requestContext: { functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:target:$LATEST' },
        requestPayload: { 'detail-type': 'DealClosedWon', detail: { key: 'won' } },
        responseContext: { functionError: 'Unhandled' },
        responsePayload: { errorType: 'Error', errorMessage: 'failing won' },
      },
    });
    expect(bus.events.map((e) => [e['detail-type'], e.local.matchedRules, e.local.archived])).toEqual([
      ['DealClosedWon', ['OnWon'], true],
      ['DealCreated', [], true],
    ]);
  }, 30_000);

  it("a delivery Lambda refuses is EventBridge's: the rule's retry policy (1 + 3 attempts), then its DLQ with EventBridge's attributes; the function never ran", async () => {
    const { bus, lambda, sqs, calls } = setUp('refusing');
    lambda.unavailable.add('refusing');
    bus.putEvents([won('undelivered')]);
    await until(() => sqs.deadLetters().length === 1, 20_000);
    expect(calls()).toEqual([]);
    const [letter] = sqs.deadLetters();
    expect(letter).toMatchObject({
      queueId: 'RuleDlq',
      letter: {
        kind: 'rule-target',
        ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/bus/OnWon',
        targetArn: 'arn:aws:lambda:us-east-1:000000000000:function:refusing',
        error: expect.stringContaining('ServiceException'),
      },
      body: { 'detail-type': 'DealClosedWon', detail: { key: 'undelivered' } },
      attributes: { EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts', RETRY_ATTEMPTS: '3' },
    });
  }, 30_000);
});

describe('an SQS mapping on the local runtime', () => {
  function setUp(name: string, mapping: Partial<LocalQueueMapping>, timeScale = 1) {
    const { pool, calls } = fixtureFunction(name, 'report');
    const sqs = new LocalSqs(join(dir, `${name}-queues`), new Map([['Queue', 'queue']]));
    const poller = new QueuePoller({
      mapping: {
        logicalId: 'Mapping',
        queueId: 'Queue',
        functionId: name,
        batchSize: 10,
        batchingWindowSeconds: 0,
        reportBatchItemFailures: true,
        ...mapping,
      },
      sqs,
      pool,
      log: quiet,
      visibilityTimeoutSeconds: 30,
      timeScale,
    });
    poller.start();
    queuePollers.push(poller);
    const send = (key: string) => sqs.send('Queue', JSON.stringify({ key }));
    const batches = () => calls().map((batch) => batch.map((r) => r.key));
    return { send, calls, batches };
  }
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('without a batching window each message that arrives alone is an invocation; with one, the messages that arrive within it are one', async () => {
    const eager = setUp('eager', {});
    const gathering = setUp('gathering', { batchingWindowSeconds: 3 });
    const firstSent = Date.now();
    for (const key of ['m1', 'm2', 'm3', 'm4', 'm5']) {
      eager.send(key);
      gathering.send(key);
      // a turn for the pollers between two sends (they receive as soon as they are told)
      await pause(20);
    }
    await until(() => eager.calls().flat().length === 5 && gathering.calls().flat().length === 5);
    // each in an environment of its own, so they may finish in any order
    expect(eager.batches().sort()).toEqual([['m1'], ['m2'], ['m3'], ['m4'], ['m5']]);
    expect(gathering.batches()).toEqual([['m1', 'm2', 'm3', 'm4', 'm5']]);
    // Lambda waited for the window (from the first message) before it invoked
    expect(gathering.calls()[0]![0]!.invokedAt - firstSent).toBeGreaterThanOrEqual(2_900);
  });

  it('a scaled clock (--time-scale) does not shorten the window: a burst is as many invocations as in AWS', async () => {
    const scaled = setUp('scaled', { batchingWindowSeconds: 1 }, 0.001);
    const firstSent = Date.now();
    for (const key of ['s1', 's2', 's3', 's4']) {
      scaled.send(key);
      await pause(20);
    }
    await until(() => scaled.calls().flat().length === 4);
    expect(scaled.batches()).toEqual([['s1', 's2', 's3', 's4']]);
    expect(scaled.calls()[0]![0]!.invokedAt - firstSent).toBeGreaterThanOrEqual(900);
  });

  it('a batch that is full goes without waiting for the window; the rest waits for it', async () => {
    // a window far longer than an environment's cold start, even on a busy machine
    const gathering = setUp('full', { batchSize: 3, batchingWindowSeconds: 8 });
    const sent = Date.now();
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) gathering.send(key);
    await until(() => gathering.calls().flat().length === 7, 30_000);
    const calls = gathering.calls();
    const full = calls.filter((batch) => batch.length === 3);
    const rest = calls.filter((batch) => batch.length < 3);
    expect(full).toHaveLength(2);
    expect(rest.map((batch) => batch.length)).toEqual([1]);
    expect(
      calls
        .flat()
        .map((r) => r.key)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    for (const batch of full) expect(batch[0]!.invokedAt - sent).toBeLessThan(6_000);
    expect(rest[0]![0]!.invokedAt - sent).toBeGreaterThanOrEqual(7_900);
  });
});
