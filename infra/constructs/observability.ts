import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { BundledFunction } from './bundled-function.js';
import { DeadLetterQueue } from './dead-letter-queue.js';

// Alarms on what must not go unnoticed, all sent to one SNS topic that CloudWatch can publish
// to: every function's errors and throttles, every dead-letter queue and on-failure destination
// holding a message, the API's 5xx rate and p99 latency, the table's throttles and system
// errors, the relay falling behind its stream. One dashboard. The topic is always made (so an
// operator can subscribe anything to it later: its ARN is a stack output); by context it emails.
// It is encrypted with a key of its own, because CloudWatch cannot use the AWS-managed SNS key.

export interface ObservabilityProps {
  httpApi: apigw.IHttpApi;
  table: dynamodb.TableV2;
  relay: lambda.IFunction;
  alarmEmail?: string;
}

// The table operations the functions use (the reports and the rebuild included).
const TABLE_OPERATIONS = [
  dynamodb.Operation.GET_ITEM,
  dynamodb.Operation.BATCH_GET_ITEM,
  dynamodb.Operation.QUERY,
  dynamodb.Operation.PUT_ITEM,
  dynamodb.Operation.UPDATE_ITEM,
  dynamodb.Operation.DELETE_ITEM,
  dynamodb.Operation.TRANSACT_WRITE_ITEMS,
];

export class Observability extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;

  /** Made last in the stack: it watches every BundledFunction and DeadLetterQueue made before it. */
  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const key = new kms.Key(this, 'AlarmsKey', {
      description: 'Encrypts the Handoff alarm topic; CloudWatch may use it to publish alarms',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Alarms', {
      displayName: 'Handoff alarms',
      enforceSSL: true,
      masterKey: key,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const fiveMinutes = Duration.minutes(5);
    const functions = stack.node
      .findAll()
      .filter((c): c is BundledFunction => c instanceof BundledFunction)
      .map((f) => ({ name: f.node.id, fn: f.fn }));
    for (const { name, fn } of functions) {
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
    for (const dlq of stack.node
      .findAll()
      .filter((c): c is DeadLetterQueue => c instanceof DeadLetterQueue)) {
      const name = dlq.node.path.split('/').slice(1).join('');
      this.alarm(
        name,
        dlq.queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        1,
        `something failed for good in ${dlq.purpose}: read the queue, fix the cause, then redrive it (docs/operations.md)`,
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

    const requests = props.httpApi.metricCount({ period: fiveMinutes, statistic: 'Sum' });
    const serverErrors = props.httpApi.metricServerError({ period: fiveMinutes, statistic: 'Sum' });
    this.alarm(
      'Api5xxRate',
      new cloudwatch.MathExpression({
        expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
        usingMetrics: { requests, errors: serverErrors },
        period: fiveMinutes,
        label: 'API 5xx rate (%)',
      }),
      1,
      "more than 1% of the API answers in 5 minutes were 5xx (with at least 20 requests): read the API functions' errors",
    );
    const latency = props.httpApi.metricLatency({ period: fiveMinutes, statistic: 'p99' });
    this.alarm('ApiLatencyP99', latency, 3000, "the API's p99 latency was over 3 s for 10 minutes", 2);

    const throttles = props.table.metricThrottledRequestsForOperations({
      operations: TABLE_OPERATIONS,
      period: fiveMinutes,
    });
    this.alarm(
      'TableThrottles',
      throttles,
      1,
      'DynamoDB throttled requests to the table (on-demand capacity is doubling or a hot key)',
    );
    const systemErrors = props.table.metricSystemErrorsForOperations({
      operations: TABLE_OPERATIONS,
      period: fiveMinutes,
    });
    this.alarm(
      'TableSystemErrors',
      systemErrors,
      1,
      'DynamoDB answered requests to the table with a 500 (the SDK retried them)',
    );

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Invocations',
            left: functions.map(({ fn }) => fn.metricInvocations({ period: fiveMinutes })),
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Errors',
            left: functions.map(({ fn }) => fn.metricErrors({ period: fiveMinutes })),
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'API requests and 5xx',
            left: [requests, serverErrors],
            width: 12,
          }),
          new cloudwatch.GraphWidget({ title: 'API latency p99', left: [latency], width: 12 }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Duration p95',
            left: functions.map(({ fn }) => fn.metricDuration({ period: fiveMinutes, statistic: 'p95' })),
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

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    description: string,
    evaluationPeriods = 1,
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
