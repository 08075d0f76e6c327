import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DurableRecords } from './durable.js';
import type { LocalIam } from './iam.js';
import { InvokeRefused, type LocalLambda } from './lambda-service.js';
import type { InvocationResult } from './lambdas.js';
import type { Logger } from './log.js';
import { type NextFire, parseScheduleExpression } from './schedule-expression.js';
import { scheduleAccess } from './service-roles.js';
import type { LocalSqs } from './sqs.js';
import type { LocalSchedule } from './template.js';

// EventBridge Scheduler, locally: each schedule of the template fires at its rate or cron in its
// time zone and invokes its function asynchronously with the target's input (the scheduled time
// filled in). As in AWS (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets.html,
// .../configuring-schedule-dlq.html), the schedule's retry policy covers the *invocation* (Lambda
// refused it); the function's own errors are Lambda's to retry (lambda-service.ts). An
// invocation that still fails after its retries goes to the schedule's dead-letter queue with
// Scheduler's attributes. Pending retries are kept in .local/scheduler/pending/.
// `fire` runs one now, as of any instant, and waits for the function's first attempt: that is how
// `npm run fire -- <schedule> --at <instant>` replays a sweep for a chosen moment.

export interface FireResult {
  schedule: string;
  scheduledTime: string;
  ok: boolean;
  result?: unknown;
  error?: string;
}

interface PendingInvocation {
  scheduleId: string;
  input: string;
  executionId: string;
  attempts: number;
  firstAt: number;
  nextAt: number;
}

export class LocalScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly next = new Map<string, NextFire>();
  private readonly pending: DurableRecords<PendingInvocation>;

  constructor(
    private readonly schedules: LocalSchedule[],
    private readonly lambda: LocalLambda,
    private readonly sqs: LocalSqs,
    private readonly log: Logger,
    dir: string,
    private readonly timeScale: number,
    /** Decides what each schedule's role may do (decisions prepared at start: service-roles.ts). */
    private readonly iam?: LocalIam,
  ) {
    this.pending = new DurableRecords(join(dir, 'pending'));
    for (const s of schedules) this.next.set(s.logicalId, parseScheduleExpression(s.expression, s.timezone));
  }

  get busy(): boolean {
    return [...this.timers.keys()].some((k) => k.startsWith('retry:'));
  }

  /** Arms every enabled schedule and resumes the retries an earlier run left. */
  start(fireOnSchedule = true): void {
    if (fireOnSchedule) for (const s of this.schedules) if (s.enabled) this.arm(s, new Date());
    for (const { id, record } of this.pending.all()) this.retryLater(id, record);
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  clear(): void {
    this.pending.clear();
  }

  private arm(s: LocalSchedule, after: Date): void {
    const when = this.next.get(s.logicalId)!(after);
    if (!when) return;
    const timer = setTimeout(
      () => {
        void this.invoke(s, when);
        this.arm(s, when);
      },
      Math.max(0, when.getTime() - Date.now()),
    );
    timer.unref();
    this.timers.set(s.logicalId, timer);
  }

  find(name: string): LocalSchedule | undefined {
    const wanted = name.toLowerCase();
    return (
      this.schedules.find((s) => s.name.toLowerCase() === wanted || s.logicalId.toLowerCase() === wanted) ??
      this.schedules.find((s) => s.name.toLowerCase().endsWith(wanted))
    );
  }

  names(): string[] {
    return this.schedules.map((s) => s.name);
  }

  async fire(name: string, at = new Date()): Promise<FireResult> {
    const schedule = this.find(name);
    if (!schedule)
      throw new Error(`no schedule ${name}; the template has ${this.names().join(', ') || 'none'}`);
    return this.invoke(schedule, at);
  }

  private inputFor(s: LocalSchedule, time: string, executionId: string, attempt: number): string {
    return (s.input ?? '{}')
      .replaceAll('<aws.scheduler.scheduled-time>', time)
      .replaceAll('<aws.scheduler.execution-id>', executionId)
      .replaceAll('<aws.scheduler.attempt-number>', String(attempt))
      .replaceAll('<aws.scheduler.schedule-arn>', s.arn);
  }

  private async invoke(s: LocalSchedule, scheduledTime: Date): Promise<FireResult> {
    const time = scheduledTime.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const executionId = randomUUID();
    const invocation: PendingInvocation = {
      scheduleId: s.logicalId,
      input: this.inputFor(s, time, executionId, 1),
      executionId,
      attempts: 0,
      firstAt: Date.now(),
      nextAt: Date.now(),
    };
    const outcome = this.attempt(
      `${String(invocation.firstAt).padStart(15, '0')}-${executionId}`,
      invocation,
    );
    if (outcome instanceof InvokeRefused)
      return { schedule: s.name, scheduledTime: time, ok: false, error: `not invoked: ${outcome.message}` };
    const first = await outcome.firstAttempt;
    return first.ok
      ? { schedule: s.name, scheduledTime: time, ok: true, result: first.result }
      : { schedule: s.name, scheduledTime: time, ok: false, error: first.error?.errorMessage ?? 'failed' };
  }

  /** Asks Lambda to run the target; on a refusal, retries later as the schedule's policy says. */
  private attempt(
    id: string,
    p: PendingInvocation,
  ): { firstAttempt: Promise<InvocationResult> } | InvokeRefused {
    const s = this.schedules.find((x) => x.logicalId === p.scheduleId);
    if (!s) {
      this.pending.delete(id);
      return new InvokeRefused(404, 'ResourceNotFoundException', 'the schedule is gone');
    }
    p.attempts++;
    const [invoke, deadLetter] = this.iam ? scheduleAccess(this.iam, s) : [];
    try {
      // Scheduler invokes the target with the schedule's role
      const denied = invoke && this.iam!.decided(...invoke);
      if (denied) throw new InvokeRefused(403, 'AccessDeniedException', denied.message);
      const { firstAttempt } = this.lambda.invokeAsync(s.functionId, JSON.parse(p.input), {
        trigger: 'schedule',
        what: `${s.name} as of ${String(JSON.parse(p.input).time ?? '')}`,
      });
      this.pending.delete(id);
      return { firstAttempt };
    } catch (error) {
      if (!(error instanceof InvokeRefused)) throw error;
      const aged = Date.now() - p.firstAt > s.maxEventAgeSeconds * 1000;
      if (p.attempts > s.maxRetries || aged || error.status === 404) {
        this.log.info(`schedule ${s.name}: not invoked (${error.code}: ${error.message})`);
        const undeliverable = deadLetter && this.iam!.decided(...deadLetter);
        if (undeliverable)
          this.log.info(`schedule ${s.name}: its dead letter could not be sent: ${undeliverable.message}`);
        else if (s.deadLetterQueue)
          this.sqs.send(s.deadLetterQueue, p.input, {
            SCHEDULE_ARN: s.arn,
            TARGET_ARN: s.targetArn,
            EXECUTION_ID: p.executionId,
            ERROR_CODE: error.code,
            ERROR_MESSAGE: error.message,
          });
        this.pending.delete(id);
      } else {
        // Scheduler backs off exponentially; it publishes no base: one second, doubling, at most a minute
        p.nextAt = Date.now() + Math.min(60_000, 1000 * 2 ** (p.attempts - 1)) * this.timeScale;
        this.pending.put(id, p);
        this.retryLater(id, p);
      }
      return error;
    }
  }

  private retryLater(id: string, p: PendingInvocation): void {
    const key = `retry:${id}`;
    const timer = setTimeout(
      () => {
        this.timers.delete(key);
        this.attempt(id, p);
      },
      Math.max(0, p.nextAt - Date.now()),
    );
    this.timers.set(key, timer);
  }
}
