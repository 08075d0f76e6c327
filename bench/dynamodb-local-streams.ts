import { randomUUID } from 'node:crypto';
import {
  BatchWriteItemCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { localClient, startDynamoDbLocal } from '../infra/local/dynamodb-local.js';
import { createTable } from '../test/support/table.js';
import { cpuMs } from './support.js';

// Why the tests' tables have no stream (test/support/table.ts), and why a test's local runtime
// keeps its tables in a database of its own in its worker's DynamoDB Local: DynamoDB Local's
// writes slow down with the stream records its database holds, in every table, deleted tables'
// included. Each case is a fresh DynamoDB Local (in memory) that first holds other tables' data
// as a worker's earlier test files leave it, then serves 600 transactions of two puts (a write
// and its outbox item, as the commands write) to the project's table, one after another: their
// time and the CPU the JVM used for them (/proc). The last case's instance runs without
// -sharedDb, and the transactions go to another database of it (another access key id).

const TABLES = 20;
const ITEMS = 300;
const TRANSACTIONS = 600;

async function fill(client: DynamoDBClient, stream: boolean): Promise<string[]> {
  const names: string[] = [];
  for (let t = 0; t < TABLES; t++) {
    const name = `earlier-${randomUUID()}`;
    names.push(name);
    await createTable(client, name, { stream });
    for (let i = 0; i < ITEMS; i += 25)
      await client.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [name]: Array.from({ length: 25 }, (_, j) => ({
              PutRequest: {
                Item: { pk: { S: `ITEM#${i + j}` }, sk: { S: 'A' }, text: { S: 'x'.repeat(200) } },
              },
            })),
          },
        }),
      );
  }
  return names;
}

interface Case {
  name: string;
  before: (client: DynamoDBClient) => Promise<void>;
  /** The transactions go to another database of the instance (no -sharedDb, another key). */
  anotherDatabase?: boolean;
}

const CASES: Case[] = [
  { name: 'nothing else', before: async () => undefined },
  {
    name: `${TABLES} tables × ${ITEMS} items, no streams`,
    before: (c) => fill(c, false).then(() => undefined),
  },
  {
    name: `${TABLES} tables × ${ITEMS} items, with streams`,
    before: (c) => fill(c, true).then(() => undefined),
  },
  {
    name: `${TABLES} tables × ${ITEMS} items, with streams, then the tables deleted`,
    before: async (c) => {
      for (const name of await fill(c, true)) await c.send(new DeleteTableCommand({ TableName: name }));
    },
  },
  {
    name: `${TABLES} tables × ${ITEMS} items, with streams, in another database of the instance`,
    before: (c) => fill(c, true).then(() => undefined),
    anotherDatabase: true,
  },
];

async function measure(one: Case): Promise<{ ms: number; cpuMs: number }> {
  const db = await startDynamoDbLocal({ sharedDb: !one.anotherDatabase });
  const earlier = localClient(db.endpoint);
  const client = one.anotherDatabase
    ? localClient(db.endpoint, { accessKeyId: 'another', secretAccessKey: 'local' })
    : earlier;
  try {
    await one.before(earlier);
    const tableName = `project-${randomUUID()}`;
    await createTable(client, tableName, { stream: true });
    const [t, c] = [performance.now(), cpuMs(db.process.pid!)];
    for (let i = 0; i < TRANSACTIONS; i++)
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: tableName, Item: { pk: { S: `DEAL#${i}` }, sk: { S: 'DEAL' } } } },
            { Put: { TableName: tableName, Item: { pk: { S: `OUTBOX#${i}` }, sk: { S: 'EVENT' } } } },
          ],
        }),
      );
    return { ms: performance.now() - t, cpuMs: cpuMs(db.process.pid!) - c };
  } finally {
    earlier.destroy();
    client.destroy();
    await db.stop();
  }
}

export async function dynamodbLocalStreams(): Promise<string> {
  const rows: string[] = [];
  for (const one of CASES) {
    const { ms, cpuMs } = await measure(one);
    rows.push(`| ${one.name} | ${(ms / 1000).toFixed(1)} s | ${(cpuMs / 1000).toFixed(1)} s |`);
  }
  return `## DynamoDB Local and stream records

${TRANSACTIONS} transactions (two puts each) to the project's table on a fresh DynamoDB Local, one after
another, after the instance first took other tables' data (${TABLES} tables of ${ITEMS} items, as a worker's
earlier test files leave it):

| what the instance held before | ${TRANSACTIONS} transactions | the JVM's CPU for them |
| --- | --- | --- |
${rows.join('\n')}

DynamoDB Local's writes slow down with the stream records its database holds, whichever table
wrote them, and deleting a table does not take its records away. Its databases are apart, though:
without -sharedDb it keeps one per access key id, and one database's records do not slow
another's writes. So a test file's table has no stream unless the file reads it
(test/support/table.ts), and a test's local runtime, whose relay reads the stream, keeps its
tables in a database of its own in its worker's DynamoDB Local (infra/local/runtime.ts,
dynamoDbLocal): the worker's JVM, already started and warmed up, serves it.`;
}
