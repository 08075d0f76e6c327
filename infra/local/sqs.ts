import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import {
  classifyDeadLetter,
  type DeadLetter,
  describeDeadLetter,
  type MessageAttributes,
} from '../../functions/operations/use-cases/classify-dead-letter.js';
import { DurableRecords } from './durable.js';
import type { LocalIam } from './iam.js';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalQueueSettings } from './template.js';
import type { LocalUsage } from './usage.js';

// Amazon SQS, locally, for the template's queues (dead-letter queues, on-failure destinations,
// and the queues functions read through event source mappings, queue-poller.ts): the local
// services send to them as AWS's do, and functions use them through the SDK
// (AWS_ENDPOINT_URL_SQS; the AWS JSON 1.0 protocol) with SendMessage(Batch) (DelaySeconds, or the
// queue's), ReceiveMessage (visibility timeout, receive count, the redrive policy moving a message
// received maxReceiveCount times to its dead-letter queue), DeleteMessage,
// ChangeMessageVisibility(Batch), GetQueueUrl and GetQueueAttributes. Messages are files under
// .local/queues/<queue>/, so they outlive a restart, as SQS's do (kept in memory too: a queue is
// read often); which are in flight is not kept, so a restart makes them visible at once. A
// message's delay is scaled by --time-scale, as AWS's retry waits are (a mapping's batching window
// is not: queue-poller.ts). Written by hand: the
// SQS emulators on npm are unmaintained or need Java beside DynamoDB Local's, and these
// operations are all the stack uses.
// Over 400 lines: the SQS API the functions and the local services use, and what a poller needs.

export interface QueueMessage {
  MessageId: string;
  Body: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue: string }>;
  SentTimestamp: number;
  ReceiveCount: number;
  /** A delayed message is hidden until then (epoch ms). */
  VisibleAt?: number;
}

/** A message handed to a poller (an event source mapping), with its receipt handle. */
export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  sentTimestamp: number;
  receiveCount: number;
  attributes?: QueueMessage['MessageAttributes'];
}

export interface LocalSqsOptions {
  /** Each queue's visibility timeout, delay and redrive policy (the template's); none: SQS's defaults. */
  settings?: Map<string, LocalQueueSettings>;
  /** Scales message delays (1 = SQS's own; tests shrink it). */
  timeScale?: number;
  /** Queues read by event source mappings: their messages are work waiting, not dead letters. */
  sources?: Set<string>;
}

/** One queue's messages: on disk, and in memory in the order they were sent. */
class QueueStore {
  private records?: Map<string, QueueMessage>;
  private readonly disk: DurableRecords<QueueMessage>;

  constructor(dir: string) {
    this.disk = new DurableRecords(dir);
  }

  private loaded(): Map<string, QueueMessage> {
    this.records ??= new Map(this.disk.all().map(({ id, record }) => [id, record]));
    return this.records;
  }

  put(id: string, message: QueueMessage): void {
    this.disk.put(id, message);
    this.loaded().set(id, message);
  }

  delete(id: string): void {
    this.disk.delete(id);
    this.loaded().delete(id);
  }

  all(): { id: string; record: QueueMessage }[] {
    return [...this.loaded()].map(([id, record]) => ({ id, record }));
  }
}

export interface DeadLetterView {
  queueId: string;
  queue: string;
  messageId: string;
  at: string;
  letter: DeadLetter;
  description: string;
  body: unknown;
  attributes: Record<string, string>;
}

/** SQS's longest visibility timeout, and the longest a message may stay in flight: 12 hours. */
const MAX_VISIBILITY = 43_200;

const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

/** SQS's digest of message attributes (the SDK checks it): names sorted, each length-prefixed. */
export function md5OfMessageAttributes(attributes: NonNullable<QueueMessage['MessageAttributes']>): string {
  const parts: Buffer[] = [];
  const field = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const { DataType, StringValue } = attributes[name]!;
    field(name);
    field(DataType);
    parts.push(Buffer.from([1])); // string transport type
    field(StringValue);
  }
  return md5(Buffer.concat(parts));
}

class SqsError extends Error {
  constructor(
    readonly code: string,
    readonly queryCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** A queue's ARN, as the template's policies name it (a local queue is named by its logical id). */
export const queueArn = (queueId: string) => `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${queueId}`;

export class LocalSqs {
  private readonly stores = new Map<string, QueueStore>();
  private readonly listeners = new Map<string, Set<() => void>>();
  /** receipt handle → message, while it is invisible */
  private readonly inFlight = new Map<
    string,
    {
      queueId: string;
      messageId: string;
      receivedAt: number;
      visibleAt: number;
      /** ChangeMessageVisibility set its timeout since it was received. */
      changed?: boolean;
    }
  >();
  private endpoint = '';
  /** Counts the requests (usage.ts); set by the runtime. */
  usage?: LocalUsage;

  constructor(
    private readonly dir: string,
    /** queue logical id (the local queue name) → readable name */
    private readonly names: Map<string, string>,
    /** Asked before each request a signed caller makes (infra/local/iam.ts); none: all allowed. */
    private readonly iam?: LocalIam,
    private readonly options: LocalSqsOptions = {},
  ) {}

  /** The URL GetQueueUrl answers with: this endpoint's, so the SDK reaches it either way. */
  setEndpoint(endpoint: string): void {
    this.endpoint = endpoint;
  }

  has(queueId: string): boolean {
    return this.names.has(queueId);
  }

  private store(queueId: string): QueueStore {
    let store = this.stores.get(queueId);
    if (!store) {
      store = new QueueStore(join(this.dir, queueId));
      this.stores.set(queueId, store);
    }
    return store;
  }

  /** Called whenever a message is sent to the queue, or one in flight is made visible again. */
  subscribe(queueId: string, listener: () => void): () => void {
    const set = this.listeners.get(queueId) ?? new Set();
    set.add(listener);
    this.listeners.set(queueId, set);
    return () => set.delete(listener);
  }

  private notify(queueId: string): void {
    for (const listener of this.listeners.get(queueId) ?? []) listener();
  }

  /** `delaySeconds` (0-900): undefined takes the queue's own DelaySeconds. */
  send(
    queueId: string,
    body: string,
    attributes: Record<string, string> = {},
    delaySeconds?: number,
  ): string {
    this.usage?.sqsRequest('SendMessage');
    const MessageId = randomUUID();
    const SentTimestamp = Date.now();
    const delay = delaySeconds ?? this.options.settings?.get(queueId)?.delaySeconds ?? 0;
    const message: QueueMessage = {
      MessageId,
      Body: body,
      SentTimestamp,
      ReceiveCount: 0,
      ...(delay > 0 ? { VisibleAt: SentTimestamp + delay * 1000 * (this.options.timeScale ?? 1) } : {}),
      ...(Object.keys(attributes).length
        ? {
            MessageAttributes: Object.fromEntries(
              Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
            ),
          }
        : {}),
    };
    this.store(queueId).put(`${String(SentTimestamp).padStart(15, '0')}-${MessageId}`, message);
    this.notify(queueId);
    return MessageId;
  }

  /**
   * Up to `max` visible messages, hidden for `visibilityMs` (a poller's receive). A message
   * received as often as the queue's redrive policy allows moves to its dead-letter queue instead.
   */
  receiveBatch(queueId: string, max: number, visibilityMs: number): ReceivedMessage[] {
    return this.take(queueId, max, visibilityMs).map(({ record, ReceiptHandle }) => ({
      messageId: record.MessageId,
      receiptHandle: ReceiptHandle,
      body: record.Body,
      sentTimestamp: record.SentTimestamp,
      receiveCount: record.ReceiveCount,
      ...(record.MessageAttributes ? { attributes: record.MessageAttributes } : {}),
    }));
  }

  /** A poller's message, handled: deleted (true), or visible again after `afterMs` (false). */
  settle(queueId: string, receiptHandle: string, handled: boolean, afterMs = 0): void {
    if (handled) {
      try {
        this.remove({ QueueUrl: queueId, ReceiptHandle: receiptHandle });
      } catch {
        // its visibility ended and another receive took it: that one decides
      }
      return;
    }
    const flight = this.inFlight.get(receiptHandle);
    if (!flight) return;
    // a function may have changed its visibility itself (ChangeMessageVisibility): that stands
    if (!flight.changed) flight.visibleAt = Date.now() + afterMs;
    setTimeout(() => this.notify(queueId), Math.max(0, flight.visibleAt - Date.now())).unref();
  }

  /** When the next message of the queue becomes visible (epoch ms), if any is waiting. */
  nextVisibleAt(queueId: string): number | undefined {
    const now = Date.now();
    const hidden = this.hiddenUntil(queueId);
    let next: number | undefined;
    for (const { record } of this.store(queueId).all()) {
      const at = Math.max(record.VisibleAt ?? 0, hidden.get(record.MessageId) ?? 0);
      if (at > now && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  private hiddenUntil(queueId: string): Map<string, number> {
    const now = Date.now();
    const hidden = new Map<string, number>();
    for (const f of this.inFlight.values())
      if (f.queueId === queueId && f.visibleAt > now) hidden.set(f.messageId, f.visibleAt);
    return hidden;
  }

  /** Receives: counts, hides, and moves to the dead-letter queue what its redrive policy says. */
  private take(queueId: string, max: number, visibilityMs: number) {
    const redrive = this.options.settings?.get(queueId)?.redrive;
    const taken: { record: QueueMessage; ReceiptHandle: string }[] = [];
    for (const { id, record } of this.visible(queueId)) {
      if (taken.length >= max) break;
      if (redrive && record.ReceiveCount >= redrive.maxReceiveCount) {
        this.store(queueId).delete(id);
        const attributes = Object.fromEntries(
          Object.entries(record.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
        );
        this.send(redrive.deadLetterQueue, record.Body, attributes, 0);
        continue;
      }
      record.ReceiveCount++;
      this.store(queueId).put(id, record);
      const ReceiptHandle = randomUUID();
      this.inFlight.set(ReceiptHandle, {
        queueId,
        messageId: record.MessageId,
        receivedAt: Date.now(),
        visibleAt: Date.now() + visibilityMs,
      });
      taken.push({ record, ReceiptHandle });
    }
    return taken;
  }

  private visible(queueId: string): { id: string; record: QueueMessage }[] {
    const now = Date.now();
    const hidden = this.hiddenUntil(queueId);
    return this.store(queueId)
      .all()
      .filter((m) => !hidden.has(m.record.MessageId) && (m.record.VisibleAt ?? 0) <= now);
  }

  /** Every message of every dead-letter queue, described for people (the dead-letters command). */
  deadLetters(): DeadLetterView[] {
    return [...this.names.keys()]
      .filter((queueId) => !this.options.sources?.has(queueId))
      .flatMap((queueId) =>
        this.store(queueId)
          .all()
          .map(({ record }) => {
            const letter = classifyDeadLetter(
              record.Body,
              record.MessageAttributes as MessageAttributes,
              this.sourceOf(queueId),
            );
            let body: unknown = record.Body;
            try {
              body = JSON.parse(record.Body);
            } catch {
              // kept as text
            }
            return {
              queueId,
              queue: this.names.get(queueId) ?? queueId,
              messageId: record.MessageId,
              at: new Date(record.SentTimestamp).toISOString(),
              letter,
              description: describeDeadLetter(letter),
              body,
              attributes: Object.fromEntries(
                Object.entries(record.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
              ),
            };
          }),
      );
  }

  /** The queue whose redrive policy sends what it could not handle here, as its URL. */
  private sourceOf(deadLetterQueue: string): string | undefined {
    for (const [queueId, settings] of this.options.settings ?? [])
      if (settings.redrive?.deadLetterQueue === deadLetterQueue)
        return `${this.endpoint}/${LOCAL_ACCOUNT}/${queueId}`;
    return undefined;
  }

  private queueOf(url: unknown): string {
    const name =
      String(url ?? '')
        .split('/')
        .at(-1) ?? '';
    if (!this.names.has(name))
      throw new SqsError(
        'QueueDoesNotExist',
        'AWS.SimpleQueueService.NonExistentQueue',
        `the queue ${name} does not exist`,
      );
    return name;
  }

  private receive(input: any) {
    const queueId = this.queueOf(input.QueueUrl);
    const max = Math.min(10, Math.max(1, Number(input.MaxNumberOfMessages ?? 1)));
    const timeout = Number(
      input.VisibilityTimeout ?? this.options.settings?.get(queueId)?.visibilityTimeoutSeconds ?? 30,
    );
    return {
      Messages: this.take(queueId, max, timeout * 1000).map(({ record, ReceiptHandle }) => ({
        MessageId: record.MessageId,
        ReceiptHandle,
        MD5OfBody: md5(record.Body),
        Body: record.Body,
        Attributes: {
          SentTimestamp: String(record.SentTimestamp),
          ApproximateReceiveCount: String(record.ReceiveCount),
        },
        ...(record.MessageAttributes
          ? {
              MessageAttributes: record.MessageAttributes,
              MD5OfMessageAttributes: md5OfMessageAttributes(record.MessageAttributes),
            }
          : {}),
      })),
    };
  }

  /** SendMessage's DelaySeconds: 0 to 900 (SQS refuses more). */
  private delayOf(input: { DelaySeconds?: unknown }): number | undefined {
    if (input.DelaySeconds === undefined) return undefined;
    const delay = Number(input.DelaySeconds);
    if (!Number.isInteger(delay) || delay < 0 || delay > 900)
      throw new SqsError(
        'InvalidParameterValue',
        'InvalidParameterValue',
        `DelaySeconds must be an integer from 0 to 900, not ${String(input.DelaySeconds)}`,
      );
    return delay;
  }

  private attributesOf(input: { MessageAttributes?: unknown }): Record<string, string> {
    return Object.fromEntries(
      Object.entries((input.MessageAttributes ?? {}) as Record<string, { StringValue?: string }>).map(
        ([k, v]) => [k, String(v.StringValue ?? '')],
      ),
    );
  }

  private remove(input: any) {
    const queueId = this.queueOf(input.QueueUrl);
    const handle = this.inFlight.get(String(input.ReceiptHandle));
    if (!handle || handle.queueId !== queueId)
      throw new SqsError(
        'ReceiptHandleIsInvalid',
        'ReceiptHandleIsInvalid',
        'the receipt handle is not valid',
      );
    this.inFlight.delete(String(input.ReceiptHandle));
    for (const { id, record } of this.store(queueId).all())
      if (record.MessageId === handle.messageId) this.store(queueId).delete(id);
    return {};
  }

  /**
   * SQS's ChangeMessageVisibility: the message is hidden for `VisibilityTimeout` seconds (0–43,200)
   * from now, not from when it was received; 0 makes it visible at once. The handle must be one
   * this queue gave and the message still in flight, and the total may not pass 12 hours since it
   * was received.
   */
  private changeVisibility(queueId: string, input: { ReceiptHandle?: unknown; VisibilityTimeout?: unknown }) {
    const timeout = input.VisibilityTimeout;
    if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 0 || timeout > MAX_VISIBILITY)
      throw new SqsError(
        'InvalidParameterValue',
        'InvalidParameterValue',
        `VisibilityTimeout must be an integer from 0 to ${MAX_VISIBILITY}, not ${String(timeout)}`,
      );
    const handle = this.inFlight.get(String(input.ReceiptHandle));
    if (!handle || handle.queueId !== queueId)
      throw new SqsError(
        'ReceiptHandleIsInvalid',
        'ReceiptHandleIsInvalid',
        'the receipt handle is not valid',
      );
    const now = Date.now();
    if (handle.visibleAt <= now)
      throw new SqsError(
        'MessageNotInflight',
        'AWS.SimpleQueueService.MessageNotInflight',
        'the message is not in flight: its visibility timeout has ended',
      );
    if (now + timeout * 1000 > handle.receivedAt + MAX_VISIBILITY * 1000)
      throw new SqsError(
        'InvalidParameterValue',
        'InvalidParameterValue',
        'the visibility timeout may not go past 12 hours from when the message was received',
      );
    handle.visibleAt = now + timeout * 1000;
    handle.changed = true;
  }

  /** Up to 10 changes, each answered on its own (Successful or Failed, by the entry's Id). */
  private changeVisibilityBatch(input: any) {
    const queueId = this.queueOf(input.QueueUrl);
    const entries = (Array.isArray(input.Entries) ? input.Entries : []) as {
      Id?: unknown;
      ReceiptHandle?: unknown;
      VisibilityTimeout?: unknown;
    }[];
    if (entries.length === 0)
      throw new SqsError(
        'EmptyBatchRequest',
        'AWS.SimpleQueueService.EmptyBatchRequest',
        'the batch request does not contain any entries',
      );
    if (entries.length > 10)
      throw new SqsError(
        'TooManyEntriesInBatchRequest',
        'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
        `a batch may hold 10 entries, not ${entries.length}`,
      );
    const ids = entries.map((e) => String(e.Id ?? ''));
    const badId = ids.find((id) => !/^[\w-]{1,80}$/.test(id));
    if (badId !== undefined)
      throw new SqsError(
        'InvalidBatchEntryId',
        'AWS.SimpleQueueService.InvalidBatchEntryId',
        `the batch entry id ${badId} is not valid: 1 to 80 letters, digits, hyphens or underscores`,
      );
    if (new Set(ids).size !== ids.length)
      throw new SqsError(
        'BatchEntryIdsNotDistinct',
        'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
        'two or more batch entries have the same id',
      );
    const Successful: { Id: string }[] = [];
    const Failed: { Id: string; SenderFault: boolean; Code: string; Message: string }[] = [];
    entries.forEach((entry, i) => {
      try {
        this.changeVisibility(queueId, entry);
        Successful.push({ Id: ids[i]! });
      } catch (error) {
        if (!(error instanceof SqsError)) throw error;
        Failed.push({ Id: ids[i]!, SenderFault: true, Code: error.code, Message: error.message });
      }
    });
    return { Successful, Failed };
  }

  private operation(target: string, input: any): unknown {
    switch (target) {
      case 'AmazonSQS.GetQueueUrl':
        if (!this.names.has(String(input.QueueName)))
          throw new SqsError(
            'QueueDoesNotExist',
            'AWS.SimpleQueueService.NonExistentQueue',
            `the queue ${input.QueueName} does not exist`,
          );
        return { QueueUrl: `${this.endpoint}/${LOCAL_ACCOUNT}/${input.QueueName}` };
      case 'AmazonSQS.SendMessage': {
        const queueId = this.queueOf(input.QueueUrl);
        const MessageId = this.send(
          queueId,
          String(input.MessageBody),
          this.attributesOf(input),
          this.delayOf(input),
        );
        return { MessageId, MD5OfMessageBody: md5(String(input.MessageBody)) };
      }
      case 'AmazonSQS.SendMessageBatch': {
        const queueId = this.queueOf(input.QueueUrl);
        const entries = (Array.isArray(input.Entries) ? input.Entries : []) as {
          Id?: string;
          MessageBody?: string;
          DelaySeconds?: number;
          MessageAttributes?: unknown;
        }[];
        if (entries.length === 0 || entries.length > 10)
          throw new SqsError(
            entries.length ? 'TooManyEntriesInBatchRequest' : 'EmptyBatchRequest',
            entries.length
              ? 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest'
              : 'AWS.SimpleQueueService.EmptyBatchRequest',
            `a batch holds 1 to 10 entries, not ${entries.length}`,
          );
        const delays = entries.map((e) => this.delayOf(e));
        return {
          Successful: entries.map((e, i) => ({
            Id: String(e.Id),
            MessageId: this.send(queueId, String(e.MessageBody), this.attributesOf(e), delays[i]),
            MD5OfMessageBody: md5(String(e.MessageBody)),
          })),
          Failed: [],
        };
      }
      case 'AmazonSQS.ReceiveMessage':
        return this.receive(input);
      case 'AmazonSQS.DeleteMessage':
        return this.remove(input);
      case 'AmazonSQS.ChangeMessageVisibility': {
        const queueId = this.queueOf(input.QueueUrl);
        this.changeVisibility(queueId, input);
        this.notify(queueId);
        return {};
      }
      case 'AmazonSQS.ChangeMessageVisibilityBatch':
        return this.changeVisibilityBatch(input);
      case 'AmazonSQS.GetQueueAttributes': {
        const queueId = this.queueOf(input.QueueUrl);
        const all = this.store(queueId).all().length;
        const visible = this.visible(queueId).length;
        return {
          Attributes: {
            ApproximateNumberOfMessages: String(visible),
            ApproximateNumberOfMessagesNotVisible: String(all - visible),
          },
        };
      }
      default:
        throw new SqsError(
          'UnsupportedOperation',
          'AWS.SimpleQueueService.UnsupportedOperation',
          `the local SQS does not do ${target}`,
        );
    }
  }

  /** Why IAM refuses this request (SQS words the action in lower case), or undefined. */
  private async refusal(req: IncomingMessage, target: string, input: any): Promise<string | undefined> {
    if (!this.iam) return undefined;
    const caller = this.iam.callerOf(req.headers);
    if (caller.kind === 'anonymous') return 'Access to the resource is denied: the request is not signed';
    const queue = String(
      input.QueueName ??
        String(input.QueueUrl ?? '')
          .split('/')
          .at(-1),
    );
    // SQS authorizes a batch with its single action's permission: there is no
    // sqs:SendMessageBatch, sqs:DeleteMessageBatch or sqs:ChangeMessageVisibilityBatch in IAM
    const action = `sqs:${target.replace(/^AmazonSQS\./, '').replace(/Batch$/, '')}`;
    const denied = await this.iam.authorize(caller, [{ action, resource: queueArn(queue) }]);
    return denied?.message.replaceAll(action, action.toLowerCase());
  }

  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    try {
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      const denied = await this.refusal(req, target, input);
      if (denied) {
        res.writeHead(403, {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-query-error': 'AccessDenied;Sender',
        });
        res.end(
          JSON.stringify({ __type: 'com.amazon.coral.service#AccessDeniedException', message: denied }),
        );
        return;
      }
      // a send is counted per message, in send()
      if (!target.startsWith('AmazonSQS.Send')) this.usage?.sqsRequest(target.replace(/^AmazonSQS\./, ''));
      const output = this.operation(target, input);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(output));
    } catch (error) {
      const e =
        error instanceof SqsError
          ? error
          : new SqsError('InvalidParameterValue', 'InvalidParameterValue', (error as Error).message);
      res.writeHead(400, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-query-error': `${e.queryCode};Sender`,
      });
      res.end(JSON.stringify({ __type: `com.amazonaws.sqs#${e.code}`, message: e.message }));
    }
  };
}
