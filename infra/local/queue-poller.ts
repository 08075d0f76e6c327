import type { LambdaFunctionPool } from './lambdas.js';
import type { Logger } from './log.js';
import { type LocalSqs, queueArn, type ReceivedMessage } from './sqs.js';
import { LOCAL_REGION, type LocalQueueMapping } from './template.js';
import type { LocalUsage } from './usage.js';

// An SQS event source mapping, locally, with the semantics Lambda documents
// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errors.html,
// .../services-sqs-scaling.html): the queue is read as soon as messages are visible, in batches of
// up to BatchSize, gathered for up to MaximumBatchingWindowInSeconds (until the batch is full or
// the window is over: the messages gathered are in flight meanwhile), by up to MaximumConcurrency
// invocations at once (else the function's concurrency); a batch that succeeds is deleted; one
// whose function fails comes back whole after the queue's visibility timeout, and with
// ReportBatchItemFailures only the messages the function names do (an identifier not in the batch
// fails it whole, as in Lambda). A message received maxReceiveCount times moves to the queue's
// dead-letter queue (sqs.ts, the redrive policy). The visibility timeout before a failed message
// comes back is scaled by --time-scale; while its invocation runs a message stays hidden, as the
// unscaled timeout (longer than the function's) keeps it. The batching window is not scaled: it
// decides how many invocations a burst makes, and a scaled run keeps AWS's counts (a 1 s window
// at --time-scale 0.001 made every webhook event an invocation of its own).

export interface QueuePollerOptions {
  /** Counts each batch's receive and delete (usage.ts). */
  usage?: LocalUsage;
  mapping: LocalQueueMapping;
  sqs: LocalSqs;
  pool: LambdaFunctionPool;
  log: Logger;
  /** The queue's visibility timeout, in seconds. */
  visibilityTimeoutSeconds: number;
  timeScale: number;
}

/** At most this long between looks at a queue when nothing wakes the poller. */
const LONGEST_IDLE_MS = 1000;

export class QueuePoller {
  private stopped = false;
  private running = 0;
  private wake: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly o: QueuePollerOptions) {}

  get busy(): boolean {
    return this.running > 0;
  }

  start(): void {
    this.unsubscribe = this.o.sqs.subscribe(this.o.mapping.queueId, () => this.wake?.());
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.wake?.();
  }

  private get concurrency(): number {
    return this.o.mapping.maxConcurrency ?? this.o.pool.fn.reservedConcurrency ?? 8;
  }

  private async loop(): Promise<void> {
    const { mapping, sqs } = this.o;
    while (!this.stopped) {
      while (this.running < this.concurrency && !this.stopped) {
        // received at once, so a message sent before the wait below is registered is not missed
        const batch = this.receive(mapping.batchSize);
        if (batch.length === 0) break;
        if (batch.length < mapping.batchSize && mapping.batchingWindowSeconds > 0) await this.gather(batch);
        // stopped while gathering: what it gathered comes back after its visibility timeout, as
        // messages in flight do when a mapping is disabled
        if (this.stopped) break;
        // Lambda's poller receives the batch and deletes what was handled: two SQS requests
        this.o.usage?.sqsRequest('ReceiveMessage (queue mapping)');
        this.o.usage?.sqsRequest('DeleteMessageBatch (queue mapping)');
        this.running++;
        void this.invoke(batch).finally(() => {
          this.running--;
          this.wake?.();
        });
      }
      const next = sqs.nextVisibleAt(mapping.queueId);
      await this.sleep(Math.min(LONGEST_IDLE_MS, next === undefined ? LONGEST_IDLE_MS : next - Date.now()));
    }
  }

  private receive(max: number): ReceivedMessage[] {
    return this.o.sqs.receiveBatch(this.o.mapping.queueId, max, this.o.visibilityTimeoutSeconds * 1000);
  }

  /** The batching window: adds what arrives to the batch until it is full or the window is over. */
  private async gather(batch: ReceivedMessage[]): Promise<void> {
    const { mapping, sqs } = this.o;
    const windowEnds = Date.now() + mapping.batchingWindowSeconds * 1000;
    while (batch.length < mapping.batchSize && !this.stopped) {
      const left = windowEnds - Date.now();
      if (left <= 0) break;
      const next = sqs.nextVisibleAt(mapping.queueId);
      await this.sleep(Math.min(left, next === undefined ? left : next - Date.now()));
      batch.push(...this.receive(mapping.batchSize - batch.length));
    }
  }

  /** Waits this long, or until a message arrives on the queue (or the poller stops). */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(
        () => {
          this.wake = undefined;
          resolve();
        },
        Math.max(0, ms),
      );
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private async invoke(batch: ReceivedMessage[]): Promise<void> {
    const { mapping, sqs, pool } = this.o;
    const outcome = await pool.invoke({
      Records: batch.map((m) => ({
        messageId: m.messageId,
        receiptHandle: m.receiptHandle,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.sentTimestamp),
          SenderId: 'LOCAL',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: Object.fromEntries(
          Object.entries(m.attributes ?? {}).map(([k, v]) => [
            k,
            { stringValue: v.StringValue, stringListValues: [], binaryListValues: [], dataType: v.DataType },
          ]),
        ),
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn(mapping.queueId),
        awsRegion: LOCAL_REGION,
      })),
    });
    let failed = new Set<string>(outcome.ok ? [] : batch.map((m) => m.messageId));
    if (outcome.ok && mapping.reportBatchItemFailures) {
      const named = (
        (outcome.result as { batchItemFailures?: { itemIdentifier?: string }[] } | null)?.batchItemFailures ??
        []
      ).map((f) => String(f.itemIdentifier));
      const known = new Set(batch.map((m) => m.messageId));
      failed = named.some((id) => !known.has(id)) ? known : new Set(named);
    }
    this.o.log.invocation({
      function: pool.fn.name,
      trigger: 'queue',
      what: `${batch.length} message(s) from ${mapping.queueId}`,
      outcome: !outcome.ok
        ? `${outcome.error?.errorType}: ${outcome.error?.errorMessage}`
        : failed.size > 0
          ? `${failed.size} item failure(s)`
          : 'ok',
      failed: failed.size > 0,
      result: outcome,
    });
    const comeBackMs = this.o.visibilityTimeoutSeconds * 1000 * this.o.timeScale;
    for (const m of batch) sqs.settle(mapping.queueId, m.receiptHandle, !failed.has(m.messageId), comeBackMs);
  }
}
