import { mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { consoleHandler } from './console.js';
import { controlHandler } from './control.js';
import { dispatch, type RequestHandler } from './dispatch.js';
import { writeFileSafely } from './durable.js';
import { dynamoDbProxy } from './dynamodb-iam.js';
import { type DynamoDbLocal, databaseIn, localClient, startDynamoDbLocal } from './dynamodb-local.js';
import { LocalEventBus } from './event-bus.js';
import { type FaultService, LocalFaults } from './faults.js';
import { gatewayFailure, gatewayHandler } from './http-gateway.js';
import { LocalIam } from './iam.js';
import { LocalIssuer } from './issuer.js';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, tokenVerifier } from './jwt.js';
import { LocalLambda } from './lambda-service.js';
import { type InvocationResult, LambdaFunctionPool } from './lambdas.js';
import { consoleLogger, type Logger } from './log.js';
import { LocalMailbox } from './mail.js';
import {
  DEFAULT_PORT,
  freePort,
  LOOPBACK,
  type LocalService,
  listenOnLoopback,
  PORT_LAYOUT,
  PortTaken,
  portPlan,
} from './ports.js';
import { QueuePoller } from './queue-poller.js';
import { LocalS3 } from './s3.js';
import { LocalScheduler } from './scheduler.js';
import { checkServiceRoles } from './service-roles.js';
import { LocalSesReceiving } from './smtp.js';
import { LocalSqs } from './sqs.js';
import { StreamPoller } from './stream.js';
import { synthesizeIfChanged } from './synth.js';
import { ensureTable } from './tables.js';
import { LOCAL_REGION, type LocalApp, type LocalFunction, readTemplate } from './template.js';
import { LocalUsage } from './usage.js';
import { LocalXrayDaemon } from './xray.js';

// The whole system on this machine, read from the synthesized template (docs/architecture.md, decision 11):
// DynamoDB Local with the template's tables, every function from its bundle with the
// environment the template gives it, the HTTP API's routes behind the JWT check and the stage's
// throttle, the event bus with its rules and archive, Lambda's asynchronous queues with each
// function's retries and on-failure destination, the table stream's mappings, the schedules,
// the queues, the buckets (with their events), SES and the X-Ray daemon. The functions reach
// every service through AWS_ENDPOINT_URL_*: they hold no local-only code. What it cannot do as
// AWS does is listed in docs/operations.md.

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface LocalRuntimeOptions {
  /**
   * The API's port; every other service listens at its offset from it (ports.ts, PORT_LAYOUT),
   * so each keeps its address across restarts. 0: every service on a free port of the system's
   * choosing. Default: PORT, or 3000.
   */
  port?: number;
  /** The console's port, set apart from the layout (0: a free one); default: the API's + 1. */
  consolePort?: number;
  inMemory?: boolean;
  verbose?: boolean;
  localDir?: string;
  log?: Logger;
  /**
   * Scales the waits AWS documents before a retry (Lambda's one and two minutes before retrying
   * an asynchronous event, EventBridge's and Scheduler's backoff, a stream's): 1 is AWS's own
   * time; tests shrink it. Counts, orders and event ages never change.
   */
  timeScale?: number;
  schedules?: boolean;
  /**
   * Evaluates each function's requests against its role's policies (infra/local/iam.ts); false:
   * every function has the administrator's credentials (to measure what enforcement costs).
   */
  iam?: boolean;
  /**
   * The synthesized template to run (a cdk.out folder) instead of synthesizing the stack: a test
   * runs a template it changed. Default: HANDOFF_CDK_OUT, or the stack synthesized as it is.
   */
  cdkOut?: string;
  /**
   * A DynamoDB Local already running without -sharedDb to hold this runtime's tables, rather than
   * a JVM of its own: the tests' workers run one each for all their files. DynamoDB Local keeps a
   * database per access key id; the runtime's is one no other holds (its requests go in under it,
   * whoever signed them), so its tables and their streams meet no one else's, and it deletes them
   * when it stops. Only with `inMemory`. Default: HANDOFF_DYNAMODB_LOCAL, or none.
   */
  dynamoDbLocal?: string;
  /**
   * Counts the billable units served (infra/local/usage.ts; bench/cost.ts): DynamoDB requests
   * then ask for their ConsumedCapacity. Default: off.
   */
  meter?: boolean;
  /**
   * Starts one environment of each function people wait on (the API's, the relay) before the
   * runtime says it is running, so a first request is not a cold start. Default: true; false
   * (`npm start -- --cold`): every function starts on its first request, as in AWS. A list
   * (`--warm CrmApi,DeliveryApi`, as most test files give): only these, named as in the stack.
   */
  warm?: boolean | readonly string[];
}

export interface LocalRuntime {
  apiUrl: string;
  /** The web console (served from the asset the stack deploys); its sign-in is the local issuer's. */
  consoleUrl: string;
  issuerUrl: string;
  controlUrl: string;
  busEndpoint: string;
  dynamoEndpoint: string;
  /** Every service's address (what .local/runtime.json holds), all on the loopback interface. */
  addresses: Record<LocalService, string>;
  localDir: string;
  bus: LocalEventBus;
  scheduler: LocalScheduler;
  sqs: LocalSqs;
  lambda: LocalLambda;
  faults: LocalFaults;
  xray: LocalXrayDaemon;
  synthesized: boolean;
  /** SES receiving for the stack's receipt rules: the SMTP server's address and the domains it takes mail for. */
  smtp: { host: string; port: number; domains: string[]; receiving: LocalSesReceiving };
  /** The billable units counted so far (with `meter`). */
  usage?: LocalUsage;
  /** True while the bus, Lambda's queues, the scheduler's retries or a stream is still working. */
  busy(): boolean;
  stop(): Promise<void>;
}

/** A `--warm` list names a function the stack does not have. */
export class UnknownFunction extends Error {
  constructor(name: string, known: string[]) {
    super(`--warm names ${name}, which is not a function of the stack (its functions: ${known.join(', ')})`);
    this.name = 'UnknownFunction';
  }
}

/**
 * The functions started ahead of their first request: those people wait on (the API's, and the
 * stream functions that carry every event), or the ones a list names.
 */
function warmed(
  app: LocalApp,
  warm: boolean | readonly string[],
  pools: LambdaFunctionPool[],
): LambdaFunctionPool[] {
  if (warm === false) return [];
  if (warm === true) {
    const waitedOn = new Set([
      ...app.routes.map((r) => r.functionId),
      ...app.streamMappings.map((m) => m.functionId),
    ]);
    return pools.filter((p) => waitedOn.has(p.fn.logicalId));
  }
  return pools.filter((p) => warm.includes(p.fn.name));
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const log = options.log ?? consoleLogger(options.verbose ?? false);
  const localDir = options.localDir ?? process.env.HANDOFF_LOCAL_DIR ?? join(ROOT, '.local');
  const timeScale = options.timeScale ?? 1;
  const plan = portPlan(options.port ?? Number(process.env.PORT ?? DEFAULT_PORT), options.consolePort);

  // Every port is taken first, before anything slow (synthesis, the JVM): a port in use stops
  // the start at once, naming it. Each server answers 503 until its service exists (services
  // need each other's endpoints, so their handlers are attached as they are made).
  const servers: Server[] = [];
  const handlers = new Map<LocalService, RequestHandler>();
  const xray = new LocalXrayDaemon(localDir);
  const receiving = new LocalSesReceiving(log);
  const bound = {} as Record<LocalService, number>;
  const release = async () => {
    xray.stop();
    await receiving.close();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  };
  let apiServer: Server | undefined;
  try {
    const tcpServices = (Object.keys(PORT_LAYOUT) as LocalService[]).filter(
      (s) => s !== 'xray' && s !== 'smtp',
    );
    for (const service of tcpServices) {
      const server = createServer((req, res) => {
        const handler = handlers.get(service);
        if (!handler)
          return res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('starting');
        // the API answers its gateway's failure as API Gateway does; the other services, theirs
        if (service === 'api') dispatch('local api', handler, req, res, log, gatewayFailure);
        else dispatch(`local ${service}`, handler, req, res, log);
      });
      servers.push(server);
      if (service === 'api') apiServer = server;
      bound[service] = await listenOnLoopback(server, plan.ports[service], service, plan);
    }
    bound.xray = await xray.start(plan.ports.xray).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EADDRINUSE' ? new PortTaken(plan.ports.xray, 'xray', plan.flags.xray) : error;
    });
    bound.smtp = await receiving.listen(plan.ports.smtp).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EADDRINUSE' ? new PortTaken(plan.ports.smtp, 'smtp', plan.flags.smtp) : error;
    });
  } catch (error) {
    await release();
    throw error;
  }
  // What a browser opens is named localhost (the template's addresses are read as these); what
  // the SDK reaches, 127.0.0.1. Both are the loopback interface, where everything listens.
  const local = (service: LocalService) => `http://localhost:${bound[service]}`;
  const loopback = (service: LocalService) => `http://${LOOPBACK}:${bound[service]}`;
  const apiUrl = local('api');
  /** The API's server stopped and started again on its port (the control API; a test of "the API is down"). */
  const apiSwitch = {
    stop: () =>
      new Promise<void>((done) => {
        apiServer!.close(() => done());
        apiServer!.closeAllConnections();
      }),
    start: () =>
      new Promise<void>((done, fail) => {
        apiServer!.once('error', fail);
        apiServer!.listen(bound.api, LOOPBACK, () => done());
      }),
  };
  const consoleUrl = local('console');
  const issuerUrl = local('issuer');
  const s3Endpoint = loopback('s3');
  const dbEndpoint = loopback('dynamodb');
  const busEndpoint = loopback('eventbridge');
  const lambdaEndpoint = loopback('lambda');
  const sesEndpoint = loopback('ses');
  const sqsEndpoint = loopback('sqs');
  const faultEndpoint = loopback('faults');
  const controlUrl = loopback('control');
  const xrayAddress = `${LOOPBACK}:${bound.xray}`;
  const addresses: Record<LocalService, string> = {
    api: apiUrl,
    console: consoleUrl,
    issuer: issuerUrl,
    s3: s3Endpoint,
    dynamodb: dbEndpoint,
    eventbridge: busEndpoint,
    lambda: lambdaEndpoint,
    ses: sesEndpoint,
    sqs: sqsEndpoint,
    faults: faultEndpoint,
    control: controlUrl,
    xray: `udp://${xrayAddress}`,
    smtp: `smtp://${LOOPBACK}:${bound.smtp}`,
  };

  mkdirSync(localDir, { recursive: true });
  let synthesis: ReturnType<typeof synthesizeIfChanged>;
  const givenCdkOut = options.cdkOut ?? process.env.HANDOFF_CDK_OUT;
  try {
    synthesis = givenCdkOut
      ? { cdkOut: resolve(givenCdkOut), synthesized: false, ms: 0 }
      : synthesizeIfChanged(ROOT, log.info);
  } catch (error) {
    await release();
    throw error;
  }
  const { cdkOut, synthesized } = synthesis;
  const app = readTemplate(cdkOut, {
    api: apiUrl,
    console: consoleUrl,
    issuer: issuerUrl,
    s3: s3Endpoint,
    sqs: sqsEndpoint,
  });
  if (Array.isArray(options.warm)) {
    const known = [...app.functions.values()].map((f) => f.name).sort();
    const unknown = options.warm.find((name) => !known.includes(name));
    if (unknown !== undefined) {
      await release();
      throw new UnknownFunction(unknown, known);
    }
  }
  // IAM: each function's own credentials, its role's policies evaluated on every request
  const iam = new LocalIam(app, options.iam ?? true);
  try {
    if (iam.enforced) await checkServiceRoles(app, iam);
  } catch (error) {
    await release();
    throw error;
  }
  for (const key of iam.enforced ? iam.unevaluatedConditionKeys() : [])
    log.info(`IAM: the condition key ${key} is given no value locally (docs/operations.md)`);

  const dataDir = join(localDir, 'dynamodb');
  if (!options.inMemory) mkdirSync(dataDir, { recursive: true });
  const givenDatabase = options.dynamoDbLocal ?? process.env.HANDOFF_DYNAMODB_LOCAL;
  if (givenDatabase && !options.inMemory) {
    await release();
    throw new Error(
      'a database in a DynamoDB Local already running (HANDOFF_DYNAMODB_LOCAL) is kept in memory only: start with --in-memory',
    );
  }
  // DynamoDB Local (a JVM) starts while the functions' environments do, on a port of the
  // system's choosing behind DynamoDB's endpoint of the layout (dynamodb-iam.ts: IAM first). A
  // port the system chose can be taken by another process for an instant (the tests start many
  // runtimes): retried on it.
  const databasePort = givenDatabase ? undefined : await freePort();
  const starting: Promise<DynamoDbLocal> = givenDatabase
    ? Promise.resolve(databaseIn(givenDatabase))
    : startDynamoDbLocal({
        port: databasePort,
        bindAttempts: 5,
        ...(options.inMemory ? {} : { path: dataDir }),
      });
  starting.catch(() => undefined);

  const usage = options.meter ? new LocalUsage() : undefined;
  const mailbox = new LocalMailbox(join(localDir, 'mail'), log, iam);
  handlers.set('ses', mailbox.handle);
  const sqs = new LocalSqs(join(localDir, 'queues'), app.queues, iam, {
    settings: app.queueSettings,
    timeScale,
    sources: new Set(app.queueMappings.map((m) => m.queueId)),
  });
  handlers.set('sqs', sqs.handle);
  sqs.setEndpoint(sqsEndpoint);
  sqs.usage = usage;
  let bus: LocalEventBus | undefined;
  // S3's events go to the bus, which exists once the functions do: the same late binding
  const s3 = new LocalS3(join(localDir, 's3'), app.buckets, (entry) => bus!.putEvents([entry]), log, iam);
  handlers.set('s3', s3.handle);
  s3.usage = usage;
  const faults = new LocalFaults();
  handlers.set('faults', faults.handle);

  const endpoints: Record<FaultService, string> = {
    dynamodb: dbEndpoint,
    eventbridge: busEndpoint,
    ses: sesEndpoint,
    s3: s3Endpoint,
    sqs: sqsEndpoint,
    lambda: lambdaEndpoint,
  };
  const baseEnvironment = {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    // not enforced: straight to DynamoDB Local, as before there was IAM (bench/iam-cost.ts),
    // unless the runtime's database there is one of many, which only the endpoint's proxy enters
    AWS_ENDPOINT_URL_DYNAMODB:
      iam.enforced || databasePort === undefined ? dbEndpoint : `http://${LOOPBACK}:${databasePort}`,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dbEndpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: busEndpoint,
    AWS_ENDPOINT_URL_SESV2: sesEndpoint,
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    AWS_ENDPOINT_URL_SQS: sqsEndpoint,
    AWS_ENDPOINT_URL_LAMBDA: lambdaEndpoint,
    AWS_XRAY_DAEMON_ADDRESS: xrayAddress,
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    TZ: 'UTC',
    // webhooks may be sent to receivers on this machine (http://127.0.0.1:…): docs/operations.md
    WEBHOOK_ALLOW_LOOPBACK: 'true',
  };
  const pools = new Map<string, LambdaFunctionPool>();
  for (const fn of app.functions.values()) {
    const credentials = iam.credentials(fn);
    pools.set(
      fn.logicalId,
      new LambdaFunctionPool(fn, {
        compileCache: join(ROOT, 'node_modules', '.cache', 'handoff-lambda-compile-cache'),
        baseEnvironment: {
          ...baseEnvironment,
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        },
        onOutput: (f, line) => log.functionOutput(f.name, line),
        ...(usage ? { onInvoked: (f: LocalFunction, r: InvocationResult) => usage.lambda(f, r) } : {}),
      }),
    );
  }

  const lambda = new LocalLambda({ app, pools, sqs, dir: join(localDir, 'lambda'), log, timeScale, iam });
  handlers.set('lambda', lambda.handle);
  bus = new LocalEventBus({ app, lambda, sqs, dir: join(localDir, 'bus'), log, timeScale, iam });
  handlers.set('eventbridge', bus.handle);
  const scheduler = new LocalScheduler(
    app.schedules,
    lambda,
    sqs,
    log,
    join(localDir, 'scheduler'),
    timeScale,
    iam,
  );
  faults.attach({ app, pools, lambda, endpoints, faultEndpoint });
  receiving.attach({ app, s3, lambda });
  mailbox.deliverTo(receiving);
  if (options.inMemory) {
    // no data was kept, so nothing an earlier run left undelivered belongs to this one
    rmSync(join(localDir, 'stream-checkpoints.json'), { force: true });
    bus.clear();
    lambda.clear();
    scheduler.clear();
  }

  const warming = Promise.all(warmed(app, options.warm ?? true, [...pools.values()]).map((p) => p.warm()));
  const db = await starting;
  // a write through the endpoint wakes the stream pollers (infra/local/stream.ts)
  const pollers: StreamPoller[] = [];
  handlers.set(
    'dynamodb',
    dynamoDbProxy(
      iam,
      () => db.endpoint,
      usage,
      () => {
        for (const p of pollers) p.written();
      },
      db.credentials.accessKeyId,
    ),
  );
  const dynamodb = localClient(db.endpoint, db.credentials);
  for (const table of app.tables) await ensureTable(dynamodb, table);

  const streams = new DynamoDBStreamsClient({
    endpoint: db.endpoint,
    region: LOCAL_REGION,
    credentials: db.credentials,
  });
  pollers.push(
    ...app.streamMappings.map(
      (mapping) =>
        new StreamPoller({
          mapping,
          tableName: app.tables.find((t) => t.logicalId === mapping.tableId)!.name,
          dynamodb,
          streams,
          pool: pools.get(mapping.functionId)!,
          sqs,
          log,
          checkpointFile: join(localDir, 'stream-checkpoints.json'),
          retryDelayMs: 200 * timeScale,
          ...(usage ? { usage } : {}),
        }),
    ),
  );

  const queuePollers = app.queueMappings.map(
    (mapping) =>
      new QueuePoller({
        mapping,
        sqs,
        pool: pools.get(mapping.functionId)!,
        log,
        visibilityTimeoutSeconds: app.queueSettings.get(mapping.queueId)?.visibilityTimeoutSeconds ?? 30,
        timeScale,
        ...(usage ? { usage } : {}),
      }),
  );

  // The functions people wait on (the API's, and the relay that carries every event) got a warm
  // environment meanwhile; the others start on their first event, cold, as in AWS.
  await warming;
  bus.start();
  lambda.start();
  scheduler.start(options.schedules !== false);
  for (const p of pollers) await p.start();
  for (const p of queuePollers) p.start();

  handlers.set(
    'api',
    gatewayHandler({
      app,
      invoke: (functionId, event) => lambda.invokeSync(functionId, event),
      verify: await tokenVerifier(localDir),
      log,
    }),
  );
  if (app.signIn) handlers.set('issuer', new LocalIssuer({ localDir, signIn: app.signIn, log }).handle);
  const site = app.console;
  if (site) {
    // what the deployment writes into config.json, with the local addresses
    const config = {
      apiUrl,
      region: LOCAL_REGION,
      signIn: {
        authority: LOCAL_ISSUER,
        clientId: LOCAL_AUDIENCE,
        authorizationEndpoint: `${issuerUrl}/oauth2/authorize`,
        tokenEndpoint: `${issuerUrl}/oauth2/token`,
        logoutEndpoint: `${issuerUrl}/logout`,
      },
    };
    handlers.set(
      'console',
      consoleHandler(site, () => config),
    );
  } else {
    handlers.set('console', (_req, res) =>
      res.writeHead(404, { 'content-type': 'text/plain' }).end('this template has no console'),
    );
  }
  handlers.set(
    'control',
    controlHandler({ app, bus, scheduler, sqs, lambda, faults, xray, apiUrl, apiSwitch }),
  );

  writeFileSafely(
    join(localDir, 'runtime.json'),
    JSON.stringify(
      {
        pid: process.pid,
        apiUrl,
        consoleUrl,
        issuerUrl,
        controlUrl,
        busEndpoint,
        dynamoEndpoint: dbEndpoint,
        s3Endpoint,
        sqsEndpoint,
        lambdaEndpoint,
        sesEndpoint,
        faultEndpoint,
        xrayAddress,
        smtpAddress: `${LOOPBACK}:${bound.smtp}`,
        receivingDomains: receiving.recipients,
      },
      null,
      2,
    ),
  );

  return {
    apiUrl,
    consoleUrl,
    issuerUrl,
    controlUrl,
    busEndpoint,
    dynamoEndpoint: dbEndpoint,
    addresses,
    localDir,
    bus,
    scheduler,
    sqs,
    lambda,
    faults,
    xray,
    smtp: { host: LOOPBACK, port: bound.smtp, domains: receiving.recipients, receiving },
    synthesized,
    ...(usage ? { usage } : {}),
    busy: () =>
      bus!.busy ||
      lambda.busy ||
      scheduler.busy ||
      pollers.some((p) => p.busy) ||
      queuePollers.some((p) => p.busy),
    stop: async () => {
      scheduler.stop();
      bus!.stop();
      lambda.stop();
      for (const p of pollers) p.stop();
      for (const p of queuePollers) p.stop();
      for (const pool of pools.values()) pool.stop();
      xray.stop();
      await receiving.close();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(undefined)))));
      for (const s of servers) s.closeAllConnections?.();
      dynamodb.destroy();
      streams.destroy();
      await db.stop();
      rmSync(join(localDir, 'runtime.json'), { force: true });
    },
  };
}
