import { existsSync, readFileSync } from 'node:fs';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { toLambdaStreamRecord } from '../../functions/lib/bus/stream-records.js';
import { writeFileSafely } from './durable.js';
import { matches } from './event-pattern.js';
import type { LambdaFunctionPool } from './lambdas.js';
import type { Logger } from './log.js';
import type { LocalSqs } from './sqs.js';
import { LOCAL_REGION, type LocalStreamMapping } from './template.js';
import type { LocalUsage } from './usage.js';

// A DynamoDB stream event source mapping, locally: polls DynamoDB Local's stream for the
// table, applies the mapping's filter criteria, invokes the function with batches of up to
// BatchSize records, and follows Lambda's rules for failures
// (https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html): a batch item
// failure resumes from the first failed record, a failed invocation is retried (bisected when
// configured) up to MaximumRetryAttempts, then Lambda's record of the batch (shard and sequence
// numbers, not the records) goes to the on-failure destination. The checkpoint moves only past
// a batch that was handled, and survives restarts (.local/stream-checkpoints.json).

/**
 * A shard with nothing new is read again after this long: Lambda "polls shards in your DynamoDB
 * stream for records at a base rate of 4 times per second"
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html); a shard that had records is read
 * again at once.
 */
const IDLE_POLL_MS = 250;

/**
 * Locally, a stream that nobody has written to since its last read is read again only after this
 * long, or as soon as the DynamoDB endpoint sees a write (`written`), and never sooner than
 * IDLE_POLL_MS after the last read, so records still gather as in Lambda's polls. Four reads a
 * second of an idle stream were about half of an idle local runtime's CPU (DynamoDB Local's and
 * its own: 5.6 → 2.5% of a core, measured 2026-12-06); writes the endpoint does not see (the
 * runtime's seed, a test writing to DynamoDB Local itself) reach the function within this.
 */
const QUIET_POLL_MS = 2000;

type LambdaRecord = Record<string, unknown> & { dynamodb: { SequenceNumber: string } };

export interface StreamPollerOptions {
  mapping: LocalStreamMapping;
  tableName: string;
  dynamodb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  pool: LambdaFunctionPool;
  sqs: LocalSqs;
  log: Logger;
  checkpointFile: string;
  retryDelayMs?: number;
  /** Counts the GetRecords made (usage.ts). */
  usage?: LocalUsage;
}

export class StreamPoller {
  private stopped = false;
  private streamArn = '';
  private readonly iterators = new Map<string, string | null>();
  private checkpoints: Record<string, string> = {};
  private lastDescribe = 0;
  private inFlight = false;
  private dirty = true;
  private wake: (() => void) | undefined;

  constructor(private readonly o: StreamPollerOptions) {
    if (existsSync(o.checkpointFile)) this.checkpoints = JSON.parse(readFileSync(o.checkpointFile, 'utf8'));
  }

  get busy(): boolean {
    return this.inFlight;
  }

  async start(): Promise<void> {
    const table = await this.o.dynamodb.send(new DescribeTableCommand({ TableName: this.o.tableName }));
    this.streamArn = table.Table?.LatestStreamArn ?? '';
    if (!this.streamArn) throw new Error(`table ${this.o.tableName} has no stream`);
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** The table was written to: its stream is read at the next poll, not after a quiet wait. */
  written(): void {
    this.dirty = true;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let worked = false;
      this.dirty = false;
      try {
        if (Date.now() - this.lastDescribe > 2000) await this.discoverShards();
        for (const [shardId, iterator] of this.iterators) {
          if (!iterator || this.stopped) continue;
          worked = (await this.pollShard(shardId, iterator)) || worked;
        }
      } catch (error) {
        this.o.log.info(`stream ${this.o.mapping.logicalId}: ${(error as Error).message}`);
      }
      if (!worked) {
        await new Promise((r) => setTimeout(r, IDLE_POLL_MS));
        if (!this.dirty && !this.stopped) await this.quiet(QUIET_POLL_MS - IDLE_POLL_MS);
      }
    }
  }

  /** Waits this long, or until a write is seen (or the poller stops). */
  private quiet(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private async discoverShards(): Promise<void> {
    this.lastDescribe = Date.now();
    const out = await this.o.streams.send(new DescribeStreamCommand({ StreamArn: this.streamArn }));
    for (const shard of out.StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId!;
      if (this.iterators.has(shardId)) continue;
      const checkpoint = this.checkpoints[this.key(shardId)];
      const it = await this.o.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: shardId,
          ...(checkpoint
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: checkpoint }
            : {
                ShardIteratorType: this.o.mapping.startingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON',
              }),
        }),
      );
      this.iterators.set(shardId, it.ShardIterator ?? null);
    }
  }

  private key(shardId: string): string {
    return `${this.streamArn}|${shardId}`;
  }

  private checkpoint(shardId: string, sequenceNumber: string): void {
    this.checkpoints[this.key(shardId)] = sequenceNumber;
    writeFileSafely(this.o.checkpointFile, JSON.stringify(this.checkpoints));
  }

  private async pollShard(shardId: string, iterator: string): Promise<boolean> {
    if (this.o.usage) this.o.usage.streamReads++;
    const out = await this.o.streams.send(
      new GetRecordsCommand({ ShardIterator: iterator, Limit: this.o.mapping.batchSize }),
    );
    this.iterators.set(shardId, out.NextShardIterator ?? null);
    const records = (out.Records ?? []).map((r) => this.toLambdaRecord(r));
    if (records.length === 0) return false;
    const wanted = records.filter(
      (r) => this.o.mapping.filters.length === 0 || this.o.mapping.filters.some((f) => matches(f, r)),
    );
    if (wanted.length > 0) {
      this.inFlight = true;
      try {
        await this.process(wanted, shardId);
      } finally {
        this.inFlight = false;
      }
    }
    this.checkpoint(shardId, records.at(-1)!.dynamodb.SequenceNumber);
    return true;
  }

  private toLambdaRecord(r: _Record): LambdaRecord {
    return toLambdaStreamRecord(r, this.streamArn, LOCAL_REGION) as unknown as LambdaRecord;
  }

  /** Delivers one batch the way Lambda does; returns when it was handled or given up. */
  private async process(batch: LambdaRecord[], shardId: string, retriesUsed = 0): Promise<void> {
    const m = this.o.mapping;
    let remaining = batch;
    let retries = retriesUsed;
    while (remaining.length > 0) {
      const outcome = await this.o.pool.invoke({ Records: remaining });
      let failedFrom = -1;
      if (outcome.ok && m.reportBatchItemFailures) {
        const failures =
          (outcome.result as { batchItemFailures?: { itemIdentifier?: string }[] } | null)
            ?.batchItemFailures ?? [];
        if (failures.length > 0) {
          const indexes = failures.map((f) =>
            remaining.findIndex((r) => r.dynamodb.SequenceNumber === f.itemIdentifier),
          );
          failedFrom = indexes.some((i) => i < 0) ? 0 : Math.min(...indexes);
        }
      }
      const failed = !outcome.ok || failedFrom >= 0;
      this.o.log.invocation({
        function: this.o.pool.fn.name,
        trigger: 'stream',
        what: `${remaining.length} record(s) from ${this.o.tableName}${retries ? ` (retry ${retries})` : ''}`,
        outcome: !outcome.ok
          ? `${outcome.error?.errorType}: ${outcome.error?.errorMessage}`
          : failedFrom >= 0
            ? `${remaining.length - failedFrom} item failure(s)`
            : 'ok',
        failed,
        result: outcome,
      });
      if (!failed) return;
      if (!outcome.ok && m.bisectOnError && remaining.length > 1) {
        const half = Math.ceil(remaining.length / 2);
        await this.process(remaining.slice(0, half), shardId, retries + 1);
        await this.process(remaining.slice(half), shardId, retries + 1);
        return;
      }
      if (failedFrom > 0) remaining = remaining.slice(failedFrom);
      retries++;
      if (m.maxRetries >= 0 && retries > m.maxRetries) {
        if (m.onFailureQueue) {
          this.o.sqs.send(
            m.onFailureQueue,
            JSON.stringify({
              requestContext: {
                requestId: crypto.randomUUID(),
                functionArn: this.o.pool.fn.arn,
                condition: 'RetryAttemptsExhausted',
                approximateInvokeCount: retries,
              },
              responseContext: {
                statusCode: 200,
                executedVersion: '$LATEST',
                ...(outcome.ok ? {} : { functionError: 'Unhandled' }),
              },
              version: '1.0',
              timestamp: new Date().toISOString(),
              DDBStreamBatchInfo: {
                shardId,
                startSequenceNumber: remaining[0]!.dynamodb.SequenceNumber,
                endSequenceNumber: remaining.at(-1)!.dynamodb.SequenceNumber,
                batchSize: remaining.length,
                streamArn: this.streamArn,
              },
            }),
          );
        }
        return;
      }
      await new Promise((r) =>
        setTimeout(r, Math.min(10_000, (this.o.retryDelayMs ?? 200) * 2 ** (retries - 1))),
      );
    }
  }
}
