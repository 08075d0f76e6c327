import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../infra/local/dynamodb-local.js';
import { mintToken, type TokenRequest } from '../../infra/local/jwt.js';
import { ROOT } from '../../infra/local/runtime.js';

// Starts the local runtime the way `npm start -- --in-memory` does, in its own process, on a
// free port and with its own .local directory, and offers what an e2e test needs: tokens from
// the local issuer, fetch against the API, and the control API (bus events, schedules).

export interface RunningLocal {
  apiUrl: string;
  controlUrl: string;
  busEndpoint: string;
  localDir: string;
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
  stop(): Promise<void>;
}

export async function startLocal(extraArgs: string[] = []): Promise<RunningLocal> {
  const localDir = mkdtempSync(join(tmpdir(), 'handoff-local-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'infra/local/cli/start.ts'),
      '--in-memory',
      '--port',
      String(port),
      ...extraArgs,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, HANDOFF_LOCAL_DIR: localDir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
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
  const { readFileSync } = await import('node:fs');
  const { controlUrl, busEndpoint } = JSON.parse(readFileSync(join(localDir, 'runtime.json'), 'utf8')) as {
    controlUrl: string;
    busEndpoint: string;
  };
  const apiUrl = `http://localhost:${port}`;
  const busEvents = async (type?: string) => {
    const res = await fetch(`${controlUrl}/events${type ? `?type=${type}` : ''}`);
    return ((await res.json()) as { events: any[] }).events;
  };
  return {
    apiUrl,
    controlUrl,
    busEndpoint,
    localDir,
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
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
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
    fire: async (schedule, at) => {
      const res = await fetch(`${controlUrl}/fire`, {
        method: 'POST',
        body: JSON.stringify({ schedule, ...(at ? { at } : {}) }),
      });
      return res.json();
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(localDir, { recursive: true, force: true });
    },
  };
}
