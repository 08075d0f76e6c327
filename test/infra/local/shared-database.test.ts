import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, expect, it } from 'vitest';
import { localClient } from '../../../infra/local/dynamodb-local.js';
import { workerDynamoEndpoint } from '../../support/dynamodb-endpoint.js';
import { type RunningLocal, startLocal } from '../../support/local-runtime.js';

// `npm start -- --in-memory --dynamodb-endpoint <url>`: runtimes that keep their tables in one
// DynamoDB Local (as the tests' do) each get tables of their own, named as CloudFormation names
// them (the logical id and a suffix), and a runtime's tables go when it stops.

const started: RunningLocal[] = [];
afterAll(async () => {
  await Promise.all(started.map((l) => l.stop()));
});

it('two runtimes on one DynamoDB Local see only their own data, and a stopped one leaves no table behind', async () => {
  const [one, two] = await Promise.all([startLocal(), startLocal()]);
  started.push(one!, two!);
  const tableOf = (local: RunningLocal) => Object.values(local.tables)[0]!;
  expect(tableOf(one!)).toMatch(/^DataTable\w+-[0-9A-F]{12}$/);
  expect(tableOf(two!)).not.toBe(tableOf(one!));
  const database = localClient(workerDynamoEndpoint());
  const tables = async () => (await database.send(new ListTablesCommand({}))).TableNames ?? [];
  expect(await tables()).toEqual(expect.arrayContaining([tableOf(one!), tableOf(two!)]));

  const as = async (local: RunningLocal) => ({
    token: await local.token({ user: 'alice', groups: ['sales'] }),
  });
  const made = await one!.api('POST', '/companies', { ...(await as(one!)), body: { name: 'Only in one' } });
  expect(made.status).toBe(201);
  expect((await one!.api('GET', `/companies/${made.body.id}`, await as(one!))).status).toBe(200);
  expect((await two!.api('GET', `/companies/${made.body.id}`, await as(two!))).status).toBe(404);

  await one!.stop();
  started.shift();
  expect(await tables()).not.toContain(tableOf(one!));
  expect(await tables()).toContain(tableOf(two!));
}, 120_000);
