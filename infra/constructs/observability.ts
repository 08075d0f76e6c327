import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

// Alarms on what must not go unnoticed (function errors and throttles, anything in a
// dead-letter queue, the relay falling behind its stream), one dashboard, and, by context, an
// SNS topic that emails the alarms.

export interface ObservabilityProps {
  functions: { name: string; fn: lambda.IFunction }[];
  deadLetterQueues: { name: string; queue: sqs.IQueue }[];
  relay: lambda.IFunction;
  alarmEmail?: string;
}

export class Observability extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly topic?: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    if (props.alarmEmail) {
      this.topic = new sns.Topic(this, 'Alarms', {
        displayName: 'Handoff alarms',
        enforceSSL: true,
        masterKey: kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
      });
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    const fiveMinutes = Duration.minutes(5);
    for (const { name, fn } of props.functions) {
      this.alarm(
        `${name}Errors`,
        fn.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        1,
        `${name} threw or timed out`,
      );
      this.alarm(
        `${name}Throttles`,
        fn.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
        1,
        `${name} was throttled`,
      );
    }
    for (const { name, queue } of props.deadLetterQueues) {
      this.alarm(
        `${name.replace(/\W+/g, '')}DeadLetters`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        1,
        `something could not be delivered by ${name}: read the queue`,
      );
    }
    const iteratorAge = props.relay.metric('IteratorAge', {
      period: Duration.minutes(1),
      statistic: 'Maximum',
    });
    this.alarm(
      'RelayBehind',
      iteratorAge,
      60_000,
      'the outbox relay is more than a minute behind the table stream',
    );

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Invocations',
            left: props.functions.map(({ fn }) => fn.metricInvocations({ period: fiveMinutes })),
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Errors',
            left: props.functions.map(({ fn }) => fn.metricErrors({ period: fiveMinutes })),
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Duration p95',
            left: props.functions.map(({ fn }) =>
              fn.metricDuration({ period: fiveMinutes, statistic: 'p95' }),
            ),
            width: 12,
          }),
          new cloudwatch.GraphWidget({ title: 'Outbox relay iterator age', left: [iteratorAge], width: 12 }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
      ],
    });
  }

  /** An alarm on a metric of the application's own (beside the ones every function gets). */
  alarmOn(id: string, metric: cloudwatch.IMetric, threshold: number, description: string): void {
    this.alarm(id, metric, threshold, description);
  }

  private alarm(id: string, metric: cloudwatch.IMetric, threshold: number, description: string): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    if (this.topic) alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
