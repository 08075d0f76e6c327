import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.js';

// Integrators in other AWS accounts, by context: every Handoff event forwarded to their default
// buses (they subscribe with rules of their own there). Each target has a dead-letter queue (bus
// targets retry inside EventBridge, which takes no retry policy for them). Webhooks to anywhere
// else are endpoints added at run time (webhooks.ts).

export interface IntegrationsProps {
  bus: events.IEventBus;
  forwardToAccounts: string[];
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
  }
}
