import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import { API_FUNCTIONS } from '../functions/api/functions.js';
import { TABLE_FUNCTIONS, type TableFunction } from '../functions/lib/table/pattern.js';
import type { HandoffConfig } from './config.js';
import { HandoffApi } from './constructs/api.js';
import { BundledFunction } from './constructs/bundled-function.js';
import { CsvTransfers } from './constructs/csv-transfers.js';
import { HandoffTable } from './constructs/data.js';
import { EmailCapture } from './constructs/email-capture.js';
import { HandoffEventBus } from './constructs/events.js';
import { Integrations } from './constructs/integrations.js';
import { Observability } from './constructs/observability.js';
import { OutboxRelay } from './constructs/outbox-relay.js';
import { RedriveDeadLetters } from './constructs/redrive-dead-letters.js';
import { HandoffSchedules } from './constructs/schedules.js';
import { EventSchemaRegistry } from './constructs/schema-registry.js';
import { WebConsole } from './constructs/web-console.js';
import { Webhooks } from './constructs/webhooks.js';

// One deployment = one company. The stack composes the constructs; each says what it makes.
// Over 300 lines: the functions' wiring (environment, grants, rules) reads best in one place.
// Table grants are not written here: each function's is generated from its declared access
// patterns (functions/lib/table/entities/, HandoffTable.grantPatterns).

export interface HandoffStackProps extends StackProps {
  config: HandoffConfig;
}

export class HandoffStack extends Stack {
  readonly table: HandoffTable;
  readonly events: HandoffEventBus;
  readonly api: HandoffApi;
  readonly relay: OutboxRelay;
  readonly console: WebConsole;
  readonly functions: Record<string, BundledFunction> = {};

  constructor(scope: Construct, id: string, props: HandoffStackProps) {
    super(scope, id, props);
    const { config } = props;
    const defaults = { logRetentionDays: config.logRetentionDays, tracing: config.tracing };

    // The console first: the API's CORS, the sign-in callbacks and the digest's links name its URL.
    // Its content security policy names the API, the sign-in domain and the files bucket by
    // pattern, not by reference, which would make a cycle (the API's CORS names the distribution).
    const authDomainPrefix = config.authDomainPrefix ?? `${id.toLowerCase()}-${this.account}`;
    const signInOrigin = config.jwt
      ? new URL(config.jwt.issuer).origin
      : `https://${authDomainPrefix}.auth.${this.region}.amazoncognito.com`;
    this.console = new WebConsole(this, 'Console', {
      connectSources: [
        `https://*.execute-api.${this.region}.${this.urlSuffix}`,
        signInOrigin,
        `https://*.s3.${this.region}.${this.urlSuffix}`,
      ],
    });
    const appUrl = config.appUrl ?? this.console.url;
    const corsOrigins = [this.console.url, ...config.corsOrigins];

    this.table = new HandoffTable(this, 'Data');
    this.events = new HandoffEventBus(this, 'Events', { archiveRetentionDays: config.archiveRetentionDays });
    new EventSchemaRegistry(this, 'EventSchemas', `${id}-events`);

    const apiFunctions = API_FUNCTIONS.map((spec) => {
      const fn = new BundledFunction(this, spec.name, {
        entry: spec.entry,
        description: spec.description,
        environment: {
          TABLE_NAME: this.table.table.tableName,
          HANDOFF_GRACE_MINUTES: String(config.handoffGraceMinutes),
        },
        defaults,
        ...(spec.assets ? { assets: spec.assets } : {}),
      });
      this.functions[spec.name] = fn;
      return { fn: fn.fn, routes: spec.routes() };
    });
    // CSV imports and exports: the bucket and the two functions; the transfer API issues the links.
    const transfers = new CsvTransfers(this, 'Transfers', {
      table: this.table,
      bus: this.events,
      corsOrigins,
      defaults,
      ...(config.importConcurrency === undefined ? {} : { importConcurrency: config.importConcurrency }),
    });
    this.functions.CsvImport = transfers.importer;
    this.functions.CsvExport = transfers.exporter;
    this.functions.TransferApi!.fn.addEnvironment('FILES_BUCKET', transfers.bucket.bucketName);
    transfers.grantObjects(this.functions.TransferApi!.role, ['s3:PutObject'], 'uploads/*');
    transfers.grantObjects(this.functions.TransferApi!.role, ['s3:GetObject'], 'downloads/*');
    // attachments: the CRM API (deals, contacts, companies, any attachment by id) and the delivery
    // API (projects, tasks) sign links for attachments/ and delete what they delete
    for (const api of [this.functions.CrmApi!, this.functions.DeliveryApi!]) {
      api.fn.addEnvironment('FILES_BUCKET', transfers.bucket.bucketName);
      transfers.grantObjects(api.role, ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'], 'attachments/*');
      // completing an upload asks whether the file is there: S3 answers a missing object with a
      // 404 only to a caller that may list the bucket, and with a 403 to the others
      api.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [transfers.bucket.bucketArn] }),
      );
    }

    // the customer portal signs download links for the files shared with a customer: read only
    this.functions.PortalApi!.fn.addEnvironment('FILES_BUCKET', transfers.bucket.bucketName);
    transfers.grantObjects(this.functions.PortalApi!.role, ['s3:GetObject'], 'attachments/*');
    // a portal link's URL names the console; it is mailed (POST /projects/{id}/portal-links with
    // send) by the delivery API itself: the link's secret exists only in that request
    this.functions.DeliveryApi!.fn.addEnvironment('APP_URL', appUrl);
    // quotes are mailed by the CRM API (POST /quotes/{id}/send), from the deployment's one sender
    if (config.digestFromEmail) {
      const crm = this.functions.CrmApi!;
      crm.fn.addEnvironment('QUOTE_FROM_EMAIL', config.digestFromEmail);
      crm.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: [
            this.formatArn({ service: 'ses', resource: 'identity', resourceName: config.digestFromEmail }),
            this.formatArn({
              service: 'ses',
              resource: 'identity',
              resourceName: config.digestFromEmail.split('@')[1]!,
            }),
          ],
        }),
      );
    }

    // Run by hand: recomputes the report totals from the deals (verify, or apply).
    const rebuild = new BundledFunction(this, 'RebuildReports', {
      entry: 'functions/reports/rebuild-reports.ts',
      description: 'Recomputes the report totals from the deals; {"apply": true} corrects them',
      environment: { TABLE_NAME: this.table.table.tableName },
      timeout: Duration.minutes(15),
      defaults,
    });
    this.functions.RebuildReports = rebuild;

    this.api = new HandoffApi(this, 'Api', {
      functions: apiFunctions,
      ...(config.jwt ? { jwt: config.jwt } : {}),
      corsOrigins: config.corsOrigins,
      throttle: config.throttle,
      logRetentionDays: config.logRetentionDays,
      console: { url: this.console.url, authDomainPrefix },
    });
    const domain = this.api.userPoolDomain;
    this.console.deploy({
      apiUrl: this.api.url,
      region: this.region,
      signIn:
        domain && this.api.userPoolClient
          ? {
              authority: this.api.issuer,
              clientId: this.api.userPoolClient.userPoolClientId,
              authorizationEndpoint: `${domain.baseUrl()}/oauth2/authorize`,
              tokenEndpoint: `${domain.baseUrl()}/oauth2/token`,
              logoutEndpoint: `${domain.baseUrl()}/logout`,
            }
          : { authority: this.api.issuer, clientId: config.consoleClientId ?? this.api.audience[0]! },
    });

    this.relay = new OutboxRelay(this, 'Outbox', {
      table: this.table.table,
      bus: this.events.bus,
      defaults,
    });
    this.functions.OutboxRelay = this.relay.function;

    // Reschedules too large for one transaction are finished by this function (safe to repeat).
    const cascade = new BundledFunction(this, 'RescheduleCascade', {
      entry: 'functions/delivery/reschedule-cascade.ts',
      description: 'Writes the task moves of a reschedule that did not fit one transaction',
      environment: { TABLE_NAME: this.table.table.tableName },
      timeout: Duration.seconds(60),
      defaults,
      asynchronous: { retryAttempts: 2 },
    });
    this.events.addLambdaRule('RescheduleRequested', {
      description: 'ProjectRescheduleRequested → the reschedule cascade',
      events: ['ProjectRescheduleRequested'],
      target: cascade.fn,
    });
    this.functions.RescheduleCascade = cascade;

    // Copies a change reaches on too many records for its own transaction, written a moment
    // after it, a page at a time: a renamed company's name on its deals, a stopped, resumed or
    // handed-over project's tasks on their people's due lists (safe to repeat).
    const refresh = new BundledFunction(this, 'RefreshCopies', {
      entry: 'functions/operations/refresh-copies.ts',
      description:
        "Copies a company's new name onto its deals, a project's tasks onto their people's due lists",
      environment: { TABLE_NAME: this.table.table.tableName },
      timeout: Duration.minutes(5),
      defaults,
      asynchronous: { retryAttempts: 2 },
    });
    this.events.addLambdaRule('CompanyRenamed', {
      description: "CompanyUpdated with a new name → its deals' companyName",
      events: ['CompanyUpdated'],
      detail: { data: { changed: ['name'] } },
      target: refresh.fn,
    });
    this.events.addLambdaRule('ProjectStoppedOrHandedOver', {
      description:
        "ProjectStatusChanged, ProjectUpdated with a new delivery owner → its tasks' due-list entries",
      events: ['ProjectStatusChanged', 'ProjectUpdated'],
      target: refresh.fn,
    });
    this.functions.RefreshCopies = refresh;

    // The handoff: DealClosedWon → the delivery project, exactly once.
    const handoff = new BundledFunction(this, 'CreateProjectOnWin', {
      entry: 'functions/handoff/create-project-on-win.ts',
      description: 'Creates the delivery project of a won deal, exactly once; stops it when the deal is lost',
      environment: { TABLE_NAME: this.table.table.tableName },
      timeout: Duration.seconds(60),
      defaults,
      // a refused DealClosedWon (an unknown version, a failure) ends in its on-failure queue
      asynchronous: { retryAttempts: 2 },
    });
    this.events.addLambdaRule('DealClosedWon', {
      description:
        'DealClosedWon (any version: an unknown one is refused to the dead-letter queue) to the handoff',
      events: ['DealClosedWon'],
      target: handoff.fn,
    });
    // A won deal reopened and lost: its project stops. Only losses that name a project match.
    this.events.addLambdaRule('DealLostWithProject', {
      description:
        'DealClosedLost of a deal that has a delivery project → the project on hold (or cancelled)',
      events: ['DealClosedLost'],
      detail: { data: { projectId: [{ exists: true }] } },
      target: handoff.fn,
    });
    this.functions.CreateProjectOnWin = handoff;

    // The gap, watched: won deals with no project after the grace period.
    const schedules = new HandoffSchedules(this, 'Schedules', id.toLowerCase());
    const gapMonitor = new BundledFunction(this, 'HandoffGapMonitor', {
      entry: 'functions/handoff/gap-monitor.ts',
      description: 'Reports won deals without a delivery project after the grace period',
      environment: {
        TABLE_NAME: this.table.table.tableName,
        HANDOFF_GRACE_MINUTES: String(config.handoffGraceMinutes),
        POWERTOOLS_METRICS_NAMESPACE: 'Handoff',
      },
      timeout: Duration.seconds(60),
      defaults,
      // the next run (in 5 minutes) does the same work: an old event is not worth running
      asynchronous: { retryAttempts: 2, maxEventAge: Duration.minutes(30) },
    });
    schedules.add({
      name: 'handoff-gap-monitor',
      description: 'Won deals without a project after the grace period',
      expression: scheduler.ScheduleExpression.rate(Duration.minutes(5)),
      target: gapMonitor.fn,
    });
    this.functions.HandoffGapMonitor = gapMonitor;

    // Follow-up enforcement: the overdue sweep, the daily digest, and (by context) its email.
    const sweep = new BundledFunction(this, 'OverdueSweep', {
      entry: 'functions/followup/overdue-sweep.ts',
      description: 'Flags late next actions, tasks and stalled deals, once each',
      environment: { TABLE_NAME: this.table.table.tableName },
      timeout: Duration.seconds(120),
      defaults,
      asynchronous: { retryAttempts: 2, maxEventAge: Duration.minutes(30) },
    });
    schedules.add({
      name: 'overdue-sweep',
      description: 'Late next actions, tasks and stalled deals',
      expression: scheduler.ScheduleExpression.rate(Duration.minutes(config.sweepMinutes)),
      target: sweep.fn,
    });
    this.functions.OverdueSweep = sweep;

    const digest = new BundledFunction(this, 'DailyDigest', {
      entry: 'functions/followup/daily-digest.ts',
      description: "Each person's follow-up digest, at the digest hour of their time zone",
      environment: {
        TABLE_NAME: this.table.table.tableName,
        DIGEST_HOUR: String(config.digestHour),
        HANDOFF_GRACE_MINUTES: String(config.handoffGraceMinutes),
      },
      timeout: Duration.seconds(120),
      defaults,
      // a digest is due at its hour; a failed hour is retried within the same hour
      asynchronous: { retryAttempts: 2, maxEventAge: Duration.hours(1) },
    });
    schedules.add({
      name: 'daily-digest',
      description: 'Every hour: the digests of those whose digest hour it is',
      expression: scheduler.ScheduleExpression.cron({ minute: '0' }),
      target: digest.fn,
    });
    this.functions.DailyDigest = digest;

    if (config.digestFromEmail) {
      const mailer = new BundledFunction(this, 'DigestMailer', {
        entry: 'functions/followup/digest-mailer.ts',
        description: 'Emails each FollowUpDigest through SES',
        environment: {
          TABLE_NAME: this.table.table.tableName,
          DIGEST_FROM_EMAIL: config.digestFromEmail,
          APP_URL: appUrl,
        },
        timeout: Duration.seconds(30),
        defaults,
        asynchronous: { retryAttempts: 2 },
      });
      const domain = config.digestFromEmail.split('@')[1]!;
      mailer.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: [
            this.formatArn({ service: 'ses', resource: 'identity', resourceName: config.digestFromEmail }),
            this.formatArn({ service: 'ses', resource: 'identity', resourceName: domain }),
          ],
        }),
      );
      this.events.addLambdaRule('FollowUpDigest', {
        description: 'FollowUpDigest to the digest mailer',
        events: ['FollowUpDigest'],
        target: mailer.fn,
      });
      this.functions.DigestMailer = mailer;
      const delivery = this.functions.DeliveryApi!;
      delivery.fn.addEnvironment('DIGEST_FROM_EMAIL', config.digestFromEmail);
      delivery.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: [
            this.formatArn({ service: 'ses', resource: 'identity', resourceName: config.digestFromEmail }),
            this.formatArn({ service: 'ses', resource: 'identity', resourceName: domain }),
          ],
        }),
      );
    }

    // Email capture: SES receives the domain's mail, the capture function logs it; the CRM API
    // sends what people write in the console (from their address, the capture address in BCC).
    if (config.inboundEmailDomain) {
      const capture = new EmailCapture(this, 'Email', {
        domain: config.inboundEmailDomain,
        bucket: transfers.bucket,
        tableName: this.table.table.tableName,
        defaults,
        grantObjects: (role, actions, prefix) => transfers.grantObjects(role, actions, prefix),
      });
      this.functions.EmailCapture = capture.function;
      const crm = this.functions.CrmApi!;
      const senders = [...new Set([config.inboundEmailDomain, ...config.emailSenderDomains])];
      crm.fn.addEnvironment('INBOUND_EMAIL_DOMAIN', config.inboundEmailDomain);
      crm.fn.addEnvironment('EMAIL_SENDER_DOMAINS', senders.join(','));
      crm.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: senders.map((d) =>
            this.formatArn({ service: 'ses', resource: 'identity', resourceName: d }),
          ),
        }),
      );
      new CfnOutput(this, 'ReceiptRuleSetName', {
        value: capture.ruleSet.receiptRuleSetName,
        description:
          'aws ses set-active-receipt-rule-set --rule-set-name <this> (once; docs/operations.md, "Email capture")',
      });
    }
    // Webhooks: every event to the endpoints admins add at run time, signed, retried, logged.
    const webhooks = new Webhooks(this, 'Webhooks', {
      table: this.table,
      events: this.events,
      defaults,
      timeoutSeconds: config.webhookTimeoutSeconds,
      archiveRetentionDays: config.archiveRetentionDays,
    });
    this.functions.WebhookSender = webhooks.sender;
    // a replay asked for reaches back no further than the archive keeps
    this.functions.WorkspaceApi!.fn.addEnvironment(
      'ARCHIVE_RETENTION_DAYS',
      String(config.archiveRetentionDays),
    );

    // Each function's table grant, generated from the access patterns declared for it
    // (functions/lib/table/entities/): what it reads and writes, and nothing else.
    for (const [name, fn] of Object.entries(this.functions)) {
      if (!(TABLE_FUNCTIONS as readonly string[]).includes(name)) continue;
      this.table.grantPatterns(fn.role, name as TableFunction);
    }

    new Integrations(this, 'Integrations', {
      bus: this.events.bus,
      forwardToAccounts: config.forwardToAccounts,
    });

    // Made last but Observability: it reads every dead-letter queue and function made above.
    const redrive = new RedriveDeadLetters(this, 'Redrive', {
      defaults,
      table: this.table,
      bus: this.events.bus,
    });
    this.functions.RedriveDeadLetters = redrive.function;

    const observability = new Observability(this, 'Observability', {
      httpApi: this.api.httpApi,
      table: this.table.table,
      relay: this.relay.function.fn,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
    });
    observability.alarmOn(
      'HandoffMissing',
      new cloudwatch.Metric({
        namespace: 'Handoff',
        metricName: 'HandoffsMissing',
        dimensionsMap: { service: 'HandoffGapMonitor' },
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
      1,
      'a won deal has had no delivery project for longer than the grace period: see GET /followups',
    );
    observability.alarmOn(
      'WebhooksBehind',
      webhooks.eventsQueue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      300,
      'an event has waited more than 5 minutes for the webhook sender: read its errors (WebhookSender) and throttles',
    );

    new CfnOutput(this, 'ConsoleUrl', { value: this.console.url, description: 'the web console' });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'the HTTP API' });
    new CfnOutput(this, 'EventBusName', {
      value: this.events.bus.eventBusName,
      description: 'subscribe rules here',
    });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'FilesBucket', {
      value: transfers.bucket.bucketName,
      description: 'CSV uploads and downloads (7 days)',
    });
    new CfnOutput(this, 'RedriveFunction', {
      value: redrive.function.fn.functionName,
      description:
        'aws lambda invoke --function-name <this> --payload \'{"queue":"<queue name>"}\' out.json (docs/operations.md)',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: observability.topic.topicArn,
      description: 'every alarm publishes here: subscribe email, chat or paging to it',
    });
    new CfnOutput(this, 'RebuildReportsFunction', {
      value: rebuild.fn.functionName,
      description: 'aws lambda invoke --function-name <this> --payload \'{"apply":false}\' out.json',
    });
    if (this.api.userPool && this.api.userPoolClient) {
      new CfnOutput(this, 'UserPoolId', { value: this.api.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: this.api.userPoolClient.userPoolClientId });
    }
  }
}
