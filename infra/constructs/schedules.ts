import { type CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.js';

// Schedules on EventBridge Scheduler (AWS calls scheduled rules legacy now). Each invokes its
// function asynchronously with the scheduled time as input, so the function uses it as "now".
// The schedule's retry policy and dead-letter queue cover the invocation (throttled, missing,
// not permitted); an error of the function itself is Lambda's to retry and send to the
// function's on-failure destination.

export interface ScheduleProps {
  /** Becomes the schedule's name after the stack's: `npm run fire -- <name>` on the local runtime. */
  name: string;
  description: string;
  expression: scheduler.ScheduleExpression;
  target: lambda.IFunction;
}

export class HandoffSchedules extends Construct {
  private readonly prefix: string;

  constructor(scope: Construct, id: string, prefix: string) {
    super(scope, id);
    this.prefix = prefix;
  }

  add(props: ScheduleProps): scheduler.Schedule {
    const dlq = new DeadLetterQueue(this, `${props.name}DeadLetters`, `the ${props.name} schedule`);
    const stack = Stack.of(this);
    const fnId = stack.resolve(stack.getLogicalId(props.target.node.defaultChild as CfnResource));
    Validations.of(stack).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${fnId}.Arn>:*]`,
      reason:
        'The Scheduler role that CDK makes may invoke this one function and its versions, nothing else.',
    });
    return new scheduler.Schedule(this, props.name, {
      scheduleName: `${this.prefix}-${props.name}`,
      description: props.description,
      schedule: props.expression,
      target: new LambdaInvoke(props.target, {
        input: scheduler.ScheduleTargetInput.fromObject({ time: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: 3,
        maxEventAge: Duration.minutes(30),
        deadLetterQueue: dlq.queue,
      }),
    });
  }
}
