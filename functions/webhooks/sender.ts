import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { config } from '../lib/config.js';
import { logger } from '../lib/logger.js';
import { instrumented, tracer } from '../lib/observability.js';
import { createServices } from '../lib/services.js';
import { eventBridgeReplays } from '../lib/webhooks/archive-replays.js';
import { sqsAttemptQueue } from '../lib/webhooks/attempt-queue.js';
import { postWebhook } from '../lib/webhooks/http-post.js';
import { sendWebhooks } from './use-cases/send-webhooks.js';

// The webhook sender (docs/architecture.md, decision 16): reads the queue the bus's rule fills
// with every event, and the queue of attempts waiting for their time; signs and POSTs each
// delivery, and says which messages SQS must deliver again (ReportBatchItemFailures).
const services = createServices({ runningAs: 'WebhookSender' });
const policy = { allowLoopback: config.webhookAllowLoopback() };
const timeoutMs = config.webhookTimeoutSeconds() * 1000;

const deps = {
  s: services,
  queue: sqsAttemptQueue(tracer.captureAWSv3Client(new SQSClient({})), config.webhookRetryQueueUrl),
  archive: eventBridgeReplays(tracer.captureAWSv3Client(new EventBridgeClient({})), {
    archiveArn: config.eventArchiveArn,
    busArn: config.eventBusArn,
    ruleArn: config.webhookRuleArn,
  }),
  post: (url: string, headers: Record<string, string>, body: string) =>
    postWebhook(url, headers, body, { timeoutMs, policy }),
  clock: () => new Date(),
  random: Math.random,
  log: (message: string, details: Record<string, unknown>) => logger.warn(message, details),
};

export const handler = instrumented(async (event: SQSEvent) => {
  const report = await sendWebhooks(
    deps,
    event.Records.map((r) => ({ messageId: r.messageId, body: r.body })),
  );
  logger.info('webhooks', { messages: event.Records.length, retried: report.batchItemFailures.length });
  return report;
});
