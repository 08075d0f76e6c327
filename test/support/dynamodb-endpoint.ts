import { inject } from 'vitest';

/**
 * This worker's DynamoDB Local (test/support/global-setup.ts starts one per worker): the files
 * a worker runs, one after another, never wait on another worker's transactions.
 */
export function workerDynamoEndpoint(): string {
  const endpoints = inject('dynamoEndpoints');
  const worker = Number(process.env.VITEST_POOL_ID ?? 1);
  return endpoints[(worker - 1) % endpoints.length]!;
}
