import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FileStore } from '../functions/lib/files/file-store.js';
import { createServices, type Services } from '../functions/lib/services.js';
import { localClient, type RunningDynamoDb, startDynamoDbLocal } from '../infra/local/dynamodb-local.js';
import type { Logger } from '../infra/local/log.js';
import { startLocalRuntime } from '../infra/local/runtime.js';
import { createTable } from '../test/support/table.js';

// Shared by the benchmarks: a DynamoDB Local of their own, a table from the same definition,
// an SDK middleware that counts round trips, a process's CPU time, and the writer of
// docs/benchmarks.md sections.

let ticksPerSecond: number | undefined;

/** CPU time (user + system) the process has used so far, in ms: Linux's /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

export interface BenchTable {
  db: RunningDynamoDb;
  client: DynamoDBClient;
  tableName: string;
  services: Services;
  /** Every DynamoDB command sent since the last reset, by name. */
  calls: string[];
  close(): Promise<void>;
}

export async function benchTable(options: { files?: FileStore } = {}): Promise<BenchTable> {
  const db = await startDynamoDbLocal();
  const client = localClient(db.endpoint);
  const calls: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(String(context.commandName).replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name: 'countRoundTrips' },
  );
  const tableName = `bench-${randomUUID()}`;
  // the deployed table, stream included: a bench measures what DynamoDB is asked as deployed
  await createTable(client, tableName, { stream: true });
  return {
    db,
    client,
    tableName,
    services: createServices({ client, tableName, ...(options.files ? { files: options.files } : {}) }),
    calls,
    close: async () => {
      client.destroy();
      await db.stop();
    },
  };
}

/**
 * The local runtime as a benchmark wants it: in memory, in a directory of its own, printing
 * nothing and firing no schedules; `close` stops it and removes the directory.
 */
export async function quietLocalRuntime(prefix: string, options: { iam?: boolean; timeScale?: number } = {}) {
  const localDir = mkdtempSync(join(tmpdir(), prefix));
  const quiet: Logger = {
    invocation: () => undefined,
    info: () => undefined,
    functionOutput: () => undefined,
  };
  const runtime = await startLocalRuntime({
    port: 0,
    inMemory: true,
    localDir,
    log: quiet,
    schedules: false,
    ...options,
  });
  const close = async () => {
    await runtime.stop();
    rmSync(localDir, { recursive: true, force: true });
  };
  return { runtime, localDir, close };
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const ms = (n: number) => `${n.toFixed(2)} ms`;

/** Replaces one benchmark's section of docs/benchmarks.md, leaving the others as they are. */
export function writeSection(name: string, command: string, body: string): void {
  const file = new URL('../docs/benchmarks.md', import.meta.url);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text =
      "# Benchmarks\n\nMeasured on the project's own machines (2 cores, DynamoDB Local on loopback). Each section says the command that produced it; ratios are measured within one run, because these machines are noisy.\n";
  }
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const section = `${start}\n${body.trim()}\n\nProduced by \`${command}\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.versions.node}).\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  text =
    from >= 0 && to > from
      ? text.slice(0, from) + section + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, text);
}
