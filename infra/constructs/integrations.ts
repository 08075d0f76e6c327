import { Duration, SecretValue, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.js';

// Integrators, by context: every Handoff event forwarded to other accounts' default buses
// (they subscribe with rules of their own there), and/or chosen events POSTed to an HTTPS
// endpoint through an EventBridge API destination. Each target has a dead-letter queue; the
// webhook also retries a bounded number of times (bus targets retry inside EventBridge, which
// takes no retry policy for them).

export interface IntegrationsProps {
  bus: events.IEventBus;
  forwardToAccounts: string[];
  webhook?: { url: string; apiKeySecretName: string; detailTypes: string[] };
}

export class Integrations extends Construct {
  constructor(scope: Construct, id: string, props: IntegrationsProps) {
    super(scope, id);
    const everything = { source: events.Match.prefix('handoff.') };
    for (const account of props.forwardToAccounts) {
      const dlq = new DeadLetterQueue(
        this,
        `Forward${account}DeadLetters`,
        `forwarding to account ${account}`,
      );
      const target = events.EventBus.fromEventBusArn(
        this,
        `Bus${account}`,
        `arn:aws:events:${Stack.of(this).region}:${account}:event-bus/default`,
      );
      new events.Rule(this, `Forward${account}`, {
        eventBus: props.bus,
        description: `Every Handoff event, to account ${account}'s default bus`,
        eventPattern: everything,
        targets: [new targets.EventBus(target, { deadLetterQueue: dlq.queue })],
      });
    }
    if (props.webhook) {
      const dlq = new DeadLetterQueue(this, 'WebhookDeadLetters', 'the webhook');
      const connection = new events.Connection(this, 'WebhookConnection', {
        description: 'Handoff webhook credentials',
        authorization: events.Authorization.apiKey(
          'x-api-key',
          SecretValue.secretsManager(props.webhook.apiKeySecretName),
        ),
      });
      const destination = new events.ApiDestination(this, 'Webhook', {
        description: 'Handoff events to an HTTPS endpoint',
        connection,
        endpoint: props.webhook.url,
        httpMethod: events.HttpMethod.POST,
        rateLimitPerSecond: 10,
      });
      new events.Rule(this, 'ToWebhook', {
        eventBus: props.bus,
        description: 'Handoff events to the webhook',
        eventPattern: props.webhook.detailTypes.length
          ? { ...everything, detailType: props.webhook.detailTypes }
          : everything,
        targets: [
          new targets.ApiDestination(destination, {
            retryAttempts: 8,
            maxEventAge: Duration.hours(6),
            deadLetterQueue: dlq.queue,
          }),
        ],
      });
    }
  }
}
