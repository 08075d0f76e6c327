import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { mintToken, type TokenRequest } from '../../infra/local/jwt.js';
import { ROOT } from '../../infra/local/runtime.js';
import type { DeadLetterView } from '../../infra/local/sqs.js';
import { recordBusEvents } from './contracts.js';
import { workerDynamoEndpoint } from './dynamodb-endpoint.js';
import { assertDocumented } from './openapi-contract.js';

// Starts the local runtime the way `npm start -- --in-memory` does (or, with `keepData`, as
// `npm start` does, keeping its data in its own .local directory), in its own process group,
// on any free ports (`--port 0`: many run at once) or on the layout of a given --port, and
// offers what an e2e test needs: tokens from the local issuer, fetch against the API, the
// control API (bus events, schedules, dead letters, faults, invocations), the local CLIs, and a
// kill of the whole runtime (SIGKILL to its process group, as a crash) followed by a restart on
// the same data.

export interface StartOptions {
  /** Extra `npm start` arguments (e.g. --seed, --time-scale 0.001). */
  args?: string[];
  /** Keep the data on disk (no --in-memory), so a restart finds it. */
  keepData?: boolean;
  /** Reuse this .local directory (a restart). */
  localDir?: string;
  /** `--port`: every service at its offset from it (infra/local/ports.ts); default 0, any free ports. */
  port?: number;
  /** Run this synthesized template (a cdk.out folder: test/support/template.ts) instead of the stack's. */
  cdkOut?: string;
  /**
   * Start the API's functions before "running", as `npm start` does (default). false (`--cold`):
   * each function starts on its first request. Warm is also the cheaper: the console's first
   * screen asks several functions at once, and each cold one then starts an environment per
   * request (console.test.ts: 70.8 s of CPU warm, 75.8 s cold, measured 2026-12-06). A list
   * (`--warm`): only the functions the file uses; the runtime's seven otherwise, of which a file
   * used four on average (the others' environments were about 25 s of the suite's CPU for
   * nothing, measured 2026-12-07). A function left out still answers, from a cold start.
   */
  warm?: boolean | string[];
  /**
   * Run a DynamoDB Local of its own, as `npm start` does, rather than a database in this worker's
   * (the default when it keeps no data: one JVM fewer to start and warm up per file).
   */
  ownDynamoDb?: boolean;
  /**
   * Start it with `npm start` (through tsx, from the TypeScript sources), as README says, rather
   * than the bundle the global set-up built; stop() then signals its process group as Ctrl-C does.
   */
  npmStart?: boolean;
}

export interface RunningLocal {
  apiUrl: string;
  /** The web console, served as the stack's CloudFront serves it; its sign-in is the local issuer's. */
  consoleUrl: string;
  /** The local issuer: the console's sign-in page is its /oauth2/authorize. */
  issuerUrl: string;
  controlUrl: string;
  busEndpoint: string;
  localDir: string;
  /** The API's port. */
  port: number;
  /**
   * The runtime's process id: it leads its own process group (its Lambda environments, and its
   * DynamoDB Local when it runs one of its own: ownDynamoDb, keepData, npmStart).
   */
  pid: number;
  output: () => string;
  token(request: TokenRequest): Promise<string>;
  api(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; body: any }>;
  busEvents(type?: string): Promise<any[]>;
  waitForEvent(type: string, predicate: (e: any) => boolean, timeoutMs?: number): Promise<any>;
  fire(schedule: string, at?: string): Promise<any>;
  deadLetters(): Promise<DeadLetterView[]>;
  /** Turns a fault in an AWS service that one function uses on or off (infra/local/faults.ts). */
  fault(fn: string, fault: string, on?: boolean): Promise<void>;
  /** Stops the API's server (its port refuses connections, as an API that is down) until restartApi. */
  stopApi(): Promise<void>;
  restartApi(): Promise<void>;
  /** Invokes a function as `aws lambda invoke` does. */
  invoke(fn: string, payload: unknown): Promise<any>;
  /** Runs one of the local CLIs (`npm run <name>`) against this runtime. */
  cli(name: string, args?: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /**
   * A crash: SIGKILL to the runtime and every Lambda environment it started (nothing flushed,
   * nothing stopped), while DynamoDB Local, standing for a managed database that outlives the
   * crash of its clients, is stopped with SIGTERM (on SIGKILL it loses its last acknowledged
   * transaction, which DynamoDB does not: docs/operations.md).
   */
  kill(): Promise<void>;
  stop(options?: { keepDir?: boolean }): Promise<void>;
}

/**
 * What the global set-up provides (the runtime's bundle, this worker's DynamoDB Local), or
 * nothing outside vitest (a bench): tsx then runs the sources, and the runtime starts its own.
 */
function provided<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** `npm start`'s flags for a StartOptions' `warm`: none (all warm), --cold, or --warm's list. */
function warmArgs(warm: StartOptions['warm']): string[] {
  if (warm === undefined || warm === true) return [];
  return warm === false || warm.length === 0 ? ['--cold'] : ['--warm', warm.join(',')];
}

export async function startLocal(options: StartOptions | string[] = {}): Promise<RunningLocal> {
  const o: StartOptions = Array.isArray(options) ? { args: options } : options;
  const localDir = o.localDir ?? mkdtempSync(join(tmpdir(), 'handoff-local-'));
  // A runtime that keeps no data holds its tables in a database of its own in this worker's
  // DynamoDB Local (runtime.ts, dynamoDbLocal) rather than a JVM of its own; README's command
  // starts one of its own, as it says.
  const database = o.keepData || o.npmStart || o.ownDynamoDb ? undefined : provided(workerDynamoEndpoint);
  const env = {
    ...process.env,
    HANDOFF_LOCAL_DIR: localDir,
    NO_COLOR: '1',
    ...(o.cdkOut ? { HANDOFF_CDK_OUT: o.cdkOut } : {}),
    ...(database ? { HANDOFF_DYNAMODB_LOCAL: database } : {}),
  };
  const args = [
    ...(o.keepData ? [] : ['--in-memory']),
    ...warmArgs(o.warm),
    '--port',
    String(o.port ?? 0),
    ...(o.args ?? []),
  ];
  // the runtime bundled once for the run (test/support/runtime-bundle.ts), or README's own command
  const bundle = o.npmStart ? undefined : provided(() => inject('localRuntimeBundle'));
  const [command, commandArgs] = bundle
    ? [process.execPath, ['--enable-source-maps', bundle, ...args]]
    : o.npmStart
      ? ['npm', ['start', '--silent', '--', ...args]]
      : [process.execPath, ['--import', 'tsx', join(ROOT, 'infra/local/cli/start.ts'), ...args]];
  const child: ChildProcess = spawn(command, commandArgs, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const deadline = Date.now() + 150_000;
  while (!output.includes('Handoff is running')) {
    if (child.exitCode !== null) throw new Error(`the local runtime exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the local runtime did not start in time:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const { apiUrl, controlUrl, busEndpoint, consoleUrl, issuerUrl } = JSON.parse(
    readFileSync(join(localDir, 'runtime.json'), 'utf8'),
  ) as { apiUrl: string; controlUrl: string; busEndpoint: string; consoleUrl: string; issuerUrl: string };
  const port = Number(new URL(apiUrl).port);
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${controlUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as any;
    if (!res.ok) throw new Error(`control ${method} ${path}: ${json.error}`);
    return json;
  };
  const busEvents = async (type?: string) =>
    (await control('GET', `/events${type ? `?type=${type}` : ''}`)).events as any[];
  const exited = new Promise((r) => child.once('exit', r));
  // a runtime that ends while a test still uses it says why (its last output) in the test's log
  let ending = false;
  child.once('exit', (code, signal) => {
    if (!ending)
      console.error(`the local runtime ended unasked (${signal ?? `exit ${code}`}):\n${output.slice(-6000)}`);
  });
  return {
    apiUrl,
    consoleUrl,
    issuerUrl,
    controlUrl,
    busEndpoint,
    localDir,
    port,
    pid: child.pid!,
    output: () => output,
    token: (request) => mintToken(localDir, request),
    api: async (method, path, options = {}) => {
      const res = await fetch(`${apiUrl}${path}`, {
        method,
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
      const text = await res.text();
      const answer = { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
      // every answer a test gets must be one the OpenAPI document describes
      assertDocumented({ method, path: new URL(`${apiUrl}${path}`).pathname, ...answer });
      return answer;
    },
    busEvents,
    waitForEvent: async (type, predicate, timeoutMs = 10_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = (await busEvents(type)).find(predicate);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no ${type} on the bus within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    fire: (schedule, at) => control('POST', '/fire', { schedule, ...(at ? { at } : {}) }),
    deadLetters: async () => (await control('GET', '/dead-letters')).messages,
    fault: async (fn, fault, on = true) => {
      await control('POST', '/faults', { function: fn, fault, on });
    },
    invoke: (fn, payload) => control('POST', '/invoke', { function: fn, payload }),
    stopApi: async () => {
      await control('POST', '/api-server', { up: false });
    },
    restartApi: async () => {
      await control('POST', '/api-server', { up: true });
    },
    cli: (name, args = []) =>
      new Promise((resolve) => {
        const run = spawn(
          process.execPath,
          ['--import', 'tsx', join(ROOT, `infra/local/cli/${name}.ts`), ...args],
          {
            cwd: ROOT,
            env,
          },
        );
        let stdout = '';
        let stderr = '';
        run.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
        });
        run.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        run.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      }),
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      ending = true;
      const processes = execFileSync('ps', ['-e', '-o', 'pid=,pgid=,comm='], { encoding: 'utf8' })
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .filter(([, pgid]) => pgid === String(child.pid));
      const database = processes.filter(([, , comm]) => comm === 'java').map(([pid]) => Number(pid));
      for (const [pid] of processes)
        if (!database.includes(Number(pid))) process.kill(Number(pid), 'SIGKILL');
      await exited;
      for (const pid of database) process.kill(pid, 'SIGTERM');
      for (const pid of database) {
        for (;;) {
          try {
            process.kill(pid, 0);
          } catch {
            break;
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    },
    stop: async ({ keepDir = false } = {}) => {
      ending = true;
      if (child.exitCode === null && child.signalCode === null) {
        // what crossed the bus is checked against the published schemas (test/support/contracts.ts)
        recordBusEvents(await busEvents().catch(() => []));
        // npm start's runtime is a grandchild of npm: Ctrl-C signals the whole group
        if (o.npmStart) process.kill(-child.pid!, 'SIGINT');
        else child.kill('SIGTERM');
        await exited;
      }
      if (!keepDir && !o.localDir) rmSync(localDir, { recursive: true, force: true });
    },
  };
}
