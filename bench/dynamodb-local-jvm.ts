import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  DYNAMODB_LOCAL_JVM_FLAGS,
  localClient,
  type RunningDynamoDb,
  startDynamoDbLocal,
} from '../infra/local/dynamodb-local.js';
import { createTable } from '../test/support/table.js';
import { cpuMs, percentile } from './support.js';

// What DynamoDB Local's JVM costs with its defaults and with the flags the project starts it
// with (DYNAMODB_LOCAL_JVM_FLAGS): every `npm start` and every e2e test file starts one. Per
// round, one of each, one after the other: the time to its first answer and the CPU its
// process used by then (from /proc), then the project's table and 1,200 requests (600 writes
// and 600 queries, two at a time), their time and the CPU they took; a second 1,200 shows
// the JVM once it has compiled what it serves.

const ROUNDS = 5;
const PAIRS = 600;

async function requests(doc: DynamoDBDocumentClient, tableName: string): Promise<void> {
  for (let i = 0; i < PAIRS; i++) {
    const pk = `BENCH#${i % 20}`;
    await Promise.all([
      doc.send(
        new PutCommand({ TableName: tableName, Item: { pk, sk: `ITEM#${i}`, text: 'x'.repeat(200) } }),
      ),
      doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          Limit: 20,
        }),
      ),
    ]);
  }
}

interface Sample {
  readyMs: number;
  readyCpuMs: number;
  firstMs: number;
  firstCpuMs: number;
  secondMs: number;
  secondCpuMs: number;
}

async function sample(jvmFlags: readonly string[]): Promise<Sample> {
  const started = performance.now();
  const db: RunningDynamoDb = await startDynamoDbLocal({ jvmFlags });
  const readyMs = performance.now() - started;
  const pid = db.process.pid!;
  const readyCpuMs = cpuMs(pid);
  const client = localClient(db.endpoint);
  const doc = DynamoDBDocumentClient.from(client);
  try {
    const tableName = `bench-${randomUUID()}`;
    await createTable(client, tableName, { stream: true });
    const measure = async () => {
      const [t, c] = [performance.now(), cpuMs(pid)];
      await requests(doc, tableName);
      return [performance.now() - t, cpuMs(pid) - c] as const;
    };
    const [firstMs, firstCpuMs] = await measure();
    const [secondMs, secondCpuMs] = await measure();
    return { readyMs, readyCpuMs, firstMs, firstCpuMs, secondMs, secondCpuMs };
  } finally {
    client.destroy();
    await db.stop();
  }
}

export async function dynamodbLocalJvm(): Promise<string> {
  const cases = {
    'JVM defaults': [] as string[],
    [DYNAMODB_LOCAL_JVM_FLAGS.join(' ')]: DYNAMODB_LOCAL_JVM_FLAGS,
  };
  const samples = new Map<string, Sample[]>(Object.keys(cases).map((k) => [k, []]));
  for (let round = 0; round < ROUNDS; round++)
    for (const [name, flags] of Object.entries(cases)) samples.get(name)!.push(await sample(flags));
  const p50 = (name: string, key: keyof Sample) =>
    percentile(
      samples.get(name)!.map((s) => s[key]),
      50,
    );
  const s = (n: number) => `${(n / 1000).toFixed(2)} s`;
  const rows = Object.keys(cases).map(
    (name) =>
      `| ${name === 'JVM defaults' ? name : `\`${name}\``} | ${s(p50(name, 'readyMs'))} | ${s(p50(name, 'readyCpuMs'))} | ${s(p50(name, 'firstMs'))} | ${s(p50(name, 'firstCpuMs'))} | ${s(p50(name, 'secondMs'))} | ${s(p50(name, 'secondCpuMs'))} |`,
  );
  return `## DynamoDB Local's JVM

p50 of ${ROUNDS} rounds, interleaved; each row a fresh JVM (in memory), the project's table, then
${(PAIRS * 2).toLocaleString('en-US')} requests twice (${PAIRS} writes and ${PAIRS} queries, two at a time). CPU: what the
JVM's process used (user + system, from /proc), on its own threads and the collector's.

| JVM flags | first answer | CPU by then | first 1,200 requests | their CPU | next 1,200 | their CPU |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Every \`npm start\` starts one, and so does every e2e and browser test file (the suite's code
starts 32 local runtimes, beside the one per worker the other files share). With its
defaults the JVM runs C2, which recompiles hot code on background threads, and G1, with threads
of its own: on 2 cores those compete with the Lambda environments, the browser and the tests.
The flags in \`DYNAMODB_LOCAL_JVM_FLAGS\` (infra/local/dynamodb-local.ts) keep C1 alone and the
serial collector.`;
}
