import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { appendLine, DurableRecords, readJsonLines } from './durable.js';
import { matches, validatePattern } from './event-pattern.js';
import type { LocalIam } from './iam.js';
import { InvokeRefused, type LocalLambda } from './lambda-service.js';
import type { Logger } from './log.js';
import type { LocalSqs } from './sqs.js';
import {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  type LocalApp,
  type LocalRule,
  type LocalRuleTarget,
} from './template.js';

// EventBridge, locally: an endpoint that speaks PutEvents (the SDK reaches it through
// AWS_ENDPOINT_URL_EVENTBRIDGE), the template's rules matched with EventBridge's pattern
// language, the archive, and delivery to each matched target with EventBridge's semantics
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html,
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html):
//   - a Lambda target is delivered once Lambda's Invoke API accepts the event (asynchronously);
//     what the function then does is Lambda's business (its retries, its destination);
//   - the target's RetryPolicy covers only failed deliveries (the Invoke API refused, an API
//     destination answered 401, 407, 409, 429 or 5xx, or could not be reached), with
//     exponential backoff, up to MaximumRetryAttempts or MaximumEventAgeInSeconds;
//   - then the event goes to the target's dead-letter queue with EventBridge's attributes.
// StartReplay sends an archive's events of a window back to the rules it names (FilterArns), each
// event carrying `replay-name`, as EventBridge does (at once here, where EventBridge goes a minute
// of events at a time); replayed events are not archived again.
// An accepted event's deliveries are written to .local/bus/pending/ before PutEvents answers,
// so a killed runtime delivers them on restart: EventBridge does not lose an acknowledged event.
// Every event put on the bus is kept (.local/bus/events.jsonl) for `npm run events` and tests.
// Over 300 lines: PutEvents, the archive, replays and target delivery with its retries share the bus's state.

export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
  /** Local bookkeeping, not part of the event: its bus and the rules it matched. */
  local: { bus: string; matchedRules: string[]; archived: boolean; receivedAt: string };
}

/** An event as rules see it (a replayed one carries `replay-name`). */
type WireEvent = Omit<BusEvent, 'local'> & { 'replay-name'?: string };

interface PendingDelivery {
  eventId: string;
  ruleId: string;
  targetIndex: number;
  event: WireEvent;
  /** Delivery attempts made so far. */
  attempts: number;
  firstAt: number;
  nextAt: number;
}

interface StartReplayInput {
  ReplayName?: string;
  EventSourceArn?: string;
  EventStartTime?: number | string;
  EventEndTime?: number | string;
  Destination?: { Arn?: string; FilterArns?: string[] };
}

interface PutEventsEntry {
  EventBusName?: string;
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Time?: number | string;
  Resources?: string[];
}

export interface LocalBusOptions {
  app: LocalApp;
  lambda: LocalLambda;
  sqs: LocalSqs;
  dir: string;
  log: Logger;
  /** Scales EventBridge's delays (1 = real time; tests shrink it). */
  timeScale: number;
  /** Asked before each PutEvents a signed caller makes (infra/local/iam.ts); none: all allowed. */
  iam?: LocalIam;
}

// EventBridge backs off exponentially with jitter; it does not publish the base: one second,
// doubling, at most a minute between attempts.
const FIRST_RETRY_MS = 1000;
const LONGEST_WAIT_MS = 60_000;
const RETRIED_HTTP = new Set([401, 407, 409, 429]);

export class LocalEventBus {
  readonly events: BusEvent[] = [];
  private readonly listeners = new Set<(e: BusEvent) => void>();
  private readonly pending: DurableRecords<PendingDelivery>;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** The names of the replays started (StartReplay refuses a name twice). */
  private readonly replays = new Set<string>();
  private inFlight = 0;
  private stopped = false;

  constructor(private readonly options: LocalBusOptions) {
    for (const rule of options.app.rules) validatePattern(rule.pattern);
    this.pending = new DurableRecords(join(options.dir, 'pending'));
  }

  get busy(): boolean {
    return this.inFlight > 0 || this.timers.size > 0;
  }

  /** Reads the events of earlier runs and delivers what they left undelivered. */
  start(): void {
    this.events.push(...readJsonLines<BusEvent>(join(this.options.dir, 'events.jsonl')));
    for (const { name } of readJsonLines<{ name: string }>(join(this.options.dir, 'replays.jsonl')))
      this.replays.add(name);
    for (const { id, record } of this.pending.all()) this.schedule(id, record);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Forgets every event and pending delivery (a runtime started --in-memory keeps no data). */
  clear(): void {
    this.pending.clear();
    rmSync(join(this.options.dir, 'events.jsonl'), { force: true });
    rmSync(join(this.options.dir, 'replays.jsonl'), { force: true });
  }

  subscribe(listener: (e: BusEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The PutEvents endpoint's request handler (AWS JSON 1.1 protocol). */
  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const target = String(req.headers['x-amz-target'] ?? '');
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      if (target === 'AWSEvents.StartReplay') {
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as StartReplayInput;
        const answer = await this.startReplay(req, input);
        reply(answer.status, answer.body);
        return;
      }
      if (target !== 'AWSEvents.PutEvents') {
        reply(400, {
          __type: 'UnknownOperationException',
          message: `the local bus speaks PutEvents and StartReplay only, not ${target}`,
        });
        return;
      }
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
        Entries?: PutEventsEntry[];
      };
      const iam = this.options.iam;
      if (iam) {
        // IAM decides for the whole call: each entry's bus, source and detail-type
        const caller = iam.callerOf(req.headers);
        if (caller.kind === 'anonymous')
          return reply(400, {
            __type: 'MissingAuthenticationTokenException',
            message: 'Request is missing Authentication Token',
          });
        const denied = await iam.authorize(
          caller,
          (input.Entries ?? []).map((entry) => ({
            action: 'events:PutEvents',
            resource: `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/${this.busName(entry.EventBusName)}`,
            context: {
              ...(entry.Source ? { 'events:source': entry.Source } : {}),
              ...(entry.DetailType ? { 'events:detail-type': entry.DetailType } : {}),
            },
          })),
        );
        if (denied) return reply(400, { __type: 'AccessDeniedException', message: denied.message });
      }
      reply(200, this.putEvents(input.Entries ?? []));
    }
  };

  putEvents(entries: PutEventsEntry[]): {
    FailedEntryCount: number;
    Entries: ({ EventId: string } | { ErrorCode: string; ErrorMessage: string })[];
  } {
    let failed = 0;
    const results = entries.map((entry) => {
      const error = this.validate(entry);
      if (error) {
        failed++;
        return { ErrorCode: 'MalformedDetail', ErrorMessage: error };
      }
      return { EventId: this.accept(entry).id };
    });
    return { FailedEntryCount: failed, Entries: results };
  }

  private validate(entry: PutEventsEntry): string | undefined {
    if (!entry.Source || !entry.DetailType || !entry.Detail)
      return 'Source, DetailType and Detail are required';
    try {
      const detail = JSON.parse(entry.Detail);
      if (detail === null || typeof detail !== 'object' || Array.isArray(detail))
        return 'Detail must be a JSON object';
    } catch {
      return 'Detail is not valid JSON';
    }
    const bus = this.busName(entry.EventBusName);
    if (!this.options.app.buses.includes(bus) && bus !== 'default') return `event bus ${bus} does not exist`;
    return undefined;
  }

  private busName(name: string | undefined): string {
    if (!name) return 'default';
    return name.startsWith('arn:') ? name.split('/').at(-1)! : name;
  }

  private accept(entry: PutEventsEntry): BusEvent {
    const time =
      entry.Time === undefined
        ? new Date()
        : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time);
    const bus = this.busName(entry.EventBusName);
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType!,
      source: entry.Source!,
      account: LOCAL_ACCOUNT,
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: LOCAL_REGION,
      resources: entry.Resources ?? [],
      detail: JSON.parse(entry.Detail!),
      local: { bus, matchedRules: [], archived: false, receivedAt: new Date().toISOString() },
    };
    const { local, ...wire } = event;
    const rules = this.options.app.rules.filter(
      (r) => r.enabled && r.busName === bus && matches(r.pattern, wire),
    );
    local.matchedRules = rules.map((r) => r.logicalId);
    local.archived = this.options.app.archives.some((a) => a.busName === bus && matches(a.pattern, wire));
    // the deliveries are on disk before PutEvents answers: an acknowledged event is not lost
    const deliveries = this.pendingDeliveries(rules, wire);
    this.events.push(event);
    appendLine(join(this.options.dir, 'events.jsonl'), JSON.stringify(event));
    for (const listener of this.listeners) listener(event);
    for (const { id, delivery } of deliveries) this.schedule(id, delivery);
    return event;
  }

  /** Each target of each rule gets the event: kept on disk before anyone is told it was accepted. */
  private pendingDeliveries(
    rules: LocalRule[],
    wire: WireEvent,
  ): { id: string; delivery: PendingDelivery }[] {
    const now = Date.now();
    return rules.flatMap((rule) =>
      rule.targets.map((_, targetIndex) => {
        const delivery: PendingDelivery = {
          eventId: wire.id,
          ruleId: rule.logicalId,
          targetIndex,
          event: wire,
          attempts: 0,
          firstAt: now,
          nextAt: now,
        };
        const id = `${String(now).padStart(15, '0')}-${wire.id}-${rule.logicalId}-${targetIndex}`;
        this.pending.put(id, delivery);
        return { id, delivery };
      }),
    );
  }

  /**
   * StartReplay (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html):
   * the archive's events whose time is in [EventStartTime, EventEndTime), to the rules of
   * Destination.FilterArns (every rule of the bus without them), each with `replay-name`.
   */
  private async startReplay(
    req: IncomingMessage,
    input: StartReplayInput,
  ): Promise<{ status: number; body: unknown }> {
    const refuse = (type: string, message: string) => ({ status: 400, body: { __type: type, message } });
    const name = String(input.ReplayName ?? '');
    const archive = this.options.app.archives.find((a) => a.arn === input.EventSourceArn);
    const busArn = String(input.Destination?.Arn ?? '');
    const iam = this.options.iam;
    if (iam) {
      const caller = iam.callerOf(req.headers);
      if (caller.kind === 'anonymous')
        return refuse('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
      const denied = await iam.authorize(caller, [
        { action: 'events:StartReplay', resource: String(input.EventSourceArn ?? '') },
        { action: 'events:StartReplay', resource: busArn },
        {
          action: 'events:StartReplay',
          resource: `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:replay/${name}`,
        },
      ]);
      if (denied) return refuse('AccessDeniedException', denied.message);
    }
    if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(name))
      return refuse(
        'ValidationException',
        'ReplayName must be 1-64 letters, digits, dots, hyphens or underscores',
      );
    if (!archive)
      return refuse('ResourceNotFoundException', `Archive ${input.EventSourceArn} does not exist.`);
    if (this.replays.has(name))
      return refuse('ResourceAlreadyExistsException', `Replay ${name} already exists.`);
    const from = new Date(Number(input.EventStartTime) * 1000 || String(input.EventStartTime));
    const to = new Date(Number(input.EventEndTime) * 1000 || String(input.EventEndTime));
    if (!(from < to)) return refuse('ValidationException', 'EventStartTime must be before EventEndTime');
    if (busArn.split('/').at(-1) !== archive.busName)
      return refuse('ValidationException', 'Destination must be the event bus the archive belongs to');
    const filter = input.Destination?.FilterArns ?? [];
    const rules = this.options.app.rules.filter(
      (r) => r.enabled && r.busName === archive.busName && (filter.length === 0 || filter.includes(r.arn)),
    );
    if (filter.length > rules.length)
      return refuse('ValidationException', 'FilterArns must name rules of the destination bus');
    this.replays.add(name);
    appendLine(
      join(this.options.dir, 'replays.jsonl'),
      JSON.stringify({ name, at: new Date().toISOString() }),
    );
    const replayed = this.events.filter(
      (e) =>
        e.local.bus === archive.busName &&
        e.local.archived &&
        Date.parse(e.time) >= from.getTime() &&
        Date.parse(e.time) < to.getTime(),
    );
    for (const event of replayed) {
      const { local: _local, ...original } = event;
      const wire: WireEvent = { ...original, id: randomUUID(), 'replay-name': name };
      for (const { id, delivery } of this.pendingDeliveries(
        rules.filter((r) => matches(r.pattern, wire)),
        wire,
      ))
        this.schedule(id, delivery);
    }
    this.options.log.info(
      `replay ${name}: ${replayed.length} archived event(s) sent again to ${rules.map((r) => r.logicalId).join(', ')}`,
    );
    return {
      status: 200,
      body: {
        ReplayArn: `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:replay/${name}`,
        State: 'STARTING',
        ReplayStartTime: Date.now() / 1000,
      },
    };
  }

  private schedule(id: string, delivery: PendingDelivery): void {
    if (this.stopped) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(id);
        void this.deliver(id, delivery);
      },
      Math.max(0, delivery.nextAt - Date.now()),
    );
    this.timers.set(id, timer);
  }

  /** One delivery attempt; a failed one is retried as the target's policy says, then dead-lettered. */
  private async deliver(id: string, delivery: PendingDelivery): Promise<void> {
    const rule = this.options.app.rules.find((r) => r.logicalId === delivery.ruleId);
    const target = rule?.targets[delivery.targetIndex];
    if (!rule || !target) {
      this.pending.delete(id);
      return;
    }
    this.inFlight++;
    let failure: { code: string; message: string; retriable: boolean } | undefined;
    try {
      failure = await this.attempt(rule, target, delivery.event);
    } finally {
      this.inFlight--;
    }
    delivery.attempts++;
    if (!failure) {
      this.pending.delete(id);
      return;
    }
    const what = `${delivery.event['detail-type']} → ${rule.logicalId}`;
    const scale = this.options.timeScale;
    const aged = Date.now() - delivery.firstAt > target.maxEventAgeSeconds * 1000;
    const retriesSpent = delivery.attempts > target.maxRetries;
    if (!failure.retriable || aged || retriesSpent) {
      this.options.log.info(`${what}: not delivered (${failure.code}: ${failure.message})`);
      if (target.deadLetterQueue) {
        this.options.sqs.send(target.deadLetterQueue, JSON.stringify(delivery.event), {
          RULE_ARN: rule.arn,
          TARGET_ARN: target.arn,
          ERROR_CODE: failure.code,
          ERROR_MESSAGE: failure.message,
          EXHAUSTED_RETRY_CONDITION: !failure.retriable
            ? 'NotRetriable'
            : aged
              ? 'MaximumEventAgeInSeconds'
              : 'MaximumRetryAttempts',
          RETRY_ATTEMPTS: String(delivery.attempts - 1),
        });
      }
      this.pending.delete(id);
      return;
    }
    const wait = Math.min(LONGEST_WAIT_MS, FIRST_RETRY_MS * 2 ** (delivery.attempts - 1));
    delivery.nextAt = Date.now() + (wait / 2 + Math.random() * (wait / 2)) * scale;
    this.pending.put(id, delivery);
    this.schedule(id, delivery);
  }

  private async attempt(
    rule: LocalRule,
    target: LocalRuleTarget,
    event: WireEvent,
  ): Promise<{ code: string; message: string; retriable: boolean } | undefined> {
    if (target.kind === 'remote-bus') {
      this.options.log.info(
        `${event['detail-type']} would go to ${target.endpoint} (another account: not reachable locally)`,
      );
      return undefined;
    }
    const payload = target.input ?? (target.inputPath ? pick(event, target.inputPath) : event);
    if (target.kind === 'queue') {
      // EventBridge sends the event to the queue as the message body
      this.options.sqs.send(target.queueId!, JSON.stringify(payload));
      return undefined;
    }
    if (target.kind === 'http') {
      try {
        const res = await fetch(target.endpoint!, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        });
        this.options.log.info(`${event['detail-type']} → ${target.endpoint}: HTTP ${res.status}`);
        if (res.status < 300) return undefined;
        return {
          code: `HTTP_${res.status}`,
          message: `the API destination answered ${res.status}`,
          retriable: res.status >= 500 || RETRIED_HTTP.has(res.status),
        };
      } catch (error) {
        return { code: 'NETWORK_ERROR', message: (error as Error).message, retriable: true };
      }
    }
    try {
      this.options.lambda.invokeAsync(target.functionId, payload, {
        trigger: 'event',
        what: `${event['detail-type']} (${rule.logicalId})`,
      });
      return undefined;
    } catch (error) {
      if (!(error instanceof InvokeRefused)) throw error;
      // a function that does not exist is not retried by EventBridge; a refusal of Lambda's is
      return { code: error.code, message: error.message, retriable: error.status !== 404 };
    }
  }
}

function pick(event: unknown, path: string): unknown {
  return path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)
    .reduce<unknown>(
      (v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined),
      event,
    );
}
