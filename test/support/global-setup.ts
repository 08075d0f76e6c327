import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { ROOT } from '../../infra/local/runtime.js';
import { synthesizeIfChanged } from '../../infra/local/synth.js';

// One DynamoDB Local per vitest worker; each test file creates its own table in its worker's.
// One per worker, not one for the run: DynamoDB Local runs one transaction at a time across all
// its tables, so two files on one instance wait on each other's transactions (a file of
// transactions took 13 s alone and 70 s beside another on a shared instance: docs/benchmarks.md).

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
