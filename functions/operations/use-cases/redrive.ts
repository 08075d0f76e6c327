import {
  type _Record,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { toLambdaStreamRecord } from '../../lib/bus/stream-records.js';
import { OUTBOX_PREFIX } from '../../lib/table/entities/outbox.js';
import {
  classifyDeadLetter,
  type DeadLetter,
  describeDeadLetter,
  type MessageAttributes,
} from './classify-dead-letter.js';

// Sends what a dead-letter queue holds back where it failed, once its cause is fixed. Each kind
// of message goes back the way it came (classify.ts says which kind it is):
//   - a Lambda invocation record → the same function, invoked asynchronously with the same
//     event (so its retries and on-failure destination apply again);
//   - a rule's undelivered event → its target function, asynchronously, or its target queue; an
//     event for another kind of target (another account's bus) → back on its bus;
//   - a message a queue gave up on (its redrive policy) → back on that queue, as it was;
//   - a schedule's undelivered invocation → its target function, asynchronously, same input;
//   - a relay batch → its records, read again from the table's stream (kept 24 hours), handed
//     to the relay.
// Every consumer recognises what it already did (detail.id, derived ids, leases), so a redrive
// never writes anything twice. A message is deleted only once its redrive was accepted; what
// cannot be redriven stays in the queue, with the reason in the answer. Reading a message hides
// it (its visibility timeout), so every message not deleted, all of them in a dry run, is made
// visible again before the answer: the real run right after a dry run finds them all.

export interface RedriveRequest {
  /** The queue's name (as the alarm's QueueName dimension gives it) or its URL. */
  queue: string;
  /** At most this many messages (default 100). */
  limit?: number;
  /** Only say what would be done; every message stays, visible. */
  dryRun?: boolean;
}

export interface RedriveOutcome {
  messageId: string;
  kind: DeadLetter['kind'];
  what: string;
  action: string;
  done: boolean;
  reason?: string;
}

export interface RedriveReport {
  queue: string;
  redriven: number;
  kept: number;
  messages: RedriveOutcome[];
}

export interface RedriveClients {
  sqs: SQSClient;
  lambda: LambdaClient;
  streams: DynamoDBStreamsClient;
  events: EventBridgeClient;
  /** Dead-letter queue name → the URL of the queue whose redrive policy fills it. */
  sourceQueues: Record<string, string>;
}

export function defaultRedriveClients(sourceQueues: Record<string, string> = {}): RedriveClients {
  return {
    sqs: new SQSClient({}),
    lambda: new LambdaClient({}),
    streams: new DynamoDBStreamsClient({}),
    events: new EventBridgeClient({}),
    sourceQueues,
  };
}

const unqualified = (arn: string) => arn.replace(/:(\$LATEST|\d+)$/, '');
const isFunctionArn = (arn: string) => /^arn:aws[\w-]*:lambda:[^:]+:\d+:function:/.test(arn);
const isQueueArn = (arn: string) => /^arn:aws[\w-]*:sqs:[^:]+:\d+:[^:]+$/.test(arn);

async function sendToQueue(c: RedriveClients, queueUrl: string, body: string): Promise<void> {
  await c.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
}

async function invokeAsync(c: RedriveClients, functionArn: string, payload: unknown): Promise<void> {
  const out = await c.lambda.send(
    new InvokeCommand({
      FunctionName: unqualified(functionArn),
      InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify(payload)),
    }),
  );
  if (out.StatusCode !== 202)
    throw new Error(`Lambda answered ${out.StatusCode} to the asynchronous invocation`);
}

/**
 * Pages read past an empty one before deciding the shard holds no more of a batch: DynamoDB
 * Streams may answer empty pages before a shard's records ("it might take multiple calls to get
 * to a portion of the shard that contains stream records", GetRecords' reference).
 */
const EMPTY_PAGES_READ_PAST = 10;
/** At most this many GetRecords for one batch (a batch is at most 10,000 records; pages hold 1,000). */
const MAX_READS = 100;

/**
 * What the relay's mapping hands it (its filter, infra/constructs/outbox-relay.ts): an outbox
 * item's INSERT. The table's other writes are on the same shard, between a batch's records, and
 * are not in the batch (nor counted in its batchSize).
 */
const relayed = (r: _Record) =>
  r.eventName === 'INSERT' && r.dynamodb?.Keys?.pk?.S?.startsWith(OUTBOX_PREFIX);

/**
 * A relay batch's records, read again from its shard: those its mapping delivers, from its first
 * sequence number to its last (or its batchSize of them), past the empty pages a shard may answer
 * first, to where the shard ends. Nothing when the stream no longer holds them.
 */
export async function readStreamBatch(
  streams: DynamoDBStreamsClient,
  l: Extract<DeadLetter, { kind: 'stream-batch' }>,
): Promise<_Record[]> {
  const first = await streams.send(
    new GetShardIteratorCommand({
      StreamArn: l.streamArn,
      ShardId: l.shardId,
      ShardIteratorType: 'AT_SEQUENCE_NUMBER',
      SequenceNumber: l.startSequenceNumber,
    }),
  );
  const records: _Record[] = [];
  let iterator = first.ShardIterator;
  const end = BigInt(l.endSequenceNumber);
  for (let reads = 0, empty = 0; iterator && reads < MAX_READS && empty <= EMPTY_PAGES_READ_PAST; reads++) {
    const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    const page = out.Records ?? [];
    empty = page.length ? 0 : empty + 1;
    for (const r of page) {
      const sequenceNumber = BigInt(r.dynamodb?.SequenceNumber ?? '0');
      if (sequenceNumber > end) return records;
      if (relayed(r)) records.push(r);
      if (sequenceNumber === end || records.length >= l.batchSize) return records;
    }
    // a closed shard's last page has no next iterator
    iterator = out.NextShardIterator;
  }
  return records;
}

async function redriveOne(
  c: RedriveClients,
  letter: DeadLetter,
  dryRun: boolean,
): Promise<{ action: string }> {
  switch (letter.kind) {
    case 'lambda-async': {
      const action = `invoke ${unqualified(letter.functionArn)} asynchronously with the same event`;
      if (!dryRun) await invokeAsync(c, letter.functionArn, letter.payload);
      return { action };
    }
    case 'schedule-target': {
      const action = `invoke ${letter.targetArn} asynchronously with the schedule's input`;
      if (!dryRun) await invokeAsync(c, letter.targetArn, letter.input);
      return { action };
    }
    case 'queue-message': {
      const action = `send it back to ${letter.sourceQueue}, as it was`;
      if (!dryRun) await sendToQueue(c, letter.sourceQueue, letter.body);
      return { action };
    }
    case 'rule-target': {
      if (isFunctionArn(letter.targetArn)) {
        const action = `invoke ${letter.targetArn} asynchronously with the event`;
        if (!dryRun) await invokeAsync(c, letter.targetArn, letter.event);
        return { action };
      }
      if (isQueueArn(letter.targetArn)) {
        const name = letter.targetArn.split(':').at(-1)!;
        const action = `send the event to its target queue ${name}`;
        if (!dryRun) {
          const { QueueUrl } = await c.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
          await sendToQueue(c, QueueUrl!, JSON.stringify(letter.event));
        }
        return { action };
      }
      const event = letter.event as {
        source?: string;
        'detail-type'?: string;
        detail?: unknown;
        resources?: string[];
      };
      if (!event.source || event.source.startsWith('aws.'))
        throw new Error(
          `an ${event.source ?? 'unreadable'} event cannot be put back on a bus; its target is not a function`,
        );
      const bus = letter.ruleArn.split('/').at(-2) ?? 'default';
      const action = `put the event back on the bus ${bus} (every rule matching it sees it again; consumers skip a detail.id they handled)`;
      if (!dryRun) {
        const out = await c.events.send(
          new PutEventsCommand({
            Entries: [
              {
                EventBusName: bus,
                Source: event.source,
                DetailType: event['detail-type'],
                Detail: JSON.stringify(event.detail),
                Resources: event.resources ?? [],
              },
            ],
          }),
        );
        if (out.FailedEntryCount) throw new Error(`PutEvents refused it: ${out.Entries?.[0]?.ErrorMessage}`);
      }
      return { action };
    }
    case 'stream-batch': {
      const action = `read ${letter.batchSize} record(s) of ${letter.shardId} again from the stream and hand them to ${unqualified(letter.functionArn)}`;
      if (dryRun) return { action };
      const records = await readStreamBatch(c.streams, letter);
      if (records.length === 0)
        throw new Error(
          'the stream no longer holds these records (it keeps them 24 hours): see docs/operations.md',
        );
      const region = letter.streamArn.split(':')[3]!;
      const out = await c.lambda.send(
        new InvokeCommand({
          FunctionName: unqualified(letter.functionArn),
          InvocationType: 'RequestResponse',
          Payload: Buffer.from(
            JSON.stringify({
              Records: records.map((r) => toLambdaStreamRecord(r, letter.streamArn, region)),
            }),
          ),
        }),
      );
      const answer = out.Payload ? JSON.parse(Buffer.from(out.Payload).toString('utf8')) : null;
      if (out.FunctionError)
        throw new Error(`the relay failed again: ${answer?.errorMessage ?? out.FunctionError}`);
      if (answer?.batchItemFailures?.length)
        throw new Error(`the relay could not publish ${answer.batchItemFailures.length} of them again`);
      return { action };
    }
    default:
      throw new Error(letter.error);
  }
}

/**
 * Makes the messages visible again at once (ChangeMessageVisibilityBatch, a visibility timeout
 * of 0), ten at a time. One that could not be is noted on its outcome, and the answer still
 * comes (it says what was redriven): such a message shows again once its timeout ends.
 */
async function release(
  c: RedriveClients,
  queueUrl: string,
  outcomes: RedriveOutcome[],
  receipts: Map<string, string>,
): Promise<void> {
  const note = (outcome: RedriveOutcome, why: string) => {
    const hidden = `hidden until its visibility timeout ends (${why})`;
    outcome.reason = outcome.reason ? `${outcome.reason}; ${hidden}` : hidden;
  };
  for (let i = 0; i < outcomes.length; i += 10) {
    const batch = outcomes.slice(i, i + 10);
    try {
      const out = await c.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((m, n) => ({
            Id: String(n),
            ReceiptHandle: receipts.get(m.messageId),
            VisibilityTimeout: 0,
          })),
        }),
      );
      for (const failed of out.Failed ?? [])
        note(batch[Number(failed.Id)]!, `${failed.Code}: ${failed.Message}`);
    } catch (error) {
      for (const outcome of batch) note(outcome, (error as Error).message);
    }
  }
}

export async function redriveDeadLetters(c: RedriveClients, request: RedriveRequest): Promise<RedriveReport> {
  const limit = request.limit ?? 100;
  const queueUrl = request.queue.includes('/')
    ? request.queue
    : (await c.sqs.send(new GetQueueUrlCommand({ QueueName: request.queue }))).QueueUrl!;
  const sourceQueue = c.sourceQueues[queueUrl.split('/').at(-1)!];
  const messages: RedriveOutcome[] = [];
  const seen = new Set<string>();
  const receipts = new Map<string, string>();
  while (messages.length < limit) {
    const out = await c.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, limit - messages.length),
        VisibilityTimeout: request.dryRun ? 30 : 120,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    const received = (out.Messages ?? []).filter((m: Message) => !seen.has(m.MessageId!));
    if (received.length === 0) break;
    for (const m of received) {
      seen.add(m.MessageId!);
      receipts.set(m.MessageId!, m.ReceiptHandle!);
      const letter = classifyDeadLetter(m.Body ?? '', m.MessageAttributes as MessageAttributes, sourceQueue);
      const outcome: RedriveOutcome = {
        messageId: m.MessageId!,
        kind: letter.kind,
        what: describeDeadLetter(letter),
        action: '',
        done: false,
      };
      try {
        outcome.action = (await redriveOne(c, letter, request.dryRun === true)).action;
        if (!request.dryRun) {
          await c.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
          outcome.done = true;
        }
      } catch (error) {
        outcome.reason = (error as Error).message;
      }
      messages.push(outcome);
    }
  }
  await release(
    c,
    queueUrl,
    messages.filter((m) => !m.done),
    receipts,
  );
  const redriven = messages.filter((m) => m.done).length;
  return { queue: request.queue, redriven, kept: messages.length - redriven, messages };
}
