import { parse } from '../../domain/shared/validation.js';
import * as z from '../../domain/shared/zod.js';
import { logger } from '../lib/logger.js';
import { instrumented } from '../lib/observability.js';
import { defaultRedriveClients, redriveDeadLetters } from './use-cases/redrive.js';

// Invoked by hand once the cause of a failure is fixed (`aws lambda invoke`, or
// `npm run redrive -- <queue>` locally): sends what a dead-letter queue or on-failure
// destination holds back where it failed. See functions/operations/use-cases/redrive.ts.

// a dead-letter queue filled by a queue's redrive policy → that queue (the stack says which)
const clients = defaultRedriveClients(JSON.parse(process.env.REDRIVE_SOURCE_QUEUES || '{}'));
const Input = z.strictObject(() => ({
  queue: z.string().min(1).max(1024),
  limit: z.int().min(1).max(10_000).default(100),
  dryRun: z.boolean().default(false),
}));

export const handler = instrumented(async (event: unknown) => {
  const request = parse(Input, event ?? {});
  const report = await redriveDeadLetters(clients, request);
  logger.info('dead letters redriven', { queue: report.queue, redriven: report.redriven, kept: report.kept });
  return report;
});
