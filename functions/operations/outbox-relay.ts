import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { config } from '../lib/config.js';
import { logger } from '../lib/logger.js';
import { instrumented } from '../lib/observability.js';
import { createRelay } from './use-cases/relay-outbox.js';

// The outbox relay function: the table stream's outbox items, published to the bus.
const relay = createRelay({
  client: new EventBridgeClient({}),
  busName: config.eventBusName(),
  log: (message, details) => logger.warn(message, details),
});

export const handler = instrumented(async (event: DynamoDBStreamEvent) => {
  const response = await relay(event);
  logger.info('relayed', { records: event.Records.length, failed: response.batchItemFailures.length });
  return response;
});
