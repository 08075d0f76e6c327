import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENTS } from '../../domain/events.js';
import { BundledFunction, type FunctionDefaults } from './bundled-function.js';
import type { HandoffTable } from './data.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import type { HandoffEventBus } from './events.js';

// Webhooks (docs/architecture.md, decision 16): a rule sends every event of the catalog to a
// queue; the webhook sender reads it, writes one delivery per endpoint that receives the event,
// then signs and POSTs each one. A failed attempt's next one waits on a second queue, in hops of
// at most 15 minutes (SQS's longest delay), for as long as the retry schedule says (over 3 days).
// A message the sender cannot handle comes back after its visibility timeout, ten times, then
// lands in its dead-letter queue (alarmed). A replay asks EventBridge to send the archive's
// events of a window back to this rule alone.

export interface WebhooksProps {
  table: HandoffTable;
  events: HandoffEventBus;
  defaults: FunctionDefaults;
  /** How long a receiver has to answer an attempt. */
  timeoutSeconds: number;
  archiveRetentionDays: number;
}

/** The sender's own limit: a batch is at most 10 events to at most 20 endpoints each. */
const SENDER_TIMEOUT = Duration.minutes(2);
/** AWS's advice for a queue a function reads: six times the function's timeout. */
const VISIBILITY = Duration.minutes(12);
/** Sender instances per queue at most: what the receivers see at once from Handoff. */
const MAX_CONCURRENCY = 10;
/**
 * How long Lambda gathers events into one batch before it invokes the sender. Without a window a
 * steady trickle (an import, a busy team) is one invocation and one read of the endpoints per
 * event; with it, up to ten (docs/benchmarks.md, "Webhooks"). Events only: an attempt's time is
 * its queue's delay.
 */
const EVENTS_BATCHING_WINDOW = Duration.seconds(1);

export class Webhooks extends Construct {
  readonly sender: BundledFunction;
  readonly eventsQueue: sqs.Queue;
  readonly attemptsQueue: sqs.Queue;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: WebhooksProps) {
    super(scope, id);
    const queue = (name: string, purpose: string, retention: Duration) => {
      const dlq = new DeadLetterQueue(this, `${name}DeadLetters`, purpose);
      return new sqs.Queue(this, name, {
        visibilityTimeout: VISIBILITY,
        retentionPeriod: retention,
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: dlq.queue, maxReceiveCount: 10 },
      });
    };
    this.eventsQueue = queue('Events', 'the webhook events queue', Duration.days(4));
    // a round of attempts lasts about 3.6 days: a message waits at most 15 minutes of it at a time
    this.attemptsQueue = queue('Attempts', 'the webhook attempts queue', Duration.days(14));

    // every event of the catalog: its sources (detail-types would pass EventBridge's 2,048
    // characters for a pattern); the sender sends each to the endpoints that name it
    const ruleDlq = new DeadLetterQueue(
      this,
      'ToWebhooksDeadLetters',
      'the rule to the webhook events queue',
    );
    this.rule = new events.Rule(this, 'ToWebhooks', {
      eventBus: props.events.bus,
      description:
        'Every Handoff event, to the webhook sender (replays of the archive are sent to this rule alone)',
      eventPattern: { source: [...new Set(Object.values(EVENTS).map((e) => e.source))] },
      targets: [
        new targets.SqsQueue(this.eventsQueue, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: ruleDlq.queue,
        }),
      ],
    });

    const archiveArn = props.events.archive.archiveArn;
    this.sender = new BundledFunction(this, 'WebhookSender', {
      entry: 'functions/webhooks/sender.ts',
      description:
        'Signs and POSTs each event to the webhook endpoints that receive it; retries; starts replays',
      environment: {
        TABLE_NAME: props.table.table.tableName,
        WEBHOOK_TIMEOUT_SECONDS: String(props.timeoutSeconds),
        WEBHOOK_RETRY_QUEUE_URL: this.attemptsQueue.queueUrl,
        EVENT_ARCHIVE_ARN: archiveArn,
        EVENT_BUS_ARN: props.events.bus.eventBusArn,
        WEBHOOK_RULE_ARN: this.rule.ruleArn,
        ARCHIVE_RETENTION_DAYS: String(props.archiveRetentionDays),
      },
      timeout: SENDER_TIMEOUT,
      defaults: props.defaults,
    });
    for (const [source, window] of [
      [this.eventsQueue, EVENTS_BATCHING_WINDOW],
      [this.attemptsQueue, undefined],
    ] as const)
      this.sender.fn.addEventSource(
        new SqsEventSource(source, {
          batchSize: 10,
          reportBatchItemFailures: true,
          maxConcurrency: MAX_CONCURRENCY,
          ...(window ? { maxBatchingWindow: window } : {}),
        }),
      );
    this.attemptsQueue.grantSendMessages(this.sender.role);
    // StartReplay names the archive, the bus it replays to, and the replay it makes
    const stack = Stack.of(this);
    const replays = stack.formatArn({ service: 'events', resource: 'replay', resourceName: '*' });
    this.sender.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['events:StartReplay'],
        resources: [archiveArn, props.events.bus.eventBusArn, replays],
      }),
    );
    Validations.of(this.sender.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:replay/*]`,
      reason:
        "A replay's name is chosen when it starts (one per webhook replay); the grant is StartReplay alone.",
    });
  }
}
