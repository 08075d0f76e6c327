import { randomUUID } from 'node:crypto';
import type { LambdaFunctionPool } from './lambdas.js';
import type { Logger } from './log.js';
import type { LocalQueues } from './queues.js';
import { type NextFire, parseScheduleExpression } from './schedule-expression.js';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalSchedule } from './template.js';

// EventBridge Scheduler, locally: each schedule of the template fires its function at its
// rate or cron in its time zone, with the target's input (the scheduled time filled in) and
// its retry policy and dead-letter queue. `fire` runs one now, as of any instant: that is how
// `npm run fire -- <schedule> --at <instant>` replays a sweep for a chosen moment.

export interface FireResult {
  schedule: string;
  scheduledTime: string;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export class LocalScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly next = new Map<string, NextFire>();

  constructor(
    private readonly schedules: LocalSchedule[],
    private readonly pools: Map<string, LambdaFunctionPool>,
    private readonly queues: LocalQueues,
    private readonly log: Logger,
  ) {
    for (const s of schedules) this.next.set(s.logicalId, parseScheduleExpression(s.expression, s.timezone));
  }

  start(): void {
    for (const s of this.schedules) if (s.enabled) this.arm(s, new Date());
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
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

  private async invoke(s: LocalSchedule, scheduledTime: Date): Promise<FireResult> {
    const pool = this.pools.get(s.functionId)!;
    const executionId = randomUUID();
    const time = scheduledTime.toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (let attempt = 1; ; attempt++) {
      const input = (s.input ?? '{}')
        .replaceAll('<aws.scheduler.scheduled-time>', time)
        .replaceAll('<aws.scheduler.execution-id>', executionId)
        .replaceAll('<aws.scheduler.attempt-number>', String(attempt))
        .replaceAll(
          '<aws.scheduler.schedule-arn>',
          `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule/default/${s.name}`,
        );
      const outcome = await pool.invoke(JSON.parse(input));
      this.log.invocation({
        function: pool.fn.name,
        trigger: 'schedule',
        what: `${s.name} as of ${time}${attempt > 1 ? ` (attempt ${attempt})` : ''}`,
        outcome: outcome.ok ? 'ok' : `${outcome.error?.errorType}: ${outcome.error?.errorMessage}`,
        failed: !outcome.ok,
        result: outcome,
      });
      if (outcome.ok) return { schedule: s.name, scheduledTime: time, ok: true, result: outcome.result };
      if (attempt > s.maxRetries) {
        if (s.deadLetterQueue)
          this.queues.send(s.deadLetterQueue, `schedule ${s.name}`, outcome.error?.errorMessage ?? 'failed', {
            input,
          });
        return {
          schedule: s.name,
          scheduledTime: time,
          ok: false,
          error: outcome.error?.errorMessage ?? 'failed',
        };
      }
      await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** (attempt - 1))));
    }
  }
}
