import { mkdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { consoleHandler } from './console.js';
import { createControlServer } from './control.js';
import { writeFileSafely } from './durable.js';
import { freePort, LOCAL_CREDENTIALS, localClient, startDynamoDbLocal } from './dynamodb-local.js';
import { LocalEventBus } from './event-bus.js';
import { type FaultService, LocalFaults } from './faults.js';
import { createGateway } from './http-gateway.js';
import { LocalIssuer } from './issuer.js';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, tokenVerifier } from './jwt.js';
import { LocalLambda } from './lambda-service.js';
import { LambdaFunctionPool } from './lambdas.js';
import { consoleLogger, type Logger } from './log.js';
import { LocalMailbox } from './mail.js';
import { LocalS3 } from './s3.js';
import { LocalScheduler } from './scheduler.js';
import { LocalSqs } from './sqs.js';
import { StreamPoller } from './stream.js';
import { synthesizeIfChanged } from './synth.js';
import { ensureTable } from './tables.js';
import { LOCAL_REGION, readTemplate } from './template.js';
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
  port?: number;
  /** The console's port; default: the API's + 1 (a free one when the API's is 0). */
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
}

export interface LocalRuntime {
  apiUrl: string;
  /** The web console (served from the asset the stack deploys); its sign-in is the local issuer's. */
  consoleUrl: string;
  issuerUrl: string;
  controlUrl: string;
  busEndpoint: string;
  dynamoEndpoint: string;
  localDir: string;
  bus: LocalEventBus;
  scheduler: LocalScheduler;
  sqs: LocalSqs;
  lambda: LocalLambda;
  faults: LocalFaults;
  xray: LocalXrayDaemon;
  synthesized: boolean;
  /** True while the bus, Lambda's queues, the scheduler's retries or a stream is still working. */
  busy(): boolean;
  stop(): Promise<void>;
}

const listen = (server: Server, port: number) =>
  new Promise<number>((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done((server.address() as AddressInfo).port));
  });

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const log = options.log ?? consoleLogger(options.verbose ?? false);
  const localDir = options.localDir ?? process.env.HANDOFF_LOCAL_DIR ?? join(ROOT, '.local');
  const timeScale = options.timeScale ?? 1;
  mkdirSync(localDir, { recursive: true });
  const { cdkOut, synthesized } = synthesizeIfChanged(ROOT, log.info);

  const servers: Server[] = [];
  /** A server whose handler is attached once its service exists (services need each other's endpoints). */
  const serveOn = async (
    port: number,
    handler: () => ((req: IncomingMessage, res: ServerResponse) => void | Promise<void>) | undefined,
  ) => {
    const server = createServer((req, res) => {
      const h = handler();
      if (h) void h(req, res);
      else res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('starting');
    });
    servers.push(server);
    return listen(server, port);
  };
  const serve = async (handler: () => (req: IncomingMessage, res: ServerResponse) => void | Promise<void>) =>
    `http://127.0.0.1:${await serveOn(0, handler)}`;
  // The API, the console and the sign-in listen first: the template's addresses are read as theirs.
  let gatewayHandler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  let siteHandler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  let issuer: LocalIssuer | undefined;
  const requestedPort = options.port ?? Number(process.env.PORT ?? 3000);
  const apiPort = await serveOn(requestedPort, () => gatewayHandler);
  const apiServer = servers.at(-1)!;
  /** The API's server stopped and started again on its port (the control API; a test of "the API is down"). */
  const apiSwitch = {
    stop: () =>
      new Promise<void>((done) => {
        apiServer.close(() => done());
        apiServer.closeAllConnections();
      }),
    start: () => listen(apiServer, apiPort).then(() => undefined),
  };
  const apiUrl = `http://localhost:${apiPort}`;
  const consolePort = await serveOn(
    options.consolePort ?? (requestedPort ? requestedPort + 1 : 0),
    () => siteHandler,
  );
  const consoleUrl = `http://localhost:${consolePort}`;
  const issuerUrl = `http://localhost:${await serveOn(0, () => issuer?.handle)}`;
  let s3: LocalS3 | undefined;
  const s3Endpoint = await serve(() => s3!.handle);
  const app = readTemplate(cdkOut, { api: apiUrl, console: consoleUrl, issuer: issuerUrl, s3: s3Endpoint });

  const dataDir = join(localDir, 'dynamodb');
  if (!options.inMemory) mkdirSync(dataDir, { recursive: true });
  // DynamoDB Local (a JVM) starts while the functions' environments do: its port is known first
  const dbPort = await freePort();
  const dbEndpoint = `http://127.0.0.1:${dbPort}`;
  const starting = startDynamoDbLocal({ port: dbPort, ...(options.inMemory ? {} : { path: dataDir }) });
  starting.catch(() => undefined);

  let bus: LocalEventBus | undefined;
  let lambda: LocalLambda | undefined;
  const busEndpoint = await serve(() => bus!.handle);
  const lambdaEndpoint = await serve(() => lambda!.handle);
  const mailbox = new LocalMailbox(join(localDir, 'mail'), log);
  const sesEndpoint = await serve(() => mailbox.handle);
  const sqs = new LocalSqs(join(localDir, 'queues'), app.queues);
  const sqsEndpoint = await serve(() => sqs.handle);
  sqs.setEndpoint(sqsEndpoint);
  // S3's events go to the bus, which exists once the functions do: the same late binding
  s3 = new LocalS3(join(localDir, 's3'), app.buckets, (entry) => bus!.putEvents([entry]), log);
  const faults = new LocalFaults();
  const faultEndpoint = await serve(() => faults.handle);
  const xray = new LocalXrayDaemon(localDir);
  const xrayAddress = await xray.start();

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
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dbEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dbEndpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: busEndpoint,
    AWS_ENDPOINT_URL_SESV2: sesEndpoint,
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    AWS_ENDPOINT_URL_SQS: sqsEndpoint,
    AWS_ENDPOINT_URL_LAMBDA: lambdaEndpoint,
    AWS_XRAY_DAEMON_ADDRESS: xrayAddress,
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    TZ: 'UTC',
  };
  const pools = new Map<string, LambdaFunctionPool>();
  for (const fn of app.functions.values()) {
    pools.set(
      fn.logicalId,
      new LambdaFunctionPool(fn, {
        baseEnvironment,
        onOutput: (f, line) => log.functionOutput(f.name, line),
      }),
    );
  }

  lambda = new LocalLambda({ app, pools, sqs, dir: join(localDir, 'lambda'), log, timeScale });
  bus = new LocalEventBus({ app, lambda, sqs, dir: join(localDir, 'bus'), log, timeScale });
  const scheduler = new LocalScheduler(
    app.schedules,
    lambda,
    sqs,
    log,
    join(localDir, 'scheduler'),
    timeScale,
  );
  faults.attach({ app, pools, lambda, endpoints, faultEndpoint });
  if (options.inMemory) {
    // no data was kept, so nothing an earlier run left undelivered belongs to this one
    rmSync(join(localDir, 'stream-checkpoints.json'), { force: true });
    bus.clear();
    lambda.clear();
    scheduler.clear();
  }

  const waitedOn = new Set([
    ...app.routes.map((r) => r.functionId),
    ...app.streamMappings.map((m) => m.functionId),
  ]);
  const warming = Promise.all(
    [...pools.values()].filter((p) => waitedOn.has(p.fn.logicalId)).map((p) => p.warm()),
  );
  const db = await starting;
  const dynamodb = localClient(db.endpoint);
  for (const table of app.tables) await ensureTable(dynamodb, table);

  const streams = new DynamoDBStreamsClient({
    endpoint: db.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const pollers = app.streamMappings.map(
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
      }),
  );

  // The functions people wait on (the API's, and the relay that carries every event) got a warm
  // environment meanwhile; the others start on their first event, cold, as in AWS.
  await warming;
  bus.start();
  lambda.start();
  scheduler.start(options.schedules !== false);
  for (const p of pollers) await p.start();

  const gateway = createGateway({
    app,
    invoke: (functionId, event) => lambda!.invokeSync(functionId, event),
    verify: await tokenVerifier(localDir),
    log,
  });
  gatewayHandler = (req, res) => gateway.emit('request', req, res);
  if (app.signIn) issuer = new LocalIssuer({ localDir, signIn: app.signIn, log });
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
    siteHandler = consoleHandler(site, () => config);
  } else {
    siteHandler = (_req, res) =>
      res.writeHead(404, { 'content-type': 'text/plain' }).end('this template has no console');
  }

  const control = createControlServer({ app, bus, scheduler, sqs, lambda, faults, xray, apiUrl, apiSwitch });
  servers.push(control);
  const controlUrl = `http://127.0.0.1:${await listen(control, 0)}`;

  writeFileSafely(
    join(localDir, 'runtime.json'),
    JSON.stringify(
      {
        pid: process.pid,
        apiUrl,
        consoleUrl,
        controlUrl,
        busEndpoint,
        dynamoEndpoint: db.endpoint,
        s3Endpoint,
        sqsEndpoint,
        lambdaEndpoint,
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
    dynamoEndpoint: db.endpoint,
    localDir,
    bus,
    scheduler,
    sqs,
    lambda,
    faults,
    xray,
    synthesized,
    busy: () => bus!.busy || lambda!.busy || scheduler.busy || pollers.some((p) => p.busy),
    stop: async () => {
      scheduler.stop();
      bus!.stop();
      lambda!.stop();
      for (const p of pollers) p.stop();
      for (const pool of pools.values()) pool.stop();
      xray.stop();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(undefined)))));
      for (const s of servers) s.closeAllConnections?.();
      dynamodb.destroy();
      streams.destroy();
      await db.stop();
      rmSync(join(localDir, 'runtime.json'), { force: true });
    },
  };
}
