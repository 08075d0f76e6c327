import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BundledFunction, type FunctionDefaults } from './bundled-function.js';
import type { HandoffTable } from './data.js';
import { DeadLetterQueue } from './dead-letter-queue.js';

// The function an operator invokes, once a failure's cause is fixed, to send what a dead-letter
// queue or on-failure destination holds back where it failed (functions/operations/use-cases/
// redrive.ts). It may read and delete the stack's dead-letter queues, send back to the queues
// whose redrive policy fills them, invoke the stack's functions, read the table's stream (a relay
// batch is read again) and put events back on the bus. Made after every queue and function it serves.

export interface RedriveDeadLettersProps {
  defaults: FunctionDefaults;
  table: HandoffTable;
  bus: events.IEventBus;
}

export class RedriveDeadLetters extends Construct {
  readonly function: BundledFunction;

  constructor(scope: Construct, id: string, props: RedriveDeadLettersProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const queues = stack.node.findAll().filter((c): c is DeadLetterQueue => c instanceof DeadLetterQueue);
    const functions = stack.node.findAll().filter((c): c is BundledFunction => c instanceof BundledFunction);
    // queues functions read, whose redrive policy sends what they could not handle to a dead-letter queue
    const sources = stack.node
      .findAll()
      .filter((c): c is sqs.Queue => c instanceof sqs.Queue && c.deadLetterQueue !== undefined);
    this.function = new BundledFunction(this, 'RedriveDeadLetters', {
      entry: 'functions/operations/redrive-dead-letters.ts',
      description: 'Sends what a dead-letter queue holds back where it failed: {"queue": "<name>"}',
      timeout: Duration.minutes(5),
      defaults: props.defaults,
      environment: {
        REDRIVE_SOURCE_QUEUES: stack.toJsonString(
          Object.fromEntries(sources.map((q) => [q.deadLetterQueue!.queue.queueName, q.queueUrl])),
        ),
      },
    });
    this.function.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'sqs:GetQueueUrl',
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:ChangeMessageVisibility',
        ],
        resources: queues.map((q) => q.queue.queueArn),
      }),
    );
    if (sources.length > 0)
      this.function.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['sqs:GetQueueUrl', 'sqs:SendMessage'],
          resources: sources.map((q) => q.queueArn),
        }),
      );
    this.function.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: functions.map((f) => f.fn.functionArn),
      }),
    );
    props.bus.grantPutEventsTo(this.function.fn);
    props.table.table.grantStreamRead(this.function.fn);
    Validations.of(this.function.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "The dynamodb:ListStreams action has no resource-level permissions; every other stream action is limited to this table's stream.",
    });
  }
}
