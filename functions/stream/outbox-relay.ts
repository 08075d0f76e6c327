import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createRelay } from '../lib/bus/outbox-relay.js';
import { requiredEnv } from '../lib/env.js';
import { logger } from '../lib/logger.js';

// The outbox relay function: the table stream's outbox items, published to the bus.
const relay = createRelay({
  client: new EventBridgeClient({}),
  busName: requiredEnv('EVENT_BUS_NAME'),
  log: (message, details) => logger.warn(message, details),
});

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>(
  async (event: DynamoDBStreamEvent) => {
    const response = await relay(event);
    logger.info('relayed', { records: event.Records.length, failed: response.batchItemFailures.length });
    return response;
  },
).use(injectLambdaContext(logger));
