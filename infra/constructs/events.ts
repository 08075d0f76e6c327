import { Duration, Names } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { EVENTS, type EventName } from '../../domain/events.js';
import { DeadLetterQueue } from './dead-letter-queue.js';

// The deployment's own event bus, its archive (for replay), and the rules that deliver its
// events to functions. A rule target's retry policy and dead-letter queue cover *delivery* (the
// function missing, throttled at the Invoke API, not permitted); once Lambda has accepted the
// event, the function's own asynchronous-invocation settings and on-failure destination take
// over (BundledFunction's `asynchronous`).

export interface HandoffEventBusProps {
  archiveRetentionDays: number;
}

export interface LambdaRuleProps {
  description: string;
  /** The catalog's events the rule matches: their sources and detail-types come from domain/events.ts. */
  events: EventName[];
  /** What the event's detail must also hold (the rest of an EventBridge pattern). */
  detail?: Record<string, unknown>;
  target: lambda.IFunction;
  retryAttempts?: number;
  maxEventAge?: Duration;
}

export class HandoffEventBus extends Construct {
  readonly bus: events.EventBus;
  readonly archive: events.Archive;

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
    return new events.Rule(this, id, {
      eventBus: this.bus,
      description: props.description,
      eventPattern: catalogPattern(props.events, props.detail),
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

/**
 * The pattern of events of the catalog: each one's source and detail-type as domain/events.ts
 * declares them, so a rule cannot name an event that does not exist or the wrong source.
 */
export function catalogPattern(names: EventName[], detail?: Record<string, unknown>): events.EventPattern {
  return {
    source: [...new Set(names.map((name) => EVENTS[name].source))],
    detailType: [...names],
    ...(detail ? { detail } : {}),
  };
}
