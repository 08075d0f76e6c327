import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { DurableRecords } from './durable.js';
import type { LocalIam } from './iam.js';
import type { InvocationResult, LambdaFunctionPool } from './lambdas.js';
import type { InvocationLog, Logger } from './log.js';
import { type LocalSqs, queueArn } from './sqs.js';
import type { LocalApp, LocalFunction } from './template.js';

// AWS Lambda's service side, locally: the Invoke API (AWS_ENDPOINT_URL_LAMBDA) and each
// function's asynchronous event queue, with the semantics AWS documents
// (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html):
//   - an asynchronous invocation is accepted into the function's queue (202) and run later;
//   - a function error (thrown, timed out, crashed) is retried MaximumRetryAttempts times
//     (EventInvokeConfig; default 2), one minute before the first retry and two before the
//     second; an event older than MaximumEventAgeInSeconds (default 6 hours) is not run again;
//   - then the invocation record goes to the on-failure destination
//     (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html), or,
//     without one, the event is discarded.
// Throttles are not produced here: a function at its concurrency waits for an environment,
// which is what Lambda's retries of a throttled asynchronous event amount to.
// The queues are files (.local/lambda/async/), so a killed runtime resumes them on restart.
// The waits before retries scale with `timeScale` (1 = AWS's own; tests shrink them); an
// event's age is always real time, since the functions' own run times are.
// Over 300 lines: the Invoke API and the asynchronous queues share each function's state.

export interface AsyncInvokeConfig {
  maxRetries: number;
  maxEventAgeSeconds: number;
  onFailureQueue?: string;
}

export const DEFAULT_ASYNC_CONFIG: AsyncInvokeConfig = { maxRetries: 2, maxEventAgeSeconds: 21_600 };

/** The Invoke API refused: the event was not accepted (a caller's retry policy applies). */
export class InvokeRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface AsyncJob {
  requestId: string;
  functionId: string;
  payload: unknown;
  enqueuedAt: number;
  /** Attempts made so far. */
  attempts: number;
  nextAttemptAt: number;
  trigger: InvocationLog['trigger'];
  what: string;
}

export interface LocalLambdaOptions {
  app: LocalApp;
  pools: Map<string, LambdaFunctionPool>;
  sqs: LocalSqs;
  dir: string;
  log: Logger;
  timeScale: number;
  /** Asked before each Invoke a signed caller makes, and before a destination is sent to. */
  iam?: LocalIam;
}

export class LocalLambda {
  private readonly jobs: DurableRecords<AsyncJob>;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<string>();
  private readonly firstAttempts = new Map<string, (r: InvocationResult) => void>();
  /** Functions whose Invoke API answers 500 (a fault injected for tests of delivery retries). */
  readonly unavailable = new Set<string>();
  private stopped = false;

  constructor(private readonly o: LocalLambdaOptions) {
    this.jobs = new DurableRecords(join(o.dir, 'async'));
  }

  get busy(): boolean {
    return this.timers.size > 0 || this.running.size > 0;
  }

  /** Pending asynchronous events, per function name (for the runtime's status). */
  pending(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { record } of this.jobs.all()) {
      const name = this.o.app.functions.get(record.functionId)?.name ?? record.functionId;
      counts[name] = (counts[name] ?? 0) + 1;
    }
    return counts;
  }

  /** Resumes the queues a previous run left on disk. */
  start(): void {
    for (const { record } of this.jobs.all()) this.schedule(record);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  clear(): void {
    this.jobs.clear();
  }

  /** A function by logical id, name, or ARN (qualified or not), as Invoke's FunctionName. */
  resolve(nameOrArn: string): LocalFunction | undefined {
    const name = decodeURIComponent(nameOrArn)
      .replace(/:(\$LATEST|\d+)$/, '')
      .split(':')
      .at(-1)!;
    return this.o.app.functions.get(name) ?? [...this.o.app.functions.values()].find((f) => f.name === name);
  }

  private pool(functionId: string): LambdaFunctionPool {
    const fn = this.o.app.functions.get(functionId);
    if (!fn) throw new InvokeRefused(404, 'ResourceNotFoundException', `Function not found: ${functionId}`);
    if (this.unavailable.has(fn.name))
      throw new InvokeRefused(
        500,
        'ServiceException',
        `Lambda is unavailable for ${fn.name} (an injected fault)`,
      );
    return this.o.pools.get(functionId)!;
  }

  /** InvocationType RequestResponse: runs now and answers with the outcome. */
  async invokeSync(functionId: string, payload: unknown): Promise<InvocationResult> {
    return this.pool(functionId).invoke(payload);
  }

  /**
   * InvocationType Event: the event is kept in the function's queue (on disk) before this
   * returns, then run. `firstAttempt` settles with the first run's outcome.
   */
  invokeAsync(
    functionId: string,
    payload: unknown,
    label: { trigger: InvocationLog['trigger']; what: string },
  ): { requestId: string; firstAttempt: Promise<InvocationResult> } {
    this.pool(functionId);
    const now = Date.now();
    const job: AsyncJob = {
      requestId: randomUUID(),
      functionId,
      payload,
      enqueuedAt: now,
      attempts: 0,
      nextAttemptAt: now,
      ...label,
    };
    this.jobs.put(this.jobId(job), job);
    const firstAttempt = new Promise<InvocationResult>((resolve) =>
      this.firstAttempts.set(job.requestId, resolve),
    );
    this.schedule(job);
    return { requestId: job.requestId, firstAttempt };
  }

  private jobId(job: AsyncJob): string {
    return `${String(job.enqueuedAt).padStart(15, '0')}-${job.requestId}`;
  }

  private config(functionId: string): AsyncInvokeConfig {
    return this.o.app.asyncConfigs.get(functionId) ?? DEFAULT_ASYNC_CONFIG;
  }

  private schedule(job: AsyncJob): void {
    if (this.stopped) return;
    const id = this.jobId(job);
    const timer = setTimeout(
      () => {
        this.timers.delete(id);
        void this.attempt(job);
      },
      Math.max(0, job.nextAttemptAt - Date.now()),
    );
    this.timers.set(id, timer);
  }

  private async attempt(job: AsyncJob): Promise<void> {
    const id = this.jobId(job);
    const config = this.config(job.functionId);
    const fn = this.o.app.functions.get(job.functionId)!;
    if (Date.now() - job.enqueuedAt > config.maxEventAgeSeconds * 1000) {
      await this.fail(job, 'EventAgeExceeded', undefined);
      return;
    }
    const pool = this.o.pools.get(job.functionId);
    if (!pool) return;
    this.running.add(id);
    let outcome: InvocationResult;
    try {
      outcome = await pool.invoke(job.payload);
    } finally {
      this.running.delete(id);
    }
    job.attempts++;
    this.o.log.invocation({
      function: fn.name,
      trigger: job.trigger,
      what: `${job.what}${job.attempts > 1 ? ` (retry ${job.attempts - 1})` : ''}`,
      outcome: outcome.ok ? 'ok' : `${outcome.error?.errorType}: ${outcome.error?.errorMessage}`,
      failed: !outcome.ok,
      result: outcome,
    });
    this.firstAttempts.get(job.requestId)?.(outcome);
    this.firstAttempts.delete(job.requestId);
    if (outcome.ok) {
      this.jobs.delete(id);
      return;
    }
    if (job.attempts > config.maxRetries) {
      await this.fail(job, 'RetriesExhausted', outcome);
      return;
    }
    // Lambda waits one minute before the first retry and two before the second
    job.nextAttemptAt = Date.now() + 60_000 * job.attempts * this.o.timeScale;
    this.jobs.put(id, job);
    this.schedule(job);
  }

  private async fail(
    job: AsyncJob,
    condition: 'RetriesExhausted' | 'EventAgeExceeded',
    outcome: InvocationResult | undefined,
  ): Promise<void> {
    const config = this.config(job.functionId);
    const fn = this.o.app.functions.get(job.functionId)!;
    // Lambda sends the record with the function's own role (sqs:SendMessage on the queue)
    const denied =
      config.onFailureQueue && this.o.iam
        ? await this.o.iam.authorize(this.o.iam.roleCaller(fn.roleId, fn.logicalId), [
            { action: 'sqs:SendMessage', resource: queueArn(config.onFailureQueue) },
          ])
        : undefined;
    if (denied) {
      this.o.log.info(
        `${fn.name}: ${job.what} failed ${job.attempts} time(s) (${condition}) and its record could not be sent to ${config.onFailureQueue}: ${denied.message}`,
      );
    } else if (config.onFailureQueue) {
      const record = {
        version: '1.0',
        timestamp: new Date().toISOString(),
        requestContext: {
          requestId: job.requestId,
          functionArn: `${fn.arn}:$LATEST`,
          condition,
          approximateInvokeCount: job.attempts,
        },
        requestPayload: job.payload,
        ...(outcome
          ? {
              responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
              responsePayload: {
                errorType: outcome.error?.errorType ?? 'Error',
                errorMessage: outcome.error?.errorMessage ?? '',
                trace: outcome.error?.stack?.split('\n') ?? [],
              },
            }
          : {}),
      };
      this.o.sqs.send(config.onFailureQueue, JSON.stringify(record));
      this.o.log.info(
        `${fn.name}: ${job.what} failed ${job.attempts} time(s) (${condition}); its record is in ${config.onFailureQueue}`,
      );
    } else {
      this.o.log.info(
        `${fn.name}: ${job.what} failed ${job.attempts} time(s) (${condition}) and was discarded: no on-failure destination, as in AWS`,
      );
    }
    this.jobs.delete(this.jobId(job));
  }

  /** The Invoke API: POST /2015-03-31/functions/{FunctionName}/invocations. */
  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(
      new URL(req.url ?? '/', 'http://x').pathname,
    );
    if (req.method !== 'POST' || !match) {
      reply(
        404,
        { Type: 'User', message: `the local Lambda speaks Invoke only, not ${req.method} ${req.url}` },
        { 'x-amzn-errortype': 'UnknownOperationException' },
      );
      return;
    }
    const iam = this.o.iam;
    const caller = iam?.callerOf(req.headers);
    if (caller?.kind === 'anonymous') {
      reply(
        403,
        { message: 'Missing Authentication Token' },
        { 'x-amzn-errortype': 'MissingAuthenticationTokenException' },
      );
      return;
    }
    const fn = this.resolve(match[1]!);
    const qualifier = /:(\$LATEST|\d+)$/.exec(decodeURIComponent(match[1]!))?.[0] ?? '';
    const denied =
      iam && caller && fn
        ? await iam.authorize(caller, [
            { action: 'lambda:InvokeFunction', resource: `${fn.arn}${qualifier}` },
          ])
        : undefined;
    if (denied) {
      reply(403, { Type: 'User', message: denied.message }, { 'x-amzn-errortype': 'AccessDeniedException' });
      return;
    }
    if (!fn) {
      reply(
        404,
        { Type: 'User', message: `Function not found: ${decodeURIComponent(match[1]!)}` },
        { 'x-amzn-errortype': 'ResourceNotFoundException' },
      );
      return;
    }
    const text = Buffer.concat(chunks).toString('utf8');
    let payload: unknown = {};
    try {
      payload = text ? JSON.parse(text) : {};
    } catch {
      reply(
        400,
        { Type: 'User', message: 'Could not parse request body into json' },
        { 'x-amzn-errortype': 'InvalidRequestContentException' },
      );
      return;
    }
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    try {
      if (type === 'DryRun') {
        this.pool(fn.logicalId);
        reply(204, undefined);
      } else if (type === 'Event') {
        this.invokeAsync(fn.logicalId, payload, { trigger: 'event', what: 'Invoke (Event)' });
        reply(202, undefined);
      } else {
        const outcome = await this.invokeSync(fn.logicalId, payload);
        if (outcome.ok) reply(200, outcome.result, { 'x-amz-executed-version': '$LATEST' });
        else
          reply(
            200,
            {
              errorType: outcome.error?.errorType,
              errorMessage: outcome.error?.errorMessage,
              trace: outcome.error?.stack?.split('\n') ?? [],
            },
            { 'x-amz-executed-version': '$LATEST', 'x-amz-function-error': 'Unhandled' },
          );
      }
    } catch (error) {
      if (!(error instanceof InvokeRefused)) throw error;
      reply(error.status, { Type: 'Service', message: error.message }, { 'x-amzn-errortype': error.code });
    }
  };
}
