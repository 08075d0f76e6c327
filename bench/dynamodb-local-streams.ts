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

// Why the tests' tables have no stream (test/support/table.ts): DynamoDB Local's writes slow
// down with the stream records it holds, in every table, deleted tables' included. Each case is
// a fresh DynamoDB Local (in memory) that first holds other tables' data as a worker's earlier
// test files leave it, then serves 600 transactions of two puts (a write and its outbox item, as
// the commands write) to the project's table, one after another: their time and the CPU the
// JVM used for them (/proc).

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
];

async function measure(one: Case): Promise<{ ms: number; cpuMs: number }> {
  const db = await startDynamoDbLocal();
  const client = localClient(db.endpoint);
  try {
    await one.before(client);
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

DynamoDB Local's writes slow down with the stream records it holds, whichever table wrote them,
and deleting a table does not take its records away. So a test file's table has no stream unless
the file reads it (test/support/table.ts), and a local runtime, whose relay reads the stream,
keeps its tables in a DynamoDB Local of its own rather than in one its worker's files share.`;
}
