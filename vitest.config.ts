import { defineConfig } from 'vitest/config';

/**
 * Files that run in a fresh module graph of their own: the two that set process.env before the
 * functions' config reads it. The others share their worker's modules (`isolate: false`): each
 * still makes its own table (or local runtime, or browser) and runs alone in its worker, but the
 * AWS SDK, zod schemas, Playwright and the domain load once per worker, not once per file (the
 * 76 unit and contract files alone: 137 → 68 s of wall time and 258 → 127 s of CPU on 2 cores,
 * measured 2026-12-06; docs/benchmarks.md, "The test suite").
 */
const ISOLATED = ['test/functions/crm/quotes.test.ts', 'test/functions/email/send.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    // every file's events and answers are checked against the published contracts
    setupFiles: ['test/support/contract-setup.ts'],
    // Every test file makes its own table in its worker's DynamoDB Local, so files run in parallel.
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: one on a 2-core machine, and the
    // files then run one after another although much of their time is spent waiting on DynamoDB
    // Local, the local runtime's processes and the browser. Two at once: 717 s instead of ~1,000 s
    // (fresh clones, 2026-12-06; docs/benchmarks.md, "The test suite"). Three: 708-736 s, but the
    // machine then so loaded that a receiver on loopback missed a 0.5 s answer in one run of three.
    maxWorkers: 2,
    // A hang still fails; a slow machine does not: the slowest tests on the default timeout (browser
    // and local-runtime ones) took 20-25 s in a fresh-clone run on a 2-core machine about 3x slower
    // than usual (2026-12-06), and one of 20 s alone timed out at 30 s beside the other worker.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_REGION: 'us-east-1' },
    projects: [
      { test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: ISOLATED, isolate: false } },
      { test: { name: 'isolated', include: ISOLATED } },
    ],
  },
});
