import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { ROOT } from '../../infra/local/runtime.js';
import { synthesizeIfChanged } from '../../infra/local/synth.js';

// One DynamoDB Local per vitest worker; each test file creates its own table in its worker's.
// One per worker, not one for the run, so the two files running at once do not queue on one
// instance, which runs one transaction at a time across its tables (the CRM and follow-up files:
// 101 s on one instance, 96 s on one per worker, measured 2026-12-06). What slowed the shared
// instance most was the test tables' streams: test/support/table.ts.

declare module 'vitest' {
  export interface ProvidedContext {
    /** One endpoint per worker: test/support/dynamodb-endpoint.ts picks this worker's. */
    dynamoEndpoints: string[];
  }
}

export default async function setup(project: TestProject) {
  // The e2e tests run the synthesized stack: synthesize once here, not in each of them.
  synthesizeIfChanged(ROOT);
  const workers = Math.max(1, Number(project.globalConfig.maxWorkers) || 1);
  const databases = await Promise.all(Array.from({ length: workers }, () => startDynamoDbLocal()));
  project.provide(
    'dynamoEndpoints',
    databases.map((db) => db.endpoint),
  );
  return async () => {
    await Promise.all(databases.map((db) => db.stop()));
  };
}
