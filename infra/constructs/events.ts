import { Duration, Names } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.js';

// The deployment's own event bus, its archive (for replay), and the rules that deliver its
// events to functions. Every rule target retries with a bound and ends in a dead-letter queue.

export interface HandoffEventBusProps {
  archiveRetentionDays: number;
}

export interface LambdaRuleProps {
  description: string;
  eventPattern: events.EventPattern;
  target: lambda.IFunction;
  retryAttempts?: number;
  maxEventAge?: Duration;
}

export class HandoffEventBus extends Construct {
  readonly bus: events.EventBus;
  readonly archive: events.Archive;
  readonly deadLetterQueues: { name: string; queue: sqs.IQueue }[] = [];

  constructor(scope: Construct, id: string, props: HandoffEventBusProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: Names.uniqueResourceName(this, { maxLength: 64 }),
    });
    this.archive = this.bus.archive('Archive', {
      description: 'Every Handoff event, for replay to integrators and after incidents',
      eventPattern: { source: events.Match.prefix('handoff.') },
      retention: Duration.days(props.archiveRetentionDays),
    });
  }

  addLambdaRule(id: string, props: LambdaRuleProps): events.Rule {
    const dlq = new DeadLetterQueue(this, `${id}DeadLetters`, `the ${id} rule`);
    this.deadLetterQueues.push({ name: `${id} rule`, queue: dlq.queue });
    return new events.Rule(this, id, {
      eventBus: this.bus,
      description: props.description,
      eventPattern: props.eventPattern,
      targets: [
        new targets.LambdaFunction(props.target, {
          retryAttempts: props.retryAttempts ?? 8,
          maxEventAge: props.maxEventAge ?? Duration.hours(2),
          deadLetterQueue: dlq.queue,
        }),
      ],
    });
  }
}
