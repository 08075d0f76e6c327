import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENTS, type EventName } from '../../domain/events.js';
import { API_FUNCTIONS } from '../../functions/api/functions.js';
import { catalog, grantOf } from '../../functions/lib/table/catalog.js';
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
  it('has a route for every route in the code, each with the JWT authorizer but the two open ones and the portal', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(Object.keys(allRoutes()).sort());
    const portal = API_FUNCTIONS.find((f) => f.name === 'PortalApi')!.routes();
    // every /portal/* route, and only those, is the portal function's: it checks the portal session itself
    expect(Object.keys(portal).sort()).toEqual(
      routes
        .map((r) => r.RouteKey as string)
        .filter((k) => k.split(' ')[1]!.startsWith('/portal/'))
        .sort(),
    );
    for (const route of routes) {
      if (
        route.RouteKey === 'GET /health' ||
        route.RouteKey === 'GET /openapi.json' ||
        route.RouteKey in portal
      ) {
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
    for (const context of [
      {},
      { digestFromEmail: 'digest@acme.example', inboundEmailDomain: 'crm.acme.example' },
    ]) {
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
      const expected = TABLE_FUNCTIONS.filter(
        (f) =>
          (f !== 'DigestMailer' || 'digestFromEmail' in context) &&
          (f !== 'EmailCapture' || 'inboundEmailDomain' in context),
      );
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
    // the portal only signs download links for the files shared with a customer
    const portal = statementsOf('PortalApiRole').filter((s) => s.actions.some((a) => a.startsWith('s3:')));
    expect(portal.map((s) => [s.actions, s.resource.match(/\/[a-z]+\/\*/)?.[0]])).toEqual([
      [['s3:GetObject'], '/attachments/*'],
    ]);
    for (const fn of ['WorkspaceApiRole', 'ReportsApiRole'])
      expect(
        statementsOf(fn)
          .flatMap((s) => s.actions)
          .filter((a) => a.startsWith('s3:')),
      ).toEqual([]);
    expect(statements.flatMap((s) => s.actions)).not.toContain('dynamodb:Scan');
  });

  it('the functions that need no table write get none: the reports API reads only (docs/architecture.md, decision 10)', () => {
    expect(grantOf('ReportsApi')).toEqual({
      actions: ['BatchGetItem', 'GetItem', 'Query'],
      indexes: ['gsi2', 'gsi3'],
    });
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

  it("the portal API may write only a customer's part: sessions, wrong-token counts, its timeline, an approval's task and project, comments, events", () => {
    // what it writes, by declared pattern: the grant is derived from these (and compared above)
    const writes = Object.entries(catalog)
      .filter(([, p]) => p.kind === 'write' && p.functions.includes('PortalApi'))
      .map(([name]) => name)
      .sort();
    expect(writes).toEqual(
      [
        'deliveryNewsWritten',
        'dueEntryWritten',
        'outboxEvent',
        'portalFailureCounted',
        'portalSessionStarted',
        'portalSessionViewed',
        'projectChanged',
        'projectLogged',
        'taskChanged',
        'taskCommented',
      ].sort(),
    );
    expect(grantOf('PortalApi').indexes).toEqual([]);
    // no mail, no bus, no other function: what it does is on the table (and one bucket prefix, read)
    const other = statementsOf('PortalApiRole')
      .flatMap((s) => s.actions)
      .filter((a) => !/^(dynamodb|s3|logs):/.test(a));
    expect(other).toEqual([]);
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
    // the delivery API mails a portal link itself (its secret exists only in that request)
    const delivery = Object.entries(t.findResources('AWS::IAM::Policy')).find(([id]) =>
      id.startsWith('DeliveryApiRole'),
    )![1] as any;
    const deliverySes = delivery.Properties.PolicyDocument.Statement.find(
      (s: { Action: string }) => s.Action === 'ses:SendEmail',
    );
    expect(JSON.stringify(deliverySes.Resource)).toContain('identity/digest@acme.example');
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
    const all = synthesize({ forwardToAccounts: '111122223333' }).resources;
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
    // webhooks are the sender's (below): no API destination, no static key
    expect(Object.values(all).some((r) => r.Type === 'AWS::Events::ApiDestination')).toBe(false);
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
    // every queue is a dead-letter queue or on-failure destination, but the two the webhook
    // sender reads, whose lag has an alarm of its own (WebhooksBehind)
    const read = ofType('AWS::SQS::Queue').filter(([, q]) => q.Properties.RedrivePolicy).length;
    expect(read).toBe(2);
    expect(alarms.filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')).toHaveLength(
      ofType('AWS::SQS::Queue').length - read,
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
    // the handoff, the cascade, the copies' refresh, the CSV import and export, the mailer, the three schedules
    expect(targets).toHaveLength(9);
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
        'sqs:SendMessage',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    const sqsStatement = statements.find((st) => [st.Action].flat().includes('sqs:ReceiveMessage'))!;
    // every queue but the two the webhook sender reads is a dead-letter queue or on-failure destination
    const sources = ofType('AWS::SQS::Queue').filter(([, q]) => q.Properties.RedrivePolicy);
    expect(sources.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'WebhooksAttempts',
      'WebhooksEvents',
    ]);
    expect((sqsStatement.Resource as unknown[]).length).toBe(
      ofType('AWS::SQS::Queue').length - sources.length,
    );
    // what such a queue gave up on goes back to it, and nowhere else
    const sendBack = statements.find((st) => [st.Action].flat().includes('sqs:SendMessage'))!;
    expect(JSON.stringify(sendBack.Resource)).toBe(
      JSON.stringify(sources.map(([id]) => ({ 'Fn::GetAtt': [id, 'Arn'] }))),
    );
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
    expect(() => synthesize({ webhookTimeoutSeconds: '60' })).toThrow(
      /webhookTimeoutSeconds must be a whole number of seconds from 1 to 30, not 60/,
    );
  });

  it('stops a deployment that still passes the removed deploy-time webhook, naming the way to move', () => {
    expect(() =>
      synthesize({ webhookUrl: 'https://hooks.example.com/handoff', webhookApiKeySecret: 'handoff/webhook' }),
    ).toThrow(
      /context webhookUrl, webhookApiKeySecret was removed: add the endpoint with POST \/webhook-endpoints .*docs\/operations.md, "Moving from -c webhookUrl"/,
    );
  });
});

describe('webhooks', () => {
  /** One of the two queues the sender reads (not their dead-letter queues). */
  const queue = (prefix: string) =>
    ofType('AWS::SQS::Queue').find(([id]) => id.startsWith(prefix) && !id.includes('DeadLetters'))!;
  const senderPolicy = () =>
    ofType('AWS::IAM::Policy').find(([id]) => id.startsWith('WebhooksWebhookSenderRole'))![1].Properties
      .PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[];

  it('a rule sends every event of the catalog (its sources) to the events queue, retried, with a dead-letter queue', () => {
    const [, rule] = ofType('AWS::Events::Rule').find(([id]) => id.startsWith('WebhooksToWebhooks'))!;
    expect(rule.Properties.EventPattern).toEqual({
      source: [...new Set(Object.values(EVENTS).map((e) => e.source))],
    });
    const [eventsId] = queue('WebhooksEvents');
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [eventsId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86_400 },
        DeadLetterConfig: {
          Arn: { 'Fn::GetAtt': [expect.stringMatching(/^WebhooksToWebhooksDeadLetters/), 'Arn'] },
        },
      }),
    ]);
    // EventBridge may send to it (the queue's policy names the rule)
    const policy = ofType('AWS::SQS::QueuePolicy').find(([, p]) =>
      JSON.stringify(p.Properties.Queues).includes(eventsId),
    )!;
    expect(JSON.stringify(policy[1].Properties.PolicyDocument)).toContain('events.amazonaws.com');
  });

  it('its two queues are encrypted, TLS only, give up on a message after 10 receives into an alarmed dead-letter queue', () => {
    for (const [prefix, retention] of [
      ['WebhooksEvents', 4 * 86_400],
      ['WebhooksAttempts', 14 * 86_400],
    ] as const) {
      const [id, q] = queue(prefix);
      expect(q.Properties, id).toMatchObject({
        SqsManagedSseEnabled: true,
        VisibilityTimeout: 720,
        MessageRetentionPeriod: retention,
        RedrivePolicy: { maxReceiveCount: 10 },
      });
      const dlq = q.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0];
      const alarmed = JSON.stringify(
        ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties.Dimensions),
      );
      expect(alarmed, id).toContain(dlq);
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 300,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue('WebhooksEvents')[0], 'QueueName'] } }],
    });
  });

  it('the sender reads both queues in batches of 10, at most 10 at once, reporting item failures, events gathered for a second; its timeout fits the visibility', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(([id]) =>
      id.startsWith('WebhooksWebhookSender'),
    );
    expect(mappings.map(([, m]) => m.Properties.EventSourceArn['Fn::GetAtt'][0]).sort()).toEqual(
      [queue('WebhooksAttempts')[0], queue('WebhooksEvents')[0]].sort(),
    );
    for (const [, m] of mappings)
      expect(m.Properties).toMatchObject({
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 10 },
      });
    const windowOf = (queueId: string) =>
      mappings.find(([, m]) => m.Properties.EventSourceArn['Fn::GetAtt'][0] === queueId)![1].Properties
        .MaximumBatchingWindowInSeconds;
    expect(windowOf(queue('WebhooksEvents')[0])).toBe(1);
    expect(windowOf(queue('WebhooksAttempts')[0])).toBeUndefined();
    const [, sender] = handoffFunctions().find(([id]) => id.startsWith('WebhooksWebhookSender'))!;
    expect(sender.Properties.Timeout * 6).toBeLessThanOrEqual(720);
    expect(Object.keys(sender.Properties.Environment.Variables)).toEqual(
      expect.arrayContaining([
        'WEBHOOK_RETRY_QUEUE_URL',
        'EVENT_ARCHIVE_ARN',
        'EVENT_BUS_ARN',
        'WEBHOOK_RULE_ARN',
      ]),
    );
    // loopback receivers are the local runtime's alone
    expect(JSON.stringify(resources)).not.toContain('WEBHOOK_ALLOW_LOOPBACK');
  });

  it('the sender may consume its queues, send to the attempts queue, start replays of the archive, and nothing else beyond its table patterns', () => {
    const statements = senderPolicy();
    const byAction = (action: string) =>
      statements.filter((st) => [st.Action].flat().includes(action)).map((st) => JSON.stringify(st.Resource));
    const [eventsId] = queue('WebhooksEvents');
    const [attemptsId] = queue('WebhooksAttempts');
    expect(byAction('sqs:SendMessage')).toEqual([JSON.stringify({ 'Fn::GetAtt': [attemptsId, 'Arn'] })]);
    expect(byAction('sqs:ReceiveMessage').sort()).toEqual(
      [eventsId, attemptsId].map((id) => JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] })).sort(),
    );
    const [replay] = byAction('events:StartReplay');
    expect(replay).toContain('EventsBusArchive');
    expect(replay).toContain('EventsBus45DE4339');
    expect(replay).toContain(':replay/*');
    const actions = [...new Set(statements.flatMap((st) => [st.Action].flat()))];
    expect(actions.filter((a) => !a.startsWith('dynamodb:')).sort()).toEqual(
      [
        'events:StartReplay',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    // the API asks for resends and replays through the outbox: it may not touch the queues or the bus
    const [, workspace] = ofType('AWS::IAM::Policy').find(([id]) => id.startsWith('WorkspaceApiRole'))!;
    expect(JSON.stringify(workspace.Properties.PolicyDocument)).not.toMatch(/"sqs:|"events:/);
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

describe('email capture (-c inboundEmailDomain)', () => {
  let capture: Resources;
  beforeAll(() => {
    capture = synthesize({
      inboundEmailDomain: 'crm.acme.example',
      emailSenderDomains: 'acme.example',
    }).resources;
  }, 120_000);
  const one = (type: string) => {
    const found = ofTypeIn(capture, type);
    expect(found, type).toHaveLength(1);
    return found[0]!;
  };
  const functionId = () =>
    ofTypeIn(capture, 'AWS::Lambda::Function').find(([id]) => id.startsWith('EmailEmailCapture'))![0];

  it('is off without the context: no rule set, no capture function, nothing to send with', () => {
    expect(ofType('AWS::SES::ReceiptRuleSet')).toEqual([]);
    expect(ofType('AWS::SES::ReceiptRule')).toEqual([]);
    expect(handoffFunctions().some(([id]) => id.startsWith('EmailEmailCapture'))).toBe(false);
    expect(JSON.stringify(ofType('AWS::IAM::Policy'))).not.toContain('ses:SendEmail');
  });

  it('a receipt rule for the domain: TLS required, spam and virus scanning, the message stored under inbound-email/, then the capture function, asynchronously', () => {
    const [setId] = one('AWS::SES::ReceiptRuleSet');
    const [, rule] = one('AWS::SES::ReceiptRule');
    expect(rule.Properties.RuleSetName).toEqual({ Ref: setId });
    expect(rule.Properties.Rule).toMatchObject({
      Enabled: true,
      Recipients: ['crm.acme.example'],
      ScanEnabled: true,
      TlsPolicy: 'Require',
    });
    const [store, invoke] = rule.Properties.Rule.Actions;
    expect(store.S3Action).toMatchObject({ ObjectKeyPrefix: 'inbound-email/' });
    expect(store.S3Action.BucketName.Ref).toMatch(/^TransfersFiles/);
    // SES's own KMS option is client-side encryption (unreadable without the S3 encryption client): the bucket's default encryption applies instead
    expect(store.S3Action.KmsKeyArn).toBeUndefined();
    expect(invoke.LambdaAction).toMatchObject({ InvocationType: 'Event' });
    expect(invoke.LambdaAction.FunctionArn['Fn::GetAtt'][0]).toBe(functionId());
    // SES checks its permissions when the rule is created: both exist first
    expect(JSON.stringify(ofTypeIn(capture, 'AWS::SES::ReceiptRule')[0]![1].DependsOn)).toMatch(
      /Policy.*|AllowSes/,
    );
  });

  it('the prefix is encrypted at rest, reachable over TLS only, kept 30 days; SES may write only it, for this account', () => {
    const [bucketId, bucket] = ofTypeIn(capture, 'AWS::S3::Bucket').find(([id]) =>
      id.startsWith('TransfersFiles'),
    )!;
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
    expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ Prefix: 'inbound-email/', ExpirationInDays: 30, Status: 'Enabled' }),
    );
    const [, policy] = ofTypeIn(capture, 'AWS::S3::BucketPolicy').find(
      ([, p]) => p.Properties.Bucket.Ref === bucketId,
    )!;
    const statements = policy.Properties.PolicyDocument.Statement as any[];
    const ses = statements.filter((s) => JSON.stringify(s.Principal).includes('ses.amazonaws.com'));
    expect(ses).toHaveLength(1);
    expect(ses[0]).toMatchObject({
      Effect: 'Allow',
      Action: 's3:PutObject',
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    expect(JSON.stringify(ses[0].Resource)).toContain('/inbound-email/*');
    expect(
      statements.some(
        (s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport'),
      ),
    ).toBe(true);
  });

  it('SES may invoke the capture function (for this account); the function reads inbound-email/, writes attachments/, retries, then an on-failure queue', () => {
    const fn = functionId();
    const permissions = ofTypeIn(capture, 'AWS::Lambda::Permission').filter(
      ([, p]) => p.Properties.FunctionName['Fn::GetAtt']?.[0] === fn,
    );
    expect(permissions.map(([, p]) => p.Properties)).toEqual([
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        Principal: 'ses.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
      }),
    ]);
    const role = capture[fn]!.Properties.Role['Fn::GetAtt'][0];
    const statements = ofTypeIn(capture, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: { Ref?: string }) => r.Ref === role))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
    const s3 = statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('s3:')));
    expect(s3.map((s) => [s.Action, JSON.stringify(s.Resource).match(/\/([a-z-]+)\/\*/)?.[1]])).toEqual([
      ['s3:GetObject', 'inbound-email'],
      ['s3:PutObject', 'attachments'],
    ]);
    const config = ofTypeIn(capture, 'AWS::Lambda::EventInvokeConfig').find(
      ([, c]) => c.Properties.FunctionName.Ref === fn,
    )![1].Properties;
    expect(config.MaximumRetryAttempts).toBe(2);
    expect(capture[config.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0]]!.Type).toBe(
      'AWS::SQS::Queue',
    );
    expect(capture[fn]!.Properties.Environment.Variables).toMatchObject({
      INBOUND_EMAIL_DOMAIN: 'crm.acme.example',
    });
    // an alarm on its errors and on its on-failure queue, as on every function's
    const alarmed = JSON.stringify(
      ofTypeIn(capture, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties.Dimensions),
    );
    expect(alarmed).toContain(config.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0]);
    expect(alarmed).toContain(fn);
  });

  it('the CRM API sends from the capture domain and the sender domains only, and knows both', () => {
    const api = ofTypeIn(capture, 'AWS::Lambda::Function').find(([id]) => id.startsWith('CrmApi'))!;
    expect(api[1].Properties.Environment.Variables).toMatchObject({
      INBOUND_EMAIL_DOMAIN: 'crm.acme.example',
      EMAIL_SENDER_DOMAINS: 'crm.acme.example,acme.example',
    });
    const role = api[1].Properties.Role['Fn::GetAtt'][0];
    const send = ofTypeIn(capture, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: { Ref?: string }) => r.Ref === role))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[])
      .filter((s) => [s.Action].flat().includes('ses:SendEmail'));
    expect(send).toHaveLength(1);
    const resources = JSON.stringify(send[0].Resource);
    expect(resources).toContain('identity/crm.acme.example');
    expect(resources).toContain('identity/acme.example');
    expect(resources).not.toContain('*');
  });

  it('passes cdk-nag, and refuses a domain SES could not receive for', () => {
    const { app } = buildApp(
      new App({ context: { 'aws:cdk:bundling-stacks': [], inboundEmailDomain: 'crm.acme.example' } }),
    );
    expect(() => app.synth()).not.toThrow();
    expect(() => synthesize({ inboundEmailDomain: 'not a domain' })).toThrow(
      /inboundEmailDomain must be a domain name \(e\.g\. crm\.example\.com\), not not a domain/,
    );
  }, 120_000);
});
