import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { createControlServer } from './control.js';
import { LOCAL_CREDENTIALS, localClient, startDynamoDbLocal } from './dynamodb-local.js';
import { LocalEventBus } from './event-bus.js';
import { createGateway } from './http-gateway.js';
import { tokenVerifier } from './jwt.js';
import { LambdaFunctionPool } from './lambdas.js';
import { consoleLogger, type Logger } from './log.js';
import { LocalMailbox } from './mail.js';
import { LocalQueues } from './queues.js';
import { LocalS3 } from './s3.js';
import { LocalScheduler } from './scheduler.js';
import { StreamPoller } from './stream.js';
import { synthesizeIfChanged } from './synth.js';
import { ensureTable } from './tables.js';
import { LOCAL_REGION, readTemplate } from './template.js';

// The whole system on this machine, read from the synthesized template (DESIGN decision 11):
// DynamoDB Local with the template's tables, every function from its cdk.out bundle with the
// environment the template gives it, the HTTP API's routes behind the JWT check, the event bus
// with its rules and archive, the table stream's mappings, the schedules, and the buckets
// (with their events). The functions
// reach DynamoDB, EventBridge, S3 and SES through AWS_ENDPOINT_URL_*: they hold no local-only code.

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface LocalRuntimeOptions {
  port?: number;
  inMemory?: boolean;
  verbose?: boolean;
  localDir?: string;
  log?: Logger;
  /** Retry backoff base for bus targets and streams (ms); tests shrink it. */
  retryDelayMs?: number;
  schedules?: boolean;
}

export interface LocalRuntime {
  apiUrl: string;
  controlUrl: string;
  busEndpoint: string;
  dynamoEndpoint: string;
  localDir: string;
  bus: LocalEventBus;
  scheduler: LocalScheduler;
  queues: LocalQueues;
  synthesized: boolean;
  /** True while the bus or a stream is still delivering. */
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
  mkdirSync(localDir, { recursive: true });
  const { cdkOut, synthesized } = synthesizeIfChanged(ROOT, log.info);
  const app = readTemplate(cdkOut);

  const dataDir = join(localDir, 'dynamodb');
  if (!options.inMemory) mkdirSync(dataDir, { recursive: true });
  const db = await startDynamoDbLocal(options.inMemory ? {} : { path: dataDir });
  const dynamodb = localClient(db.endpoint);
  for (const table of app.tables) await ensureTable(dynamodb, table);
  if (options.inMemory) rmSync(join(localDir, 'stream-checkpoints.json'), { force: true });

  const queues = new LocalQueues(join(localDir, 'queues'), app.queues);
  const pools = new Map<string, LambdaFunctionPool>();
  const servers: Server[] = [];

  // Functions need the bus's endpoint in their environment, and the bus needs the functions:
  // the bus's port is opened first and its handler attached once the bus exists.
  let bus: LocalEventBus | undefined;
  const busServer = createServer((req, res) => void bus!.handle(req, res));
  servers.push(busServer);
  const busEndpoint = `http://127.0.0.1:${await listen(busServer, 0)}`;
  const mailbox = new LocalMailbox(join(localDir, 'mail'), log);
  const mailServer = createServer((req, res) => void mailbox.handle(req, res));
  servers.push(mailServer);
  const sesEndpoint = `http://127.0.0.1:${await listen(mailServer, 0)}`;
  // S3's events go to the bus, which exists once the functions do: the same late binding
  const s3 = new LocalS3(join(localDir, 's3'), app.buckets, (entry) => bus!.putEvents([entry]), log);
  const s3Server = createServer((req, res) => void s3.handle(req, res));
  servers.push(s3Server);
  const s3Endpoint = `http://127.0.0.1:${await listen(s3Server, 0)}`;

  const baseEnvironment = {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: busEndpoint,
    AWS_ENDPOINT_URL_SESV2: sesEndpoint,
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    TZ: 'UTC',
  };
  for (const fn of app.functions.values()) {
    pools.set(
      fn.logicalId,
      new LambdaFunctionPool(fn, {
        baseEnvironment,
        onOutput: (f, line) => log.functionOutput(f.name, line),
      }),
    );
  }

  bus = new LocalEventBus({
    app,
    pools,
    queues,
    dir: join(localDir, 'bus'),
    log,
    ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
  });

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
        queues,
        log,
        checkpointFile: join(localDir, 'stream-checkpoints.json'),
        ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
      }),
  );
  for (const p of pollers) await p.start();

  const scheduler = new LocalScheduler(app.schedules, pools, queues, log);
  if (options.schedules !== false) scheduler.start();

  const gateway = createGateway({ app, pools, verify: await tokenVerifier(localDir), log });
  servers.push(gateway);
  const apiPort = await listen(gateway, options.port ?? Number(process.env.PORT ?? 3000));
  const apiUrl = `http://localhost:${apiPort}`;

  const control = createControlServer({ app, bus, scheduler, queues, pools, apiUrl });
  servers.push(control);
  const controlPort = await listen(control, 0);
  const controlUrl = `http://127.0.0.1:${controlPort}`;

  // Like provisioned concurrency of one: every function has a warm environment before the first request.
  await Promise.all([...pools.values()].map((p) => p.warm()));
  writeFileSync(
    join(localDir, 'runtime.json'),
    JSON.stringify(
      { pid: process.pid, apiUrl, controlUrl, busEndpoint, dynamoEndpoint: db.endpoint, s3Endpoint },
      null,
      2,
    ),
  );

  return {
    apiUrl,
    controlUrl,
    busEndpoint,
    dynamoEndpoint: db.endpoint,
    localDir,
    bus,
    scheduler,
    queues,
    synthesized,
    busy: () => bus!.busy || pollers.some((p) => p.busy),
    stop: async () => {
      scheduler.stop();
      for (const p of pollers) p.stop();
      for (const pool of pools.values()) pool.stop();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(undefined)))));
      for (const s of servers) s.closeAllConnections?.();
      dynamodb.destroy();
      streams.destroy();
      await db.stop();
      rmSync(join(localDir, 'runtime.json'), { force: true });
    },
  };
}
