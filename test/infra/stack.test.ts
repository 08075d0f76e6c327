import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENTS, type EventName } from '../../domain/events.js';
import { grantOf } from '../../functions/lib/table/catalog.js';
import { INDEXES } from '../../functions/lib/table/definition.js';
import { TABLE_FUNCTIONS, type TableFunction } from '../../functions/lib/table/pattern.js';
import { buildApp } from '../../infra/app.js';
import { allRoutes } from '../../scripts/api-document.js';
import { ofType as ofTypeIn, type Resources, synthesize } from './synthesized.js';

// The real synthesized template, asserted resource by resource (deploy-limits.test.ts checks it
// whole, bundles included; here esbuild is skipped, which changes nothing but asset hashes).

let template: Template;
let resources: Resources;

const ofType = (type: string) => ofTypeIn(resources, type);
/**
 * Handoff's own functions: all but CDK's bucket deployment provider, which CloudFormation runs at
 * deploy time only (a failure there fails the deploy, so it has no alarms, tracing or Node runtime
 * of ours).
 */
const handoffFunctionsIn = (r: Resources) =>
  ofTypeIn(r, 'AWS::Lambda::Function').filter(([id]) => !id.startsWith('CustomCDKBucketDeployment'));
const handoffFunctions = () => handoffFunctionsIn(resources);

beforeAll(() => {
  ({ template, resources } = synthesize());
}, 120_000);

describe('the table', () => {
  it("is on-demand, recoverable, protected, retained, streamed, with TTL and the definition's indexes", () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
      }),
    });
    const [, table] = ofType('AWS::DynamoDB::GlobalTable')[0]!;
    expect(table.Properties.GlobalSecondaryIndexes.map((i: { IndexName: string }) => i.IndexName)).toEqual(
      Object.keys(INDEXES),
    );
  });
});

describe('the HTTP API', () => {
  it('has a route for every route in the code, each with the JWT authorizer but the two open ones', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(Object.keys(allRoutes()).sort());
    for (const route of routes) {
      if (route.RouteKey === 'GET /health' || route.RouteKey === 'GET /openapi.json') {
        expect(route.AuthorizationType ?? 'NONE', route.RouteKey).toBe('NONE');
      } else {
        expect(route.AuthorizationType, route.RouteKey).toBe('JWT');
        expect(route.AuthorizerId, route.RouteKey).toBeDefined();
      }
    }
  });

  it("authorizes with the stack's Cognito pool by default, with a group per role", () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: { 'Fn::Join': ['', Match.arrayWith(['https://cognito-idp.'])] } },
    });
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName);
    expect(groups.sort()).toEqual(['admin', 'delivery', 'manager', 'sales']);
    template.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON' });
  });

  it('logs access and throttles on its stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ Format: Match.stringLikeRegexp('requestId') }),
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    });
  });

  it('with an existing issuer by context, trusts it and makes no user pool; CORS by context', () => {
    const t = synthesize({
      jwtIssuer: 'https://id.example.com',
      jwtAudience: 'handoff-api',
      corsOrigins: 'https://app.example.com',
    }).template;
    t.resourceCountIs('AWS::Cognito::UserPool', 0);
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: 'https://id.example.com', Audience: ['handoff-api'] },
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: [{ 'Fn::Join': ['', ['https://', Match.anyValue()]] }, 'https://app.example.com'],
      }),
    });
  }, 120_000);
});

describe('the functions', () => {
  it('run Node.js 24 on arm64 with Powertools settings and their own log group', () => {
    for (const [id, fn] of handoffFunctions()) {
      expect(fn.Properties.Runtime, id).toBe('nodejs24.x');
      expect(fn.Properties.Architectures, id).toEqual(['arm64']);
      expect(fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME, id).toBeDefined();
      expect(fn.Properties.LoggingConfig.LogGroup, id).toBeDefined();
    }
  });

  /** A function's statements but the X-Ray ones every traced function has (asserted apart). */
  function statementsOf(functionPrefix: string) {
    const [, policy] = ofType('AWS::IAM::Policy').find(([id]) => id.startsWith(functionPrefix))!;
    return (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      .filter((s) => ![s.Action].flat().every((a) => a.startsWith('xray:')))
      .map((s) => ({
        actions: [s.Action].flat().sort(),
        resource: JSON.stringify(s.Resource),
      }));
  }

  /** A resource of a statement as text: the table's ARN is `table`, an index's `table/index/<name>`. */
  function resourceOf(resource: unknown, tableId: string): string {
    if (typeof resource === 'string') return resource;
    const r = resource as { 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };
    if (r['Fn::GetAtt']) return r['Fn::GetAtt'][0] === tableId ? 'table' : r['Fn::GetAtt'][0];
    if (r['Fn::Join']) return r['Fn::Join'][1].map((part) => resourceOf(part, tableId)).join('');
    return JSON.stringify(resource);
  }

  /** What a function's role may do on the table's items, as `<action> <resource>` (its stream apart). */
  function tableAccessOf(r: Resources, fn: { Properties: any }): string[] {
    const tableId = ofTypeIn(r, 'AWS::DynamoDB::GlobalTable')[0]![0];
    const role = fn.Properties.Role['Fn::GetAtt'][0];
    const stream = new Set(['GetRecords', 'GetShardIterator', 'DescribeStream', 'ListStreams']);
    return ofTypeIn(r, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((ref: { Ref?: string }) => ref.Ref === role))
      .flatMap(
        ([, p]) =>
          p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      )
      .flatMap((s) =>
        [s.Action]
          .flat()
          .filter((a) => a.startsWith('dynamodb:') && !stream.has(a.slice('dynamodb:'.length)))
          .flatMap((a) => [s.Resource].flat().map((res) => `${a} ${resourceOf(res, tableId)}`)),
      )
      .sort();
  }

  /** What the declared access patterns of a function derive (functions/lib/table/catalog.ts). */
  function derived(fn: TableFunction): string[] {
    const { actions, indexes } = grantOf(fn);
    return [
      ...actions.map((a) => `dynamodb:${a} table`),
      ...indexes.map((i) => `dynamodb:Query table/index/${i}`),
    ].sort();
  }

  it("each function's table grant is exactly what its declared access patterns derive (generated, none written by hand)", () => {
    for (const context of [{}, { digestFromEmail: 'digest@acme.example' }]) {
      const all = Object.keys(context).length ? synthesize(context).resources : resources;
      const seen = new Set<string>();
      for (const [id, fn] of handoffFunctionsIn(all)) {
        const name = fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME as string;
        const access = tableAccessOf(all, fn);
        if (!(TABLE_FUNCTIONS as readonly string[]).includes(name)) {
          // the relay and the redrive read the stream only
          expect(access, id).toEqual([]);
          expect(fn.Properties.Environment.Variables.TABLE_NAME, id).toBeUndefined();
          continue;
        }
        seen.add(name);
        expect(access, name).toEqual(derived(name as TableFunction));
        expect(access.length, name).toBeGreaterThan(0);
      }
      const expected = TABLE_FUNCTIONS.filter((f) => f !== 'DigestMailer' || 'digestFromEmail' in context);
      expect([...seen].sort()).toEqual([...expected].sort());
    }
  }, 120_000);

  it('no function may Scan, nor use a wildcard on the table or its indexes', () => {
    for (const [id, fn] of handoffFunctions()) {
      const access = tableAccessOf(resources, fn);
      expect(
        access.filter((a) => a.includes('Scan') || a.includes('*')),
        id,
      ).toEqual([]);
    }
  });

  it('the bucket by prefix: the transfer API signs uploads/ and downloads/, the CRM and delivery APIs attachments/ only', () => {
    const statements = statementsOf('TransferApiRole');
    const s3 = statements.filter((s) => s.actions.some((a) => a.startsWith('s3:')));
    expect(s3.map((s) => [s.actions, s.resource.match(/\/(uploads|downloads)\/\*/)?.[0]])).toEqual([
      [['s3:PutObject'], '/uploads/*'],
      [['s3:GetObject'], '/downloads/*'],
    ]);
    for (const fn of ['CrmApiRole', 'DeliveryApiRole']) {
      const objects = statementsOf(fn).filter((s) => s.actions.some((a) => a.startsWith('s3:')));
      expect(objects.map((s) => [[...s.actions].sort(), s.resource.match(/\/[a-z]+\/\*/)?.[0]])).toEqual([
        [['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], '/attachments/*'],
        // the bucket itself, to learn that an upload has not arrived (a 404, not a 403)
        [['s3:ListBucket'], undefined],
      ]);
    }
    for (const fn of ['WorkspaceApiRole', 'ReportsApiRole'])
      expect(
        statementsOf(fn)
          .flatMap((s) => s.actions)
          .filter((a) => a.startsWith('s3:')),
      ).toEqual([]);
    expect(statements.flatMap((s) => s.actions)).not.toContain('dynamodb:Scan');
  });

  it('the functions that need no table write get none: the reports API reads only (docs/architecture.md, decision 10)', () => {
    expect(grantOf('ReportsApi')).toEqual({ actions: ['GetItem', 'Query'], indexes: ['gsi2', 'gsi3'] });
    for (const fn of ['HandoffGapMonitor', 'OverdueSweep', 'DailyDigest'] as const)
      expect(grantOf(fn).actions, fn).not.toContain('DeleteItem');
    expect(ofType('AWS::Lambda::Function').some(([id]) => id.startsWith('DigestMailer'))).toBe(false);
  });

  it('CSV imports start when a file lands under uploads/; exports on ExportRequested; the bucket is private', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
    const upload = rules.find((r) => JSON.stringify(r.EventPattern).includes('aws.s3'))!;
    expect(upload.EventBusName).toBeUndefined();
    expect(upload.EventPattern).toMatchObject({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { object: { key: [{ prefix: 'uploads/' }] } },
    });
    expect(upload.Targets[0].DeadLetterConfig).toBeDefined();
    const [, bucket] = ofType('AWS::S3::Bucket').find(([id]) => id.startsWith('Transfers'))!;
    expect(bucket.Properties.NotificationConfiguration).toEqual({
      EventBridgeConfiguration: { EventBridgeEnabled: true },
    });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toMatchObject({
      BlockPublicAcls: true,
      RestrictPublicBuckets: true,
    });
    // working copies expire in 7 days; attachments are kept (moved to infrequent access after 30)
    const lifecycle = bucket.Properties.LifecycleConfiguration.Rules as {
      Prefix?: string;
      ExpirationInDays?: number;
      Transitions?: { StorageClass: string; TransitionInDays: number }[];
    }[];
    expect(lifecycle.map((r) => [r.Prefix, r.ExpirationInDays ?? null])).toEqual([
      ['uploads/', 7],
      ['downloads/', 7],
      ['attachments/', null],
    ]);
    expect(lifecycle[2]!.Transitions).toEqual([{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }]);
    expect(bucket.Properties.BucketEncryption).toBeDefined();
    // no custom resource (and no function without a bundle) for the notifications
    expect(ofType('Custom::S3BucketNotifications')).toEqual([]);
    // (their table grants: the generated-grant test above)
    const actions = (prefix: string) =>
      [...new Set(statementsOf(prefix).flatMap((s) => s.actions))]
        .filter((a) => !a.startsWith('logs:') && !a.startsWith('dynamodb:'))
        .sort();
    expect(actions('TransfersCsvImportRole')).toEqual([
      's3:GetObject',
      's3:PutObject',
      // its on-failure destination
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    expect(actions('TransfersCsvExportRole')).toEqual([
      's3:PutObject',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
  });

  it('the reports API serves the six reports', () => {
    const reports = ofType('AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties.RouteKey as string)
      .filter((k) => k.includes('/reports/'))
      .sort();
    expect(reports).toEqual([
      'GET /reports/conversion',
      'GET /reports/forecast',
      'GET /reports/pipeline',
      'GET /reports/products',
      'GET /reports/sources',
      'GET /reports/stalled',
    ]);
  });

  it('with digestFromEmail, a mailer may send from that address (or its domain) only, on FollowUpDigest', () => {
    const t = synthesize({
      digestFromEmail: 'digest@acme.example',
      appUrl: 'https://crm.acme.example',
    }).template;
    const policies = Object.entries(t.findResources('AWS::IAM::Policy')).find(([id]) =>
      id.startsWith('DigestMailerRole'),
    )![1] as any;
    const ses = policies.Properties.PolicyDocument.Statement.find(
      (s: { Action: string }) => s.Action === 'ses:SendEmail',
    );
    expect(JSON.stringify(ses.Resource)).toContain('identity/digest@acme.example');
    expect(JSON.stringify(ses.Resource)).toContain('identity/acme.example');
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['handoff.followup'], 'detail-type': ['FollowUpDigest'] },
    });
    // the CRM API mails quotes from the same sender, and may send from nothing else
    const crmSes = Object.entries(t.findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.startsWith('ApiCrmApi') || id.startsWith('CrmApi'))
      .flatMap(([, p]) => (p as any).Properties.PolicyDocument.Statement)
      .filter((s: { Action: string }) => s.Action === 'ses:SendEmail');
    expect(crmSes).toHaveLength(1);
    expect(JSON.stringify(crmSes[0].Resource)).toContain('identity/digest@acme.example');
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ QUOTE_FROM_EMAIL: 'digest@acme.example' }) },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          DIGEST_FROM_EMAIL: 'digest@acme.example',
          APP_URL: 'https://crm.acme.example',
        }),
      },
    });
  }, 120_000);

  it('the outbox relay may read the stream and put events on its bus, and nothing else', () => {
    const actions = [...new Set(statementsOf('OutboxOutboxRelayRole').flatMap((s) => s.actions))].sort();
    expect(actions).toEqual(
      [
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
        'events:PutEvents',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:SendMessage',
      ].sort(),
    );
  });
});

describe('asynchronous delivery', () => {
  it("each rule on the bus names catalog events with the catalog's sources (domain/events.ts)", () => {
    const onBus = ofType('AWS::Events::Rule')
      .map(([id, r]) => [id, r.Properties.EventPattern] as const)
      .filter(([, p]) => p['detail-type'] && String(p.source?.[0] ?? '').startsWith('handoff.'));
    expect(onBus.length).toBeGreaterThanOrEqual(4);
    for (const [id, pattern] of onBus) {
      const names = pattern['detail-type'] as EventName[];
      for (const name of names) expect(Object.keys(EVENTS), id).toContain(name);
      expect(pattern.source, id).toEqual([...new Set(names.map((n) => EVENTS[n].source))]);
    }
  });

  it('the relay sees only outbox inserts, reports partial failures, bisects, retries a bounded number of times, then a queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 0,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT'],
              dynamodb: { Keys: { pk: { S: [{ prefix: 'OUTBOX#' }] } } },
            }),
          },
        ],
      },
    });
  });

  it('every rule target (integrations by context included) has a dead-letter queue and, but for buses, a retry policy', () => {
    const all = synthesize({
      forwardToAccounts: '111122223333',
      webhookUrl: 'https://hooks.example.com/handoff',
      webhookApiKeySecret: 'handoff/webhook',
    }).resources;
    const rules = Object.entries(all).filter(([, r]) => r.Type === 'AWS::Events::Rule');
    expect(rules.length).toBeGreaterThanOrEqual(4);
    for (const [id, rule] of rules) {
      for (const target of rule.Properties.Targets) {
        expect(target.DeadLetterConfig?.Arn, id).toBeDefined();
        const toBus = JSON.stringify(target.Arn).includes(':event-bus/');
        // EventBridge takes no retry policy for bus targets; it retries delivery to a bus itself
        if (!toBus) expect(target.RetryPolicy?.MaximumRetryAttempts, id).toBeGreaterThan(0);
      }
    }
    expect(Object.values(all).some((r) => r.Type === 'AWS::Events::ApiDestination')).toBe(true);
  }, 120_000);

  it('every schedule passes its scheduled time, retries, and has a dead-letter queue', () => {
    const schedules = ofType('AWS::Scheduler::Schedule');
    expect(schedules.map(([, s]) => [s.Properties.Name, s.Properties.ScheduleExpression]).sort()).toEqual([
      ['handoff-daily-digest', 'cron(0 * * * ? *)'],
      ['handoff-handoff-gap-monitor', 'rate(5 minutes)'],
      ['handoff-overdue-sweep', 'rate(5 minutes)'],
    ]);
    for (const [id, schedule] of schedules) {
      expect(schedule.Properties.Target.Input, id).toBe(
        JSON.stringify({ time: '<aws.scheduler.scheduled-time>' }),
      );
      expect(schedule.Properties.Target.RetryPolicy.MaximumRetryAttempts, id).toBe(3);
      expect(schedule.Properties.Target.DeadLetterConfig?.Arn, id).toBeDefined();
    }
  });

  it('DealClosedWon reaches the handoff whatever its version (an unknown one is refused to the dead-letter queue)', () => {
    const [, rule] = ofType('AWS::Events::Rule').find(([, r]) =>
      JSON.stringify(r.Properties.EventPattern).includes('DealClosedWon'),
    )!;
    expect(rule.Properties.EventPattern).toEqual({
      source: ['handoff.crm'],
      'detail-type': ['DealClosedWon'],
    });
  });

  it('the bus archives every Handoff event for replay', () => {
    template.hasResourceProperties('AWS::Events::Archive', {
      EventPattern: { source: [{ prefix: 'handoff.' }] },
      RetentionDays: 365,
    });
  });
});

describe('observability', () => {
  it("alarms on every function's errors and throttles, every dead-letter queue and on-failure destination, the relay's iterator age", () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const functions = handoffFunctions().length;
    expect(alarms.filter((a) => a.MetricName === 'Errors')).toHaveLength(functions);
    expect(alarms.filter((a) => a.MetricName === 'Throttles')).toHaveLength(functions);
    expect(alarms.filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')).toHaveLength(
      ofType('AWS::SQS::Queue').length,
    );
    expect(alarms.filter((a) => a.MetricName === 'IteratorAge')).toHaveLength(1);
    expect(alarms.filter((a) => a.MetricName === 'HandoffsMissing')).toHaveLength(1);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it("alarms on the API's 5xx rate and p99 latency and on the table's throttles and system errors", () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const metricsOf = (
      a: any,
    ): { MetricStat?: { Metric: { MetricName: string; Namespace: string } }; Expression?: string }[] =>
      a.Metrics ?? [];
    const rate = alarms.find((a) => metricsOf(a).some((m) => m.Expression?.includes('errors / requests')))!;
    expect(
      metricsOf(rate)
        .map((m) => m.MetricStat?.Metric.MetricName)
        .filter(Boolean)
        .sort(),
    ).toEqual(['5xx', 'Count']);
    expect(rate.Threshold).toBe(1);
    const latency = alarms.find((a) => a.MetricName === 'Latency' && a.Namespace === 'AWS/ApiGateway')!;
    expect(latency).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 3000, EvaluationPeriods: 2 });
    const dynamo = (name: string) =>
      alarms.find((a) =>
        metricsOf(a).some(
          (m) => m.MetricStat?.Metric.MetricName === name && m.MetricStat.Metric.Namespace === 'AWS/DynamoDB',
        ),
      );
    expect(dynamo('ThrottledRequests')).toBeDefined();
    expect(dynamo('SystemErrors')).toBeDefined();
  });

  it('sends every alarm to a topic CloudWatch can publish to: its own KMS key granting CloudWatch, a topic policy allowing it', () => {
    const [topicId, topic] = ofType('AWS::SNS::Topic')[0]!;
    const [keyId, key] = ofType('AWS::KMS::Key')[0]!;
    expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const keyGrant = key.Properties.KeyPolicy.Statement.find(
      (st: any) => st.Principal?.Service === 'cloudwatch.amazonaws.com',
    );
    expect(keyGrant).toMatchObject({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] });
    const [, policy] = ofType('AWS::SNS::TopicPolicy').find(([, p]) =>
      JSON.stringify(p.Properties.Topics).includes(topicId),
    )!;
    const publish = policy.Properties.PolicyDocument.Statement.find(
      (st: any) => st.Effect === 'Allow' && st.Principal?.Service === 'cloudwatch.amazonaws.com',
    );
    expect(publish).toMatchObject({ Action: 'sns:Publish', Resource: { Ref: topicId } });
    expect(JSON.stringify(publish.Condition)).toContain('aws:SourceAccount');
    for (const [id, alarm] of ofType('AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: topicId }]);
    }
  });

  it('emails alarms through that topic when alarmEmail is set', () => {
    const t = synthesize({ alarmEmail: 'ops@example.com' }).template;
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    for (const alarm of Object.values(t.findResources('AWS::CloudWatch::Alarm'))) {
      expect((alarm as any).Properties.AlarmActions).toHaveLength(1);
    }
  }, 120_000);

  it('traces every function with X-Ray through Powertools by default, and none with -c tracing=false', () => {
    for (const [id, fn] of handoffFunctions()) {
      expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Environment.Variables.POWERTOOLS_TRACE_ENABLED, id).toBe('true');
    }
    const off = synthesize({ tracing: 'false' }).resources;
    for (const [id, fn] of handoffFunctionsIn(off)) {
      expect(fn.Properties.TracingConfig?.Mode ?? 'PassThrough', id).toBe('PassThrough');
      expect(fn.Properties.Environment.Variables.POWERTOOLS_TRACE_ENABLED, id).toBe('false');
    }
  }, 120_000);
});

describe('where asynchronous failures go', () => {
  /** Every function AWS invokes asynchronously: the targets of rules and schedules. */
  function asyncTargets(all: Resources): string[] {
    const arns = [
      ...ofTypeIn(all, 'AWS::Events::Rule').flatMap(([, r]) => r.Properties.Targets.map((t: any) => t.Arn)),
      ...ofTypeIn(all, 'AWS::Scheduler::Schedule').map(([, s]) => s.Properties.Target.Arn),
    ];
    return [
      ...new Set(arns.filter((a) => a['Fn::GetAtt']?.[1] === 'Arn').map((a) => a['Fn::GetAtt'][0] as string)),
    ].filter((id) => all[id]?.Type === 'AWS::Lambda::Function');
  }

  it('every function invoked asynchronously has retries, a maximum event age and an on-failure queue that an alarm watches', () => {
    const all = synthesize({ digestFromEmail: 'digest@acme.example' }).resources;
    const targets = asyncTargets(all);
    // the handoff, the cascade, the CSV import and export, the mailer, the three schedules
    expect(targets).toHaveLength(8);
    const configs = ofTypeIn(all, 'AWS::Lambda::EventInvokeConfig').map(([, c]) => c.Properties);
    const alarmed = JSON.stringify(
      ofTypeIn(all, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties.Dimensions),
    );
    for (const fn of targets) {
      const config = configs.find((c) => c.FunctionName.Ref === fn);
      expect(config, fn).toBeDefined();
      expect(config.Qualifier, fn).toBe('$LATEST');
      expect(config.MaximumRetryAttempts, fn).toBe(2);
      expect(config.MaximumEventAgeInSeconds, fn).toBeGreaterThanOrEqual(1800);
      const queueId = config.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0];
      expect(all[queueId]?.Type, fn).toBe('AWS::SQS::Queue');
      expect(all[queueId]!.Properties.SqsManagedSseEnabled, fn).toBe(true);
      expect(alarmed, fn).toContain(queueId);
      // the function may send to its destination
      const role = all[fn]!.Properties.Role['Fn::GetAtt'][0];
      const policy = ofTypeIn(all, 'AWS::IAM::Policy').find(([, p]) =>
        JSON.stringify(p.Properties.Roles).includes(role),
      )!;
      expect(JSON.stringify(policy[1].Properties.PolicyDocument)).toContain(queueId);
    }
  }, 120_000);

  it('the CSV import has a bounded reserved concurrency (2 by default, none with -c importConcurrency=none)', () => {
    const importer = (all: Resources) =>
      ofTypeIn(all, 'AWS::Lambda::Function').find(([id]) => id.startsWith('TransfersCsvImport'))![1];
    expect(importer(resources).Properties.ReservedConcurrentExecutions).toBe(2);
    expect(
      importer(synthesize({ importConcurrency: 'none' }).resources).Properties.ReservedConcurrentExecutions,
    ).toBeUndefined();
    for (const [id, fn] of ofType('AWS::Lambda::Function'))
      if (!id.startsWith('TransfersCsvImport'))
        expect(fn.Properties.ReservedConcurrentExecutions, id).toBeUndefined();
  }, 120_000);

  it('the redrive function may read and delete the dead letters, invoke the functions, and put events, nothing more', () => {
    const [, policy] = ofType('AWS::IAM::Policy').find(([id]) =>
      id.startsWith('RedriveRedriveDeadLettersRole'),
    )!;
    const statements = policy.Properties.PolicyDocument.Statement as {
      Action: string | string[];
      Resource: unknown;
    }[];
    const actions = [...new Set(statements.flatMap((st) => [st.Action].flat()))].sort();
    expect(actions).toEqual(
      [
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
        'events:PutEvents',
        'lambda:InvokeFunction',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    const sqsStatement = statements.find((st) => [st.Action].flat().includes('sqs:ReceiveMessage'))!;
    expect((sqsStatement.Resource as unknown[]).length).toBe(ofType('AWS::SQS::Queue').length);
  });
});

describe('deployment context', () => {
  it('refuses at synth, with a clear message, values AWS would refuse at deploy', () => {
    expect(() => synthesize({ logRetentionDays: '42' })).toThrow(
      /logRetentionDays must be one of the values CloudWatch Logs accepts \(1, 3, 5, 7, 14, 30, .*\), not 42/,
    );
    expect(() => synthesize({ alarmEmail: 'ops at example' })).toThrow(
      /alarmEmail must be an email address, not ops at example/,
    );
    expect(() => synthesize({ digestFromEmail: 'digest' })).toThrow(
      /digestFromEmail must be an email address/,
    );
    expect(() => synthesize({ tracing: 'yes' })).toThrow(/tracing must be true or false, not yes/);
    expect(() => synthesize({ importConcurrency: '0' })).toThrow(
      /importConcurrency must be a whole number of at least 1, or none/,
    );
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('has no unacknowledged finding, and every acknowledgement gives its reason in a sentence', () => {
    const { app } = buildApp(new App({ context: { 'aws:cdk:bundling-stacks': [] } }));
    expect(() => app.synth()).not.toThrow();
    const acknowledged: { id: string; reason: string }[] = [];
    for (const construct of app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>))
          acknowledged.push({ id, reason });
      }
    }
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const a of acknowledged) expect(a.reason, a.id).toMatch(/^[A-Z].{20,}[.]$/);
  }, 120_000);

  it('fails synthesis when a finding is not acknowledged', () => {
    const app = new App();
    const stack = new Stack(app, 'Bare');
    new sqs.Queue(stack, 'Plain');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow();
  });
});
