import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { ROOT } from '../../infra/local/runtime.js';
import { synthesizeInBackground } from '../../infra/local/synth.js';
import { bundleLocalRuntime } from './runtime-bundle.js';

// One DynamoDB Local per vitest worker; each test file creates its own table in its worker's. It
// runs without -sharedDb, so it keeps a database per access key id: the files' tables are in one
// (their clients all sign as LOCAL_CREDENTIALS), and each local runtime a file starts keeps its
// tables in one of its own (infra/local/runtime.ts, dynamoDbLocal), where no other database's
// stream records slow its writes: a runtime then starts no JVM, and finds this one warmed up.
// One per worker, not one for the run, so the two files running at once do not queue on one
// instance, which runs one transaction at a time across its tables (the CRM and follow-up files:
// 101 s on one instance, 96 s on one per worker, measured 2026-12-06). What slowed the shared
// instance most was the test tables' streams: test/support/table.ts.
//
// The files that run the synthesized stack (the local runtime, its template) need `cdk synth`
// (about 26 s on a fresh clone, mostly on one core): it starts here in the background, holding
// the synthesis lock, while the DynamoDB Locals start and the files that need no template run; a
// file that needs it waits for it (synthesizeIfChanged waits on the lock) and reuses it. Running
// those files first while it synthesizes was tried and not kept: the runtime and browser files
// then ran beside each other rather than beside the lighter ones, and the suite took 60-70 s
// longer (docs/benchmarks.md, "The test suite"). The local runtime those files start is bundled
// here too, once (test/support/runtime-bundle.ts).

declare module 'vitest' {
  export interface ProvidedContext {
    /** One endpoint per worker: test/support/dynamodb-endpoint.ts picks this worker's. */
    dynamoEndpoints: string[];
    /** The local runtime as one module (test/support/runtime-bundle.ts), for startLocal. */
    localRuntimeBundle: string;
  }
}

export default async function setup(project: TestProject) {
  const synthesis = synthesizeInBackground(ROOT);
  // its failure is the test files' to report: each that needs the template synthesizes again
  synthesis.catch(() => undefined);
  const workers = Math.max(1, Number(project.globalConfig.maxWorkers) || 1);
  const bundling = bundleLocalRuntime();
  bundling.catch(() => undefined);
  const databases = await Promise.all(
    Array.from({ length: workers }, () => startDynamoDbLocal({ sharedDb: false })),
  );
  try {
    project.provide('localRuntimeBundle', await bundling);
  } catch (error) {
    await Promise.all(databases.map((db) => db.stop()));
    throw error;
  }
  project.provide(
    'dynamoEndpoints',
    databases.map((db) => db.endpoint),
  );
  return async () => {
    await synthesis.catch(() => undefined);
    await Promise.all(databases.map((db) => db.stop()));
  };
}
