import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalFunction } from './template.js';

// Lambda, locally: each function runs in its own execution environments (child processes with
// the environment the template gives it), kept warm between invocations, each handling one
// invocation at a time. More environments start when all are busy, up to a cap (the function's
// reserved concurrency, or 8), as Lambda scales out. An environment that times out is
// discarded, as Lambda does. With ACTIVE tracing each invocation gets its X-Ray trace header.

const WORKER = fileURLToPath(new URL('./lambda-environment.mjs', import.meta.url));

export interface InvocationResult {
  ok: boolean;
  result?: unknown;
  error?: { errorType: string; errorMessage: string; stack?: string };
  durationMs: number;
  /** Set when this invocation started a new environment: its init (import) time. */
  coldStartMs?: number;
}

interface Environment {
  child: ChildProcess;
  ready: Promise<number>;
  busy: boolean;
  pending?: { id: string; resolve: (r: InvocationResult) => void; started: number; timer: NodeJS.Timeout };
  coldStartMs?: number;
  /** Discarded once its invocation ends (its configuration changed meanwhile). */
  retire?: boolean;
}

export interface LambdaPoolOptions {
  /** Values every function gets on top of its template environment (endpoints, credentials). */
  baseEnvironment: Record<string, string>;
  /** Values that replace the template's for a while (a fault injected in an AWS service). */
  overrides?: Record<string, string>;
  maxEnvironments?: number;
  /**
   * A directory for V8's compiled code of the bundles (Node's module compile cache), shared by
   * every environment: a cold start then compiles only what no earlier one did (about 40 of its
   * 350 ms of CPU locally). Lambda keeps no such cache (docs/operations.md). Default: none.
   */
  compileCache?: string;
  /** Receives each line a function prints (its JSON logs). */
  onOutput?: (fn: LocalFunction, line: string) => void;
  /** Told of each invocation's outcome (the usage meter: usage.ts). */
  onInvoked?: (fn: LocalFunction, result: InvocationResult) => void;
}

export class LambdaFunctionPool {
  private readonly environments: Environment[] = [];
  private readonly waiting: (() => void)[] = [];
  private overrides: Record<string, string>;

  constructor(
    readonly fn: LocalFunction,
    private readonly options: LambdaPoolOptions,
  ) {
    this.overrides = options.overrides ?? {};
  }

  /**
   * Replaces the environment overrides; idle environments are discarded and busy ones retire
   * after their invocation, as an UpdateFunctionConfiguration does in Lambda.
   */
  reconfigure(overrides: Record<string, string>): void {
    this.overrides = overrides;
    for (const env of [...this.environments]) {
      if (env.busy) env.retire = true;
      else this.discard(env);
    }
  }

  private spawn(): Environment {
    const child = fork(WORKER, [], {
      // fork's default is this process's own flags: `--import tsx` made every environment load
      // tsx and import its bundle through tsx's hooks (1.1 s more CPU per cold start, measured);
      // Lambda runs bare Node, with only the function's NODE_OPTIONS (from its environment)
      execArgv: [],
      env: {
        PATH: process.env.PATH ?? '',
        ...this.options.baseEnvironment,
        ...this.fn.environment,
        ...this.overrides,
        LAMBDA_TASK_ROOT: dirname(this.fn.bundleFile),
        _HANDLER: this.fn.handler,
        AWS_LAMBDA_FUNCTION_NAME: this.fn.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.fn.memoryMb),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        HANDOFF_LAMBDA: JSON.stringify({
          bundleFile: this.fn.bundleFile,
          handlerExport: this.fn.handlerExport,
          functionName: this.fn.name,
          memoryMb: this.fn.memoryMb,
          ...(this.options.compileCache ? { compileCache: this.options.compileCache } : {}),
        }),
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    for (const stream of [child.stdout, child.stderr]) {
      let buffer = '';
      stream?.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let nl = buffer.indexOf('\n');
        while (nl >= 0) {
          this.options.onOutput?.(this.fn, buffer.slice(0, nl));
          buffer = buffer.slice(nl + 1);
          nl = buffer.indexOf('\n');
        }
      });
    }
    const env: Environment = { child, busy: false, ready: Promise.resolve(0) };
    env.ready = new Promise((resolve, reject) => {
      child.on('message', (message: any) => {
        if (message.type === 'ready') {
          env.coldStartMs = message.initMs;
          resolve(message.initMs);
        } else if (message.type === 'init-error') {
          reject(new Error(`${this.fn.name} failed to start: ${message.error.errorMessage}`));
        } else if (
          (message.type === 'result' || message.type === 'error') &&
          env.pending?.id === message.id
        ) {
          const { resolve: done, started, timer } = env.pending!;
          clearTimeout(timer);
          env.pending = undefined;
          done({
            ok: message.type === 'result',
            ...(message.type === 'result' ? { result: message.result } : { error: message.error }),
            durationMs: performance.now() - started,
          });
        }
      });
      child.on('exit', (code) => {
        this.discard(env);
        reject(new Error(`${this.fn.name} environment exited with ${code}`));
        if (env.pending) {
          const { resolve: done, started, timer } = env.pending;
          clearTimeout(timer);
          env.pending = undefined;
          done({
            ok: false,
            error: { errorType: 'Runtime.ExitError', errorMessage: `the environment exited with ${code}` },
            durationMs: performance.now() - started,
          });
        }
      });
    });
    env.ready.catch(() => undefined);
    this.environments.push(env);
    return env;
  }

  private discard(env: Environment): void {
    const i = this.environments.indexOf(env);
    if (i >= 0) this.environments.splice(i, 1);
    if (env.child.exitCode === null) env.child.kill('SIGKILL');
    this.waiting.shift()?.();
  }

  private async acquire(): Promise<{ env: Environment; cold: boolean }> {
    for (;;) {
      const idle = this.environments.find((e) => !e.busy);
      if (idle) {
        idle.busy = true;
        return { env: idle, cold: false };
      }
      if (this.environments.length < (this.fn.reservedConcurrency ?? this.options.maxEnvironments ?? 8)) {
        const env = this.spawn();
        env.busy = true;
        return { env, cold: true };
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(env: Environment): void {
    env.busy = false;
    this.waiting.shift()?.();
  }

  /** Starts one environment ahead of traffic (Lambda's provisioned warmth, for a fast first request). */
  async warm(): Promise<void> {
    if (this.environments.length === 0) await this.spawn().ready;
  }

  async invoke(event: unknown): Promise<InvocationResult> {
    const { env, cold } = await this.acquire();
    try {
      const initMs = await env.ready;
      const result = await new Promise<InvocationResult>((resolve) => {
        const id = randomUUID();
        const timeoutMs = this.fn.timeoutSeconds * 1000;
        const timer = setTimeout(() => {
          env.pending = undefined;
          this.discard(env);
          resolve({
            ok: false,
            error: {
              errorType: 'Sandbox.Timedout',
              errorMessage: `Task timed out after ${this.fn.timeoutSeconds} seconds`,
            },
            durationMs: timeoutMs,
          });
        }, timeoutMs);
        env.pending = { id, resolve, started: performance.now(), timer };
        env.child.send({
          type: 'invoke',
          id,
          event,
          timeoutMs,
          requestId: id,
          arn: this.fn.arn,
          ...(this.fn.tracing === 'Active' ? { traceHeader: traceHeader() } : {}),
        });
      });
      const outcome = cold ? { ...result, coldStartMs: initMs } : result;
      this.options.onInvoked?.(this.fn, outcome);
      return outcome;
    } catch (error) {
      return {
        ok: false,
        error: { errorType: 'Runtime.InitError', errorMessage: (error as Error).message },
        durationMs: 0,
      };
    } finally {
      if (env.retire) this.discard(env);
      else if (this.environments.includes(env)) this.release(env);
    }
  }

  stop(): void {
    for (const env of [...this.environments]) this.discard(env);
  }
}

/** An X-Ray trace header as Lambda gives a sampled invocation: a new root, a parent segment. */
function traceHeader(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=1`;
}
