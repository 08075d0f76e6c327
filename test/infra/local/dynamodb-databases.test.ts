import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbProxy } from '../../../infra/local/dynamodb-iam.js';
import { type DynamoDbLocal, databaseIn, localClient } from '../../../infra/local/dynamodb-local.js';
import { LocalIam } from '../../../infra/local/iam.js';
import { ROOT } from '../../../infra/local/runtime.js';
import { synthesizeIfChanged } from '../../../infra/local/synth.js';
import { readTemplate } from '../../../infra/local/template.js';
import { workerDynamoEndpoint } from '../../support/dynamodb-endpoint.js';
import { startLocal } from '../../support/local-runtime.js';
import { processGroup } from '../../support/sockets.js';
import { createTable } from '../../support/table.js';

// A test's local runtime keeps its tables in a database of its own in its worker's DynamoDB Local
// (infra/local/runtime.ts, dynamoDbLocal), which runs without -sharedDb. What has to hold for the
// tests that run on it to mean anything: two runtimes' tables never meet, even under one name; a
// function's request, signed with its own key, lands in its runtime's database; a runtime that
// stops leaves no table behind for the worker's next files.

// the synthesized template (waiting for the tests' synthesis if it is still being made)
const app = readTemplate(synthesizeIfChanged(ROOT).cdkOut);
const TABLE = app.tables[0]!.name;
const item = (pk: string) => ({ pk: { S: pk }, sk: { S: 'A' } });
const tablesOf = async (client: DynamoDBClient) =>
  (await client.send(new ListTablesCommand({}))).TableNames ?? [];

describe("databases of their own in the worker's DynamoDB Local", () => {
  let first: DynamoDbLocal;
  let second: DynamoDbLocal;
  let server: Server;
  let proxyEndpoint: string;

  beforeAll(async () => {
    [first, second] = [databaseIn(workerDynamoEndpoint()), databaseIn(workerDynamoEndpoint())];
    for (const db of [first, second]) {
      const client = localClient(db.endpoint, db.credentials);
      await createTable(client, TABLE, { stream: true });
      client.destroy();
    }
    // the first runtime's DynamoDB endpoint: IAM first, then its database
    const proxy = dynamoDbProxy(
      new LocalIam(app),
      () => first.endpoint,
      undefined,
      undefined,
      first.credentials.accessKeyId,
    );
    server = createServer((req, res) => void proxy(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    proxyEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await first?.stop();
    await second?.stop();
  });

  it("keeps each runtime's table, under the stack's one name, apart from the other's and the files'", async () => {
    const [a, b] = [first, second].map((db) => localClient(db.endpoint, db.credentials)) as [
      DynamoDBClient,
      DynamoDBClient,
    ];
    const files = localClient(workerDynamoEndpoint());
    try {
      await a.send(new PutItemCommand({ TableName: TABLE, Item: item('ONLY-IN-FIRST') }));
      const inSecond = await b.send(new GetItemCommand({ TableName: TABLE, Key: item('ONLY-IN-FIRST') }));
      expect(inSecond.Item).toBeUndefined();
      expect(await tablesOf(a)).toEqual([TABLE]);
      expect(await tablesOf(b)).toEqual([TABLE]);
      expect(await tablesOf(files)).not.toContain(TABLE);
    } finally {
      for (const c of [a, b, files]) c.destroy();
    }
  });

  it("puts a function's request, signed with the function's own key, in its runtime's database", async () => {
    const crm = [...app.functions.values()].find((f) => f.name === 'CrmApi')!;
    const asCrmApi = new DynamoDBClient({
      endpoint: proxyEndpoint,
      region: 'us-east-1',
      credentials: new LocalIam(app).credentials(crm),
    });
    const a = localClient(first.endpoint, first.credentials);
    const b = localClient(second.endpoint, second.credentials);
    try {
      await asCrmApi.send(new PutItemCommand({ TableName: TABLE, Item: item('WRITTEN-BY-CRM') }));
      const key = { TableName: TABLE, Key: item('WRITTEN-BY-CRM') };
      expect((await a.send(new GetItemCommand(key))).Item).toEqual(item('WRITTEN-BY-CRM'));
      expect((await b.send(new GetItemCommand(key))).Item).toBeUndefined();
    } finally {
      for (const c of [asCrmApi, a, b]) c.destroy();
    }
  });

  it('deletes its tables when the runtime stops; the other keeps its own', async () => {
    const third = databaseIn(workerDynamoEndpoint());
    const client = localClient(third.endpoint, third.credentials);
    try {
      await createTable(client, TABLE);
      expect(await tablesOf(client)).toEqual([TABLE]);
      await third.stop();
      expect(await tablesOf(client)).toEqual([]);
      const b = localClient(second.endpoint, second.credentials);
      expect(await tablesOf(b)).toEqual([TABLE]);
      b.destroy();
    } finally {
      client.destroy();
    }
  });
});

describe("a test's local runtime", () => {
  it("keeps its tables in the worker's DynamoDB Local: it starts no JVM of its own, and answers", async () => {
    const local = await startLocal({ warm: false });
    try {
      expect(processGroup(local.pid).filter((p) => p.command === 'java')).toEqual([]);
      const alice = await local.token({ user: 'alice', groups: ['sales'] });
      const made = await local.api('POST', '/companies', { token: alice, body: { name: 'Acme' } });
      expect(made.status).toBe(201);
      expect((await local.api('GET', `/companies/${made.body.id}`, { token: alice })).body.name).toBe('Acme');
    } finally {
      await local.stop();
    }
  }, 120_000);
});
