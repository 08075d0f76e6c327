import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { matches, validatePattern } from './event-pattern.js';
import type { LambdaFunctionPool } from './lambdas.js';
import type { Logger } from './log.js';
import type { LocalQueues } from './queues.js';
import {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  type LocalApp,
  type LocalRule,
  type LocalRuleTarget,
} from './template.js';

// EventBridge, locally: an endpoint that speaks PutEvents (the SDK reaches it through
// AWS_ENDPOINT_URL_EVENTBRIDGE), the template's rules matched with EventBridge's pattern
// language, targets invoked asynchronously with the rule's retry policy and dead-letter queue,
// and the archive. Every event put on the bus is kept for `npm run events` and the tests.

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
  pools: Map<string, LambdaFunctionPool>;
  queues: LocalQueues;
  dir: string;
  log: Logger;
  /** Scales the retry backoff (1 in real time; tests may shrink it). */
  retryDelayMs?: number;
}

export class LocalEventBus {
  readonly events: BusEvent[] = [];
  private readonly listeners = new Set<(e: BusEvent) => void>();
  private inFlight = 0;

  constructor(private readonly options: LocalBusOptions) {
    for (const rule of options.app.rules) validatePattern(rule.pattern);
    mkdirSync(options.dir, { recursive: true });
  }

  get busy(): boolean {
    return this.inFlight > 0;
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
      if (target !== 'AWSEvents.PutEvents') {
        reply(400, {
          __type: 'UnknownOperationException',
          message: `the local bus speaks PutEvents only, not ${target}`,
        });
        return;
      }
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
        Entries?: PutEventsEntry[];
      };
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
    this.events.push(event);
    appendFileSync(join(this.options.dir, 'events.jsonl'), `${JSON.stringify(event)}\n`);
    for (const listener of this.listeners) listener(event);
    for (const rule of rules) for (const target of rule.targets) void this.deliver(rule, target, wire);
    return event;
  }

  /** An API destination: POST the event, with the target's retries, then its dead-letter queue. */
  private async post(
    rule: LocalRule,
    target: LocalRuleTarget,
    event: Omit<BusEvent, 'local'>,
  ): Promise<void> {
    this.inFlight++;
    try {
      for (let attempt = 0; ; attempt++) {
        let error: string | undefined;
        try {
          const res = await fetch(target.endpoint!, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(event),
          });
          if (res.status >= 500 || res.status === 429) error = `HTTP ${res.status}`;
        } catch (e) {
          error = (e as Error).message;
        }
        this.options.log.info(`${event['detail-type']} → ${target.endpoint}: ${error ?? 'delivered'}`);
        if (!error) return;
        if (attempt >= target.maxRetries) {
          if (target.deadLetterQueue)
            this.options.queues.send(target.deadLetterQueue, `rule ${rule.logicalId}`, error, event);
          return;
        }
        await new Promise((r) =>
          setTimeout(r, Math.min(60_000, (this.options.retryDelayMs ?? 1000) * 2 ** attempt)),
        );
      }
    } finally {
      this.inFlight--;
    }
  }

  /** Asynchronous delivery with the target's retry policy, then its dead-letter queue. */
  private async deliver(
    rule: LocalRule,
    target: LocalRuleTarget,
    event: Omit<BusEvent, 'local'>,
  ): Promise<void> {
    if (target.kind === 'remote-bus') {
      this.options.log.info(
        `${event['detail-type']} would go to ${target.endpoint} (another account: not reachable locally)`,
      );
      return;
    }
    if (target.kind === 'http') return this.post(rule, target, event);
    this.inFlight++;
    try {
      const pool = this.options.pools.get(target.functionId)!;
      const payload = target.input ?? (target.inputPath ? pick(event, target.inputPath) : event);
      const deadline = Date.now() + target.maxEventAgeSeconds * 1000;
      const baseDelay = this.options.retryDelayMs ?? 1000;
      for (let attempt = 0; ; attempt++) {
        const outcome = await pool.invoke(payload);
        this.options.log.invocation({
          function: pool.fn.name,
          trigger: 'event',
          what: `${event['detail-type']} (${rule.logicalId}${attempt ? `, retry ${attempt}` : ''})`,
          outcome: outcome.ok ? 'ok' : `${outcome.error?.errorType}: ${outcome.error?.errorMessage}`,
          failed: !outcome.ok,
          result: outcome,
        });
        if (outcome.ok) return;
        if (attempt >= target.maxRetries || Date.now() > deadline) {
          if (target.deadLetterQueue) {
            this.options.queues.send(
              target.deadLetterQueue,
              `rule ${rule.logicalId}`,
              outcome.error?.errorMessage ?? 'failed',
              event,
            );
          }
          return;
        }
        await new Promise((r) => setTimeout(r, Math.min(60_000, baseDelay * 2 ** attempt)));
      }
    } finally {
      this.inFlight--;
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
