import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OUTBOX_PREFIX } from '../../functions/lib/table/entities/outbox.js';
import { BundledFunction, type FunctionDefaults } from './bundled-function.js';
import { DeadLetterQueue } from './dead-letter-queue.js';

// The transactional outbox's second half (docs/architecture.md, decision 2): a function on the table's
// stream that sees only newly written outbox items and publishes them to the bus. Retries are
// bounded; a batch that keeps failing is split, and what still fails ends in a queue.

export interface OutboxRelayProps {
  table: dynamodb.ITableV2;
  bus: events.IEventBus;
  defaults: FunctionDefaults;
}

export class OutboxRelay extends Construct {
  readonly function: BundledFunction;
  readonly deadLetterQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: OutboxRelayProps) {
    super(scope, id);
    this.function = new BundledFunction(this, 'OutboxRelay', {
      entry: 'functions/operations/outbox-relay.ts',
      description: 'Publishes outbox items from the table stream to the event bus',
      environment: { EVENT_BUS_NAME: props.bus.eventBusName },
      timeout: Duration.seconds(60),
      memorySize: 512,
      defaults: props.defaults,
    });
    props.bus.grantPutEventsTo(this.function.fn);
    props.table.grantStreamRead(this.function.fn);
    Validations.of(this.function.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "The dynamodb:ListStreams action has no resource-level permissions; every other stream action is limited to this table's stream.",
    });
    this.deadLetterQueue = new DeadLetterQueue(this, 'Undeliverable', 'the outbox relay').queue;
    this.function.fn.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(0),
        parallelizationFactor: 1,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 10,
        maxRecordAge: Duration.hours(24),
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: { Keys: { pk: { S: lambda.FilterRule.beginsWith(OUTBOX_PREFIX) } } },
          }),
        ],
      }),
    );
  }
}
