import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { ROOT } from '../../infra/local/runtime.js';
import { synthesizeIfChanged } from '../../infra/local/synth.js';

// One DynamoDB Local for the whole run; each test file creates its own table in it.

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  // The e2e tests run the synthesized stack: synthesize once here, not in each of them.
  synthesizeIfChanged(ROOT);
  const db = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', db.endpoint);
  return async () => {
    await db.stop();
  };
}
