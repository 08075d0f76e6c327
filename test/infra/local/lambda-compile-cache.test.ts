import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LambdaFunctionPool } from '../../../infra/local/lambdas.js';
import type { LocalFunction } from '../../../infra/local/template.js';

// The local Lambda environments share a code cache of the bundles (lambdas.ts, compileCache):
// an environment never exits normally (it is killed), when Node would write the cache, so it
// writes it right after its import, and the next cold start reads it.

const FIXTURE = fileURLToPath(new URL('./fixtures/recording-handler.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'handoff-compile-cache-'));
const pools: LambdaFunctionPool[] = [];

const fn: LocalFunction = {
  logicalId: 'Recorder',
  name: 'Recorder',
  arn: 'arn:aws:lambda:us-east-1:000000000000:function:Recorder',
  bundleFile: FIXTURE,
  handlerExport: 'handler',
  environment: { FIXTURE_LOG: join(dir, 'calls.jsonl'), FIXTURE_MODE: 'report' },
  timeoutSeconds: 10,
  memoryMb: 128,
  handler: 'recording-handler.handler',
  tracing: 'PassThrough',
};

const filesUnder = (root: string): string[] =>
  readdirSync(root, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(root, e.name)) : [join(root, e.name)],
  );

afterAll(() => {
  for (const pool of pools) pool.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the local Lambda environments' code cache", () => {
  it("is written by a cold start that is never let exit, and the next environment's invocation answers", async () => {
    const cache = join(dir, 'cache');
    const first = new LambdaFunctionPool(fn, { baseEnvironment: {}, compileCache: cache });
    pools.push(first);
    const answered = await first.invoke({ key: 'one' });
    expect(answered).toMatchObject({ ok: true });
    expect(answered.coldStartMs).toBeGreaterThan(0);
    // the environment is still running: what is on disk was written after its import
    expect(filesUnder(cache).length).toBeGreaterThan(0);

    const second = new LambdaFunctionPool(fn, { baseEnvironment: {}, compileCache: cache });
    pools.push(second);
    expect(await second.invoke({ key: 'two' })).toMatchObject({ ok: true });
  });
});
