import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AsyncInvokeConfig } from './lambda-service.js';

// Reads the synthesized CloudFormation template (cdk.out) into what the local runtime runs:
// functions with their bundles and resolved environments, tables, routes and the authorizer,
// the bus and its rules, stream mappings, schedules and queues. References between resources
// resolve to local names and ARNs; nothing here is written twice by hand.
// Over 300 lines: one reader per kind of resource, over the same reference resolver.

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

type Json = any;

export interface LocalFunction {
  logicalId: string;
  /** The template's Handler (file.export), which Lambda gives the function as _HANDLER. */
  handler: string;
  /** A readable name: the construct's id (e.g. CrmApi). */
  name: string;
  arn: string;
  bundleFile: string;
  handlerExport: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  /** ReservedConcurrentExecutions: at most this many environments at once. */
  reservedConcurrency?: number;
  /** X-Ray tracing mode (Active or PassThrough). */
  tracing: string;
  /** Its execution role (a key of LocalApp.roles): what every AWS request it makes may do. */
  roleId?: string;
}

/** An IAM role of the stack with every policy attached to it, intrinsics resolved. */
export interface LocalRole {
  logicalId: string;
  name: string;
  arn: string;
  /** Its inline policies, the AWS::IAM::Policy resources naming it, and the stack's managed policies it has. */
  policies: { name: string; document: Json }[];
  /** Managed policies from outside the template (AWS's own): their statements are not known here. */
  externalPolicies: string[];
}

export interface LocalTable {
  logicalId: string;
  name: string;
  properties: Json;
}

export interface LocalRoute {
  routeKey: string;
  method: string;
  path: string;
  functionId: string;
  jwt: boolean;
}

export interface LocalRuleTarget {
  /** A function of the stack; a queue of the stack; an HTTPS endpoint (API destination); or another account's bus. */
  kind: 'function' | 'queue' | 'http' | 'remote-bus';
  /** The target's ARN, as the template gives it (named by the dead letters' TARGET_ARN). */
  arn: string;
  functionId: string;
  /** A queue target's logical id (the local queue's name). */
  queueId?: string;
  endpoint?: string;
  input?: unknown;
  inputPath?: string;
  maxRetries: number;
  maxEventAgeSeconds: number;
  deadLetterQueue?: string;
}

export interface LocalRule {
  logicalId: string;
  arn: string;
  busName: string;
  pattern: Record<string, unknown>;
  enabled: boolean;
  targets: LocalRuleTarget[];
}

export interface LocalStreamMapping {
  logicalId: string;
  tableId: string;
  functionId: string;
  batchSize: number;
  batchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  bisectOnError: boolean;
  maxRetries: number;
  maxRecordAgeSeconds: number;
  startingPosition: string;
  filters: Record<string, unknown>[];
  onFailureQueue?: string;
}

/** An SQS event source mapping: Lambda polls the queue and invokes the function with batches. */
export interface LocalQueueMapping {
  logicalId: string;
  queueId: string;
  functionId: string;
  batchSize: number;
  batchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  /** ScalingConfig.MaximumConcurrency: at most this many invocations at once (default: the function's). */
  maxConcurrency?: number;
}

/** What the template says of a queue beside its name (AWS::SQS::Queue's properties). */
export interface LocalQueueSettings {
  visibilityTimeoutSeconds: number;
  delaySeconds: number;
  /** RedrivePolicy: after this many receives, a message moves to the dead-letter queue. */
  redrive?: { deadLetterQueue: string; maxReceiveCount: number };
}

export interface LocalSchedule {
  logicalId: string;
  name: string;
  arn: string;
  targetArn: string;
  expression: string;
  timezone: string;
  enabled: boolean;
  functionId: string;
  input?: string;
  maxRetries: number;
  maxEventAgeSeconds: number;
  deadLetterQueue?: string;
  /** The role Scheduler assumes to invoke the target and to send to the dead-letter queue. */
  roleId?: string;
}

export interface LocalBucket {
  logicalId: string;
  name: string;
  /** Whether the bucket sends its events to EventBridge (NotificationConfiguration). */
  eventBridge: boolean;
  cors: { AllowedOrigins: string[]; AllowedMethods: string[]; AllowedHeaders?: string[] }[];
  /** Its bucket policy (AWS::S3::BucketPolicy), resolved. */
  policy?: Json;
}

/** An SES receipt rule: the recipients it takes and its actions, in order (what SES receiving runs). */
export interface LocalReceiptRule {
  logicalId: string;
  ruleSetName: string;
  name: string;
  enabled: boolean;
  /** Addresses or domains it takes mail for (empty: every recipient of the account's domains). */
  recipients: string[];
  scanEnabled: boolean;
  tlsPolicy: string;
  actions: (
    | { kind: 's3'; bucket: string; prefix: string }
    | { kind: 'lambda'; functionId: string; functionArn: string; invocationType: string }
  )[];
}

/** Who may invoke a function besides the account (AWS::Lambda::Permission), e.g. SES. */
export interface LocalPermission {
  functionId: string;
  principal: string;
  action: string;
  sourceAccount?: string;
}

export interface LocalArchive {
  /** Its ARN, as the template names it (a replay's EventSourceArn). */
  arn: string;
  busName: string;
  pattern: Record<string, unknown>;
}

/** The web console as the stack deploys it: the built app, its viewer-request function, its headers. */
export interface LocalConsole {
  /** The folder of the asset the bucket deployment uploads (the Vite build). */
  assetDir: string;
  /** The CloudFront Function's code (viewer request). */
  viewerRequestCode?: string;
  /** The response headers policy's security headers, as CloudFront adds them. */
  headers: Record<string, string>;
}

/**
 * Where the local runtime's services listen. The template names AWS's addresses (the API's
 * execute-api host, the distribution's, the Cognito domain, S3's): a value built from one of
 * them is read with the local address instead, so CORS, links and the content security policy
 * name what runs here.
 */
export interface LocalAddresses {
  api: string;
  console: string;
  issuer: string;
  s3: string;
  /** SQS's endpoint: a queue's URL names it (the SDK sends to the host of the URL it is given). */
  sqs?: string;
}

export interface LocalApp {
  stackName: string;
  console?: LocalConsole;
  /** The user pool client's OAuth settings: where sign-in may return and sign-out may land. */
  signIn?: { callbackUrls: string[]; logoutUrls: string[] };
  functions: Map<string, LocalFunction>;
  tables: LocalTable[];
  buckets: LocalBucket[];
  routes: LocalRoute[];
  cors?: { allowOrigins: string[]; allowHeaders: string[]; exposeHeaders: string[]; allowMethods: string[] };
  buses: string[];
  rules: LocalRule[];
  archives: LocalArchive[];
  streamMappings: LocalStreamMapping[];
  queueMappings: LocalQueueMapping[];
  schedules: LocalSchedule[];
  /** Queue logical id → readable name, for dead letters. */
  queues: Map<string, string>;
  /** Queue logical id → its visibility timeout, delay and redrive policy. */
  queueSettings: Map<string, LocalQueueSettings>;
  /** Function logical id → its asynchronous-invocation settings (AWS::Lambda::EventInvokeConfig). */
  asyncConfigs: Map<string, AsyncInvokeConfig>;
  /** The HTTP API stage's default route throttling. */
  throttle?: { rateLimit: number; burstLimit: number };
  /** ARN → logical id, for every resource an ARN can name. */
  byArn: Map<string, string>;
  /** Role logical id → the role and its policies (what infra/local/iam evaluates). */
  roles: Map<string, LocalRole>;
  /** SES receipt rules (email capture), in their rule set's order. */
  receiptRules: LocalReceiptRule[];
  /** Functions' resource policies (AWS::Lambda::Permission). */
  permissions: LocalPermission[];
}

export function stackTemplatePath(cdkOut: string): { stackName: string; file: string } {
  const manifest = JSON.parse(readFileSync(join(cdkOut, 'manifest.json'), 'utf8'));
  const [stackName, artifact] = Object.entries<Json>(manifest.artifacts).find(
    ([, a]) => a.type === 'aws:cloudformation:stack',
  ) ?? [undefined, undefined];
  if (!stackName) throw new Error(`no stack in ${cdkOut}/manifest.json`);
  return { stackName, file: join(cdkOut, artifact.properties.templateFile) };
}

function readableName(resource: Json, logicalId: string): string {
  const path: string | undefined = resource.Metadata?.['aws:cdk:path'];
  const parts = path?.split('/') ?? [];
  // Handoff/CrmApi/Function/Resource → CrmApi; Handoff/Outbox/OutboxRelay/Function/Resource → OutboxRelay
  const fnIndex = parts.lastIndexOf('Function');
  return fnIndex > 0 ? parts[fnIndex - 1]! : (parts.at(-2) ?? logicalId);
}

const CONSOLE_HOST = 'console.handoff.localhost';

function localizer(region: string, addresses?: LocalAddresses) {
  if (!addresses) return (text: string) => text;
  const r = region.replace(/[-.]/g, '\\$&');
  const rules: [RegExp, string][] = [
    [new RegExp(`https://${CONSOLE_HOST.replace(/\./g, '\\.')}`, 'g'), addresses.console],
    [new RegExp(`https://[\\w*.-]*\\.execute-api\\.${r}\\.amazonaws\\.com`, 'g'), addresses.api],
    [new RegExp(`https://[\\w-]+\\.auth\\.${r}\\.amazoncognito\\.com`, 'g'), addresses.issuer],
    [new RegExp(`https://[\\w*.-]*\\.s3\\.${r}\\.amazonaws\\.com`, 'g'), addresses.s3],
  ];
  return (text: string) => rules.reduce((t, [pattern, local]) => t.replace(pattern, local), text);
}

export function readTemplate(cdkOut: string, addresses?: LocalAddresses): LocalApp {
  const localize = localizer(LOCAL_REGION, addresses);
  const { stackName, file } = stackTemplatePath(cdkOut);
  const template = JSON.parse(readFileSync(file, 'utf8'));
  const resources: Record<string, Json> = template.Resources;
  const byArn = new Map<string, string>();

  const nameOf = (id: string): string => {
    const r = resources[id];
    switch (r?.Type) {
      case 'AWS::Events::EventBus':
        return r.Properties.Name;
      case 'AWS::Scheduler::Schedule':
        return r.Properties.Name ?? id;
      case 'AWS::S3::Bucket':
        // CloudFormation makes a lower-case name from the stack and the id; so does this
        return r.Properties.BucketName ?? `${stackName}-${id}`.toLowerCase().slice(0, 63);
      case 'AWS::IAM::Role':
        // CloudFormation names a role from the stack and the id (and a random suffix, left out)
        return r.Properties.RoleName ?? `${stackName}-${id}`.slice(0, 64);
      default:
        return id;
    }
  };
  const arnOf = (id: string): string => {
    const r = resources[id];
    const name = nameOf(id);
    const arn = (() => {
      switch (r?.Type) {
        case 'AWS::Lambda::Function':
          return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;
        case 'AWS::SQS::Queue':
          return `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`;
        case 'AWS::Events::EventBus':
          return `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/${name}`;
        case 'AWS::DynamoDB::GlobalTable':
          return `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${name}`;
        case 'AWS::S3::Bucket':
          return `arn:aws:s3:::${name}`;
        case 'AWS::IAM::Role':
          return `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`;
        case 'AWS::Events::Rule':
          return `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${r.Properties.EventBusName ? resolve(r.Properties.EventBusName) : 'default'}/${name}`;
        case 'AWS::Events::Archive':
          return `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:archive/${r.Properties.ArchiveName ?? name}`;
        case 'AWS::IAM::ManagedPolicy':
          return `arn:aws:iam::${LOCAL_ACCOUNT}:policy/${r.Properties.ManagedPolicyName ?? `${stackName}-${id}`}`;
        default:
          return `arn:aws:local:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${id}`;
      }
    })();
    byArn.set(arn, id);
    return arn;
  };
  const getAtt = (id: string, attr: string): string => {
    if (attr === 'Arn') return arnOf(id);
    if (attr === 'StreamArn') {
      const arn = `${arnOf(id)}/stream/local`;
      byArn.set(arn, id);
      return arn;
    }
    if (attr === 'QueueUrl') return `${addresses?.sqs ?? 'http://localhost'}/${LOCAL_ACCOUNT}/${nameOf(id)}`;
    if (attr === 'QueueName') return nameOf(id);
    if (resources[id]?.Type === 'AWS::CloudFront::Distribution' && attr === 'DomainName') return CONSOLE_HOST;
    if (attr === 'RegionalDomainName' || attr === 'DomainName') return `${nameOf(id)}.s3.localhost`;
    return `${id}.${attr}`;
  };
  const pseudo: Record<string, string> = {
    'AWS::Region': LOCAL_REGION,
    'AWS::AccountId': LOCAL_ACCOUNT,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': stackName,
    'AWS::NoValue': '',
  };
  const resolve = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    if ('Ref' in value)
      return (
        pseudo[value.Ref] ??
        (resources[value.Ref]?.Type === 'AWS::SQS::Queue' ? getAtt(value.Ref, 'QueueUrl') : nameOf(value.Ref))
      );
    if ('Fn::GetAtt' in value) {
      const [id, attr] = Array.isArray(value['Fn::GetAtt'])
        ? value['Fn::GetAtt']
        : String(value['Fn::GetAtt']).split('.');
      return getAtt(id, attr);
    }
    if ('Fn::Join' in value) {
      const [sep, parts] = value['Fn::Join'];
      return localize(resolve(parts).join(sep));
    }
    if ('Fn::Sub' in value) {
      const [text, vars] = Array.isArray(value['Fn::Sub']) ? value['Fn::Sub'] : [value['Fn::Sub'], {}];
      return localize(String(text)).replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        if (vars[name] !== undefined) return resolve(vars[name]);
        if (pseudo[name] !== undefined) return pseudo[name]!;
        const [id, attr] = name.split('.');
        return attr ? getAtt(id!, attr) : nameOf(id!);
      });
    }
    if ('Fn::Select' in value) {
      const [index, list] = value['Fn::Select'];
      return resolve(list)[Number(resolve(index))];
    }
    if ('Fn::Split' in value) {
      const [sep, text] = value['Fn::Split'];
      return String(resolve(text)).split(sep);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
  };
  const idOfArn = (arn: string): string => {
    const id = byArn.get(arn);
    if (!id) throw new Error(`the template refers to ${arn}, which is not a resource of ${stackName}`);
    return id;
  };
  const entries = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  // ARNs are registered as they resolve: resolve every function and queue first.
  for (const [id] of [
    ...entries('AWS::Lambda::Function'),
    ...entries('AWS::SQS::Queue'),
    ...entries('AWS::Events::EventBus'),
    ...entries('AWS::IAM::Role'),
    ...entries('AWS::IAM::ManagedPolicy'),
  ])
    arnOf(id);
  for (const [id] of entries('AWS::DynamoDB::GlobalTable')) getAtt(id, 'StreamArn');

  const functions = new Map<string, LocalFunction>();
  for (const [id, r] of entries('AWS::Lambda::Function')) {
    // CDK's own providers in other runtimes (the bucket deployment's Python) act at deploy time
    // only; the local runtime does their work itself (the console is served from its asset).
    if (r.Properties.Runtime && !String(r.Properties.Runtime).startsWith('nodejs')) continue;
    const assetPath = r.Metadata?.['aws:asset:path'];
    if (!assetPath) throw new Error(`function ${id} has no bundled asset in ${cdkOut}`);
    const dir = join(cdkOut, assetPath);
    const [fileBase, handlerExport] = String(r.Properties.Handler).split('.') as [string, string];
    const bundle = readdirSync(dir).find(
      (f) => f === `${fileBase}.mjs` || f === `${fileBase}.js` || f === `${fileBase}.cjs`,
    );
    if (!bundle || !existsSync(join(dir, bundle)))
      throw new Error(`function ${id}: no ${fileBase}.mjs in ${dir}`);
    functions.set(id, {
      logicalId: id,
      handler: String(r.Properties.Handler),
      name: readableName(r, id),
      arn: arnOf(id),
      bundleFile: join(dir, bundle),
      handlerExport,
      environment: resolve(r.Properties.Environment?.Variables ?? {}),
      timeoutSeconds: r.Properties.Timeout ?? 3,
      memoryMb: r.Properties.MemorySize ?? 128,
      ...(r.Properties.ReservedConcurrentExecutions !== undefined
        ? { reservedConcurrency: Number(r.Properties.ReservedConcurrentExecutions) }
        : {}),
      tracing: r.Properties.TracingConfig?.Mode ?? 'PassThrough',
      ...(r.Properties.Role ? { roleId: idOfArn(resolve(r.Properties.Role)) } : {}),
    });
  }

  const bucketPolicies = new Map(
    entries('AWS::S3::BucketPolicy').map(([, r]) => [
      r.Properties.Bucket?.Ref as string,
      resolve(r.Properties.PolicyDocument),
    ]),
  );
  const buckets = entries('AWS::S3::Bucket').map(([id, r]) => ({
    logicalId: id,
    name: nameOf(id),
    eventBridge:
      r.Properties.NotificationConfiguration?.EventBridgeConfiguration?.EventBridgeEnabled === true,
    cors: resolve(r.Properties.CorsConfiguration?.CorsRules ?? []),
    ...(bucketPolicies.has(id) ? { policy: bucketPolicies.get(id) } : {}),
  }));

  const tables = entries('AWS::DynamoDB::GlobalTable').map(([id, r]) => ({
    logicalId: id,
    name: id,
    properties: r.Properties,
  }));

  const integrations = new Map(
    entries('AWS::ApiGatewayV2::Integration').map(([id, r]) => [
      id,
      idOfArn(resolve(r.Properties.IntegrationUri)),
    ]),
  );
  const routes = entries('AWS::ApiGatewayV2::Route').map(([, r]) => {
    const target: string = resolve(r.Properties.Target);
    const integrationId = target.replace(/^integrations\//, '');
    const [method, path] = String(r.Properties.RouteKey).split(' ') as [string, string];
    return {
      routeKey: r.Properties.RouteKey,
      method,
      path,
      functionId: integrations.get(integrationId)!,
      jwt: r.Properties.AuthorizationType === 'JWT',
    };
  });
  const api = entries('AWS::ApiGatewayV2::Api')[0]?.[1];
  const corsConfig = resolve(api?.Properties.CorsConfiguration ?? null);

  const targetOf = (arn: string): Pick<LocalRuleTarget, 'kind' | 'functionId' | 'endpoint' | 'queueId'> => {
    const id = byArn.get(arn);
    if (id && resources[id]?.Type === 'AWS::Lambda::Function') return { kind: 'function', functionId: id };
    if (id && resources[id]?.Type === 'AWS::SQS::Queue')
      return { kind: 'queue', functionId: '', queueId: id };
    const destination = entries('AWS::Events::ApiDestination').find(
      ([d]) => arn === `arn:aws:local:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${d}`,
    );
    if (destination)
      return {
        kind: 'http',
        functionId: '',
        endpoint: resolve(destination[1].Properties.InvocationEndpoint),
      };
    return { kind: 'remote-bus', functionId: '', endpoint: arn };
  };
  for (const [id] of entries('AWS::Events::ApiDestination')) arnOf(id);
  const rules = entries('AWS::Events::Rule').map(([id, r]) => ({
    logicalId: id,
    arn: arnOf(id),
    busName: resolve(r.Properties.EventBusName ?? 'default'),
    pattern: resolve(
      typeof r.Properties.EventPattern === 'string'
        ? JSON.parse(r.Properties.EventPattern)
        : r.Properties.EventPattern,
    ),
    enabled: (r.Properties.State ?? 'ENABLED') === 'ENABLED',
    targets: (r.Properties.Targets ?? []).map((t: Json) => ({
      ...targetOf(resolve(t.Arn)),
      arn: resolve(t.Arn),
      ...(t.Input ? { input: JSON.parse(resolve(t.Input)) } : {}),
      ...(t.InputPath ? { inputPath: t.InputPath } : {}),
      maxRetries: t.RetryPolicy?.MaximumRetryAttempts ?? 185,
      maxEventAgeSeconds: t.RetryPolicy?.MaximumEventAgeInSeconds ?? 86_400,
      ...(t.DeadLetterConfig?.Arn ? { deadLetterQueue: idOfArn(resolve(t.DeadLetterConfig.Arn)) } : {}),
    })),
  }));

  const archives = entries('AWS::Events::Archive').map(([id, r]) => ({
    arn: arnOf(id),
    busName: resolve(r.Properties.SourceArn).split('/').at(-1),
    pattern: r.Properties.EventPattern ?? {},
  }));

  const fromQueue = (r: Json) =>
    resources[idOfArn(resolve(r.Properties.EventSourceArn))]?.Type === 'AWS::SQS::Queue';
  const queueMappings = entries('AWS::Lambda::EventSourceMapping')
    .filter(([, r]) => fromQueue(r))
    .map(([id, r]) => {
      const p = r.Properties;
      return {
        logicalId: id,
        queueId: idOfArn(resolve(p.EventSourceArn)),
        functionId: resolve(p.FunctionName),
        batchSize: p.BatchSize ?? 10,
        batchingWindowSeconds: p.MaximumBatchingWindowInSeconds ?? 0,
        reportBatchItemFailures: (p.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
        ...(p.ScalingConfig?.MaximumConcurrency
          ? { maxConcurrency: Number(p.ScalingConfig.MaximumConcurrency) }
          : {}),
      };
    });
  const streamMappings = entries('AWS::Lambda::EventSourceMapping')
    .filter(([, r]) => !fromQueue(r))
    .map(([id, r]) => {
      const p = r.Properties;
      return {
        logicalId: id,
        tableId: idOfArn(resolve(p.EventSourceArn)),
        functionId: resolve(p.FunctionName),
        batchSize: p.BatchSize ?? 100,
        batchingWindowSeconds: p.MaximumBatchingWindowInSeconds ?? 0,
        reportBatchItemFailures: (p.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
        bisectOnError: p.BisectBatchOnFunctionError ?? false,
        maxRetries: p.MaximumRetryAttempts ?? -1,
        maxRecordAgeSeconds: p.MaximumRecordAgeInSeconds ?? -1,
        startingPosition: p.StartingPosition ?? 'LATEST',
        filters: (p.FilterCriteria?.Filters ?? []).map((f: Json) => JSON.parse(f.Pattern)),
        ...(p.DestinationConfig?.OnFailure?.Destination
          ? { onFailureQueue: idOfArn(resolve(p.DestinationConfig.OnFailure.Destination)) }
          : {}),
      };
    });

  const schedules = entries('AWS::Scheduler::Schedule').map(([id, r]) => {
    const p = r.Properties;
    return {
      logicalId: id,
      name: resolve(p.Name ?? id),
      arn: `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule/${p.GroupName ?? 'default'}/${resolve(p.Name ?? id)}`,
      targetArn: resolve(p.Target.Arn),
      expression: p.ScheduleExpression,
      timezone: p.ScheduleExpressionTimezone ?? 'UTC',
      enabled: (p.State ?? 'ENABLED') === 'ENABLED',
      functionId: idOfArn(resolve(p.Target.Arn)),
      ...(p.Target.Input ? { input: resolve(p.Target.Input) } : {}),
      maxRetries: p.Target.RetryPolicy?.MaximumRetryAttempts ?? 185,
      maxEventAgeSeconds: p.Target.RetryPolicy?.MaximumEventAgeInSeconds ?? 86_400,
      ...(p.Target.DeadLetterConfig?.Arn
        ? { deadLetterQueue: idOfArn(resolve(p.Target.DeadLetterConfig.Arn)) }
        : {}),
      ...(p.Target.RoleArn ? { roleId: idOfArn(resolve(p.Target.RoleArn)) } : {}),
    };
  });

  const queues = new Map(
    entries('AWS::SQS::Queue').map(([id, r]) => {
      const parts = String(r.Metadata?.['aws:cdk:path'] ?? id).split('/');
      // Handoff/Webhooks/Events/Resource → Webhooks/Events; …/EventsDeadLetters/Queue/Resource → …/EventsDeadLetters
      const path = parts.slice(1, -1);
      if (path.at(-1) === 'Queue') path.pop();
      return [id, path.join('/') || id];
    }),
  );
  const queueSettings = new Map<string, LocalQueueSettings>(
    entries('AWS::SQS::Queue').map(([id, r]) => {
      const p = r.Properties ?? {};
      const redrive = p.RedrivePolicy;
      return [
        id,
        {
          visibilityTimeoutSeconds: Number(p.VisibilityTimeout ?? 30),
          delaySeconds: Number(p.DelaySeconds ?? 0),
          ...(redrive
            ? {
                redrive: {
                  deadLetterQueue: idOfArn(resolve(redrive.deadLetterTargetArn)),
                  maxReceiveCount: Number(redrive.maxReceiveCount),
                },
              }
            : {}),
        },
      ];
    }),
  );

  const asyncConfigs = new Map<string, AsyncInvokeConfig>(
    entries('AWS::Lambda::EventInvokeConfig').map(([, r]) => {
      const p = r.Properties;
      const destination = p.DestinationConfig?.OnFailure?.Destination;
      return [
        resolve(p.FunctionName),
        {
          maxRetries: p.MaximumRetryAttempts ?? 2,
          maxEventAgeSeconds: p.MaximumEventAgeInSeconds ?? 21_600,
          ...(destination ? { onFailureQueue: idOfArn(resolve(destination)) } : {}),
        },
      ];
    }),
  );
  const stage = entries('AWS::ApiGatewayV2::Stage')[0]?.[1]?.Properties?.DefaultRouteSettings;

  // Each role with every policy that applies to it: its inline ones, each AWS::IAM::Policy naming
  // it, and each managed policy of the stack it lists (AWS's own are named, their text unknown).
  const roles = new Map<string, LocalRole>(
    entries('AWS::IAM::Role').map(([id, r]) => {
      const policies: LocalRole['policies'] = (r.Properties.Policies ?? []).map((p: Json) => ({
        name: resolve(p.PolicyName),
        document: resolve(p.PolicyDocument),
      }));
      for (const [policyId, policy] of entries('AWS::IAM::Policy'))
        if ((policy.Properties.Roles ?? []).some((role: Json) => role?.Ref === id))
          policies.push({ name: policyId, document: resolve(policy.Properties.PolicyDocument) });
      const externalPolicies: string[] = [];
      for (const arn of resolve(r.Properties.ManagedPolicyArns ?? []) as string[]) {
        const managed = byArn.get(arn);
        if (managed && resources[managed]?.Type === 'AWS::IAM::ManagedPolicy')
          policies.push({ name: managed, document: resolve(resources[managed].Properties.PolicyDocument) });
        else externalPolicies.push(arn);
      }
      for (const [policyId, policy] of entries('AWS::IAM::ManagedPolicy'))
        if ((policy.Properties.Roles ?? []).some((role: Json) => role?.Ref === id))
          policies.push({ name: policyId, document: resolve(policy.Properties.PolicyDocument) });
      return [id, { logicalId: id, name: nameOf(id), arn: arnOf(id), policies, externalPolicies }];
    }),
  );

  const receiptRules = entries('AWS::SES::ReceiptRule').map(([id, r]) => {
    const rule = r.Properties.Rule;
    return {
      logicalId: id,
      ruleSetName: resolve(r.Properties.RuleSetName),
      name: resolve(rule.Name ?? id),
      enabled: rule.Enabled !== false,
      recipients: resolve(rule.Recipients ?? []),
      scanEnabled: rule.ScanEnabled === true,
      tlsPolicy: rule.TlsPolicy ?? 'Optional',
      actions: (rule.Actions ?? []).flatMap((a: Json) => {
        if (a.S3Action)
          return [
            { kind: 's3', bucket: resolve(a.S3Action.BucketName), prefix: a.S3Action.ObjectKeyPrefix ?? '' },
          ];
        if (a.LambdaAction) {
          const functionArn = resolve(a.LambdaAction.FunctionArn);
          return [
            {
              kind: 'lambda',
              functionId: idOfArn(functionArn),
              functionArn,
              invocationType: a.LambdaAction.InvocationType ?? 'Event',
            },
          ];
        }
        return [];
      }),
    } as LocalReceiptRule;
  });
  const permissions = entries('AWS::Lambda::Permission').flatMap(([, r]) => {
    const target = resolve(r.Properties.FunctionName);
    const functionId = functions.has(target) ? target : byArn.get(target);
    if (!functionId) return [];
    return [
      {
        functionId,
        principal: resolve(r.Properties.Principal),
        action: r.Properties.Action,
        ...(r.Properties.SourceAccount ? { sourceAccount: resolve(r.Properties.SourceAccount) } : {}),
      },
    ];
  });

  const webConsole = readConsole(cdkOut, resources, resolve);
  const client = entries('AWS::Cognito::UserPoolClient')[0]?.[1];
  return {
    stackName,
    ...(webConsole ? { console: webConsole } : {}),
    ...(client?.Properties.CallbackURLs
      ? {
          signIn: {
            callbackUrls: resolve(client.Properties.CallbackURLs),
            logoutUrls: resolve(client.Properties.LogoutURLs ?? []),
          },
        }
      : {}),
    functions,
    asyncConfigs,
    ...(stage?.ThrottlingRateLimit !== undefined
      ? {
          throttle: {
            rateLimit: Number(stage.ThrottlingRateLimit),
            burstLimit: Number(stage.ThrottlingBurstLimit ?? stage.ThrottlingRateLimit),
          },
        }
      : {}),
    tables,
    buckets,
    routes,
    ...(corsConfig
      ? {
          cors: {
            allowOrigins: corsConfig.AllowOrigins ?? [],
            allowHeaders: corsConfig.AllowHeaders ?? [],
            exposeHeaders: corsConfig.ExposeHeaders ?? [],
            allowMethods: corsConfig.AllowMethods ?? ['*'],
          },
        }
      : {}),
    buses: entries('AWS::Events::EventBus').map(([id]) => nameOf(id)),
    rules,
    archives,
    streamMappings,
    queueMappings,
    schedules,
    queues,
    queueSettings,
    byArn,
    roles,
    receiptRules,
    permissions,
  };
}

const HEADER_NAMES: Record<string, (v: Json) => [string, string] | undefined> = {
  ContentSecurityPolicy: (v) => ['content-security-policy', v.ContentSecurityPolicy],
  ContentTypeOptions: () => ['x-content-type-options', 'nosniff'],
  FrameOptions: (v) => ['x-frame-options', v.FrameOption],
  ReferrerPolicy: (v) => ['referrer-policy', v.ReferrerPolicy],
  StrictTransportSecurity: (v) => [
    'strict-transport-security',
    `max-age=${v.AccessControlMaxAgeSec}${v.IncludeSubdomains ? '; includeSubDomains' : ''}${v.Preload ? '; preload' : ''}`,
  ],
  XSSProtection: (v) =>
    v.Protection ? ['x-xss-protection', v.ModeBlock ? '1; mode=block' : '1'] : undefined,
};

/** The console's bucket deployment, distribution function and headers, if the stack has a console. */
function readConsole(
  cdkOut: string,
  resources: Record<string, Json>,
  resolve: (v: Json) => Json,
): LocalConsole | undefined {
  const deployments = Object.values(resources).filter((r) => r.Type === 'Custom::CDKBucketDeployment');
  const keys: string[] = deployments.flatMap((r) => resolve(r.Properties.SourceObjectKeys ?? []));
  const assetDir = keys
    .map((key) => join(cdkOut, `asset.${key.replace(/\.zip$/, '')}`))
    .find((dir) => existsSync(join(dir, 'index.html')));
  if (!assetDir) return undefined;
  const fn = Object.values(resources).find((r) => r.Type === 'AWS::CloudFront::Function');
  const policy = Object.values(resources).find((r) => r.Type === 'AWS::CloudFront::ResponseHeadersPolicy');
  const security = resolve(policy?.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig ?? {});
  const headers = Object.fromEntries(
    Object.entries(security).flatMap(([name, value]) => {
      const header = HEADER_NAMES[name]?.(value as Json);
      return header ? [header] : [];
    }),
  );
  return {
    assetDir,
    ...(fn ? { viewerRequestCode: String(fn.Properties.FunctionCode) } : {}),
    headers,
  };
}
