import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIam } from '../../infra/local/iam.js';
import { ROOT } from '../../infra/local/runtime.js';
import { synthesizeIfChanged } from '../../infra/local/synth.js';
import { type LocalApp, readTemplate } from '../../infra/local/template.js';
import { type RunningLocal, startLocal } from '../support/local-runtime.js';
import { changedTemplate, withoutGrant, withoutScheduleGrant } from '../support/template.js';

// IAM on the local runtime (infra/local/iam.ts): each function calls AWS with its own
// credentials, and what its role's policies in the synthesized template do not allow is refused
// as AWS refuses it. A grant taken out of the template fails locally the way it would deployed;
// the private bucket refuses whoever did not sign, while the presigned links keep working.

// the synthesized template (waiting for the tests' synthesis if it is still being made)
const app: LocalApp = readTemplate(synthesizeIfChanged(ROOT).cdkOut);
const fn = (name: string) => [...app.functions.values()].find((f) => f.name === name)!;
const TABLE = app.tables[0]!.name;
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:000000000000:table/${TABLE}`;
const roleName = (name: string) => app.roles.get(fn(name).roleId!)!.name;

describe('the stack as synthesized', () => {
  let local: RunningLocal;
  let endpoints: Record<string, string>;
  /** An SDK client's settings as the function runs it: its endpoint, its own credentials. */
  const as = (name: string, service: string) => ({
    endpoint: endpoints[service]!,
    region: 'us-east-1',
    credentials: new LocalIam(app).credentials(fn(name)),
    maxAttempts: 1,
  });

  beforeAll(async () => {
    local = await startLocal();
    endpoints = JSON.parse(readFileSync(join(local.localDir, 'runtime.json'), 'utf8'));
  }, 180_000);
  afterAll(async () => {
    await local?.stop();
  });

  it("answers DynamoDB requests its role does not allow with DynamoDB's AccessDeniedException", async () => {
    const reports = new DynamoDBClient(as('ReportsApi', 'dynamoEndpoint'));
    const written = reports.send(
      new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'X' }, sk: { S: 'X' } } }),
    );
    await expect(written).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
      message:
        `User: arn:aws:sts::000000000000:assumed-role/${roleName('ReportsApi')}/${fn('ReportsApi').logicalId} ` +
        `is not authorized to perform: dynamodb:PutItem on resource: ${TABLE_ARN} ` +
        'because no identity-based policy allows the dynamodb:PutItem action',
    });
    // an index is a resource of its own: the reports read gsi2, not gsi1
    const query = (index: string) =>
      reports.send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: index,
          KeyConditionExpression: '#k = :v',
          ExpressionAttributeNames: { '#k': `${index}pk` },
          ExpressionAttributeValues: { ':v': { S: 'none' } },
        }),
      );
    await expect(query('gsi1')).rejects.toThrow(
      `dynamodb:Query on resource: ${TABLE_ARN}/index/gsi1 because no identity-based policy allows`,
    );
    expect((await query('gsi2')).Items).toEqual([]);
    reports.destroy();
  });

  it('refuses a function the queues, buses, mail identities and functions its role does not name', async () => {
    const sqs = new SQSClient(as('CrmApi', 'sqsEndpoint'));
    const queue = [...app.queues.keys()].find((q) => q.startsWith('OutboxUndeliverable'))!;
    await expect(
      sqs.send(
        new SendMessageCommand({
          QueueUrl: `${endpoints.sqsEndpoint}/000000000000/${queue}`,
          MessageBody: '{}',
        }),
      ),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
      message: expect.stringContaining(
        `is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:000000000000:${queue}`,
      ),
    });
    // only the relay (and the redrive) publish: the API functions write events to the outbox
    const bus = new EventBridgeClient(as('CrmApi', 'busEndpoint'));
    const put = bus.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: app.buses[0], Source: 'handoff.crm', DetailType: 'DealCreated', Detail: '{}' },
        ],
      }),
    );
    await expect(put).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(
        `events:PutEvents on resource: arn:aws:events:us-east-1:000000000000:event-bus/${app.buses[0]}`,
      ),
    });
    // the CRM API mails quotes from the deployment's sender only: any other identity is refused
    const ses = new SESv2Client(as('CrmApi', 'sesEndpoint'));
    await expect(
      ses.send(
        new SendEmailCommand({
          FromEmailAddress: 'ceo@someone-else.example',
          Destination: { ToAddresses: ['alice@example.com'] },
          Content: { Simple: { Subject: { Data: 'x' }, Body: { Text: { Data: 'x' } } } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    const lambda = new LambdaClient(as('OutboxRelay', 'lambdaEndpoint'));
    await expect(
      lambda.send(new InvokeCommand({ FunctionName: fn('CrmApi').logicalId, Payload: '{}' })),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`lambda:InvokeFunction on resource: ${fn('CrmApi').arn}`),
    });
    for (const client of [sqs, bus, ses, lambda]) client.destroy();
  });

  it('takes an attachment through its presigned links, refuses the same object unsigned, and says a missing file is missing', async () => {
    const alice = await local.token({ user: 'alice', groups: ['sales'] });
    const company = await local.api('POST', '/companies', { token: alice, body: { name: 'Initech' } });
    const file = Buffer.from('the signed contract\n');
    const asked = await local.api('POST', `/companies/${company.body.id}/attachments`, {
      token: alice,
      body: { name: 'contract.txt', contentType: 'text/plain', size: file.length },
    });
    expect(asked.status).toBe(201);
    // completed before the upload: the documented 409 (S3 answers the function's HEAD with a 404
    // only because its role may list the attachments; without that, a 403 and a 500 here)
    const early = await local.api('POST', `/attachments/${asked.body.attachment.id}/complete`, {
      token: alice,
    });
    expect(early.status).toBe(409);

    const upload = new URL(asked.body.upload.url);
    const unsignedPut = await fetch(`${upload.origin}${upload.pathname}`, {
      method: 'PUT',
      headers: asked.body.upload.headers,
      body: file,
    });
    expect(unsignedPut.status).toBe(403);
    expect(await unsignedPut.text()).toContain('<Code>AccessDenied</Code>');
    const put = await fetch(upload, { method: 'PUT', headers: asked.body.upload.headers, body: file });
    expect(put.status).toBe(200);
    expect(
      (await local.api('POST', `/attachments/${asked.body.attachment.id}/complete`, { token: alice })).status,
    ).toBe(200);

    const read = await local.api('GET', `/attachments/${asked.body.attachment.id}`, { token: alice });
    const download = new URL(read.body.download.url);
    const got = await fetch(download);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer())).toEqual(file);
    const unsignedGet = await fetch(`${download.origin}${download.pathname}`);
    expect(unsignedGet.status).toBe(403);
    expect(await unsignedGet.text()).toContain('<Code>AccessDenied</Code>');
    const overwrite = await fetch(`${download.origin}${download.pathname}`, {
      method: 'PUT',
      body: 'replaced',
    });
    expect(overwrite.status).toBe(403);
    expect(Buffer.from(await (await fetch(download)).arrayBuffer())).toEqual(file);
  });
});

describe('a template with one grant taken out', () => {
  it('CrmApi without dynamodb:Query: GET /deals answers 500 and the function logs AccessDeniedException; the other functions are untouched', async () => {
    const template = changedTemplate(withoutGrant('CrmApi', 'dynamodb:Query'));
    const local = await startLocal({ cdkOut: template.cdkOut, args: ['--verbose'], warm: ['CrmApi'] });
    try {
      const alice = await local.token({ user: 'alice', groups: ['sales'] });
      expect((await local.api('GET', '/users', { token: alice })).status).toBe(200);
      const listed = await local.api('GET', '/deals', { token: alice });
      expect(listed.status).toBe(500);
      expect(listed.body.type).toBe('/problems/internal');
      const logged = local
        .output()
        .split('\n')
        .find((line) => line.includes('AccessDeniedException') && line.includes('GET /deals'));
      expect(logged).toContain(
        `User: arn:aws:sts::000000000000:assumed-role/${roleName('CrmApi')}/${fn('CrmApi').logicalId} is not authorized to perform: dynamodb:Query on resource: ${TABLE_ARN}`,
      );
      expect(logged).toContain('because no identity-based policy allows the dynamodb:Query action');
    } finally {
      await local.stop();
      template.remove();
    }
  });

  it("the overdue sweep's schedule role without lambda:InvokeFunction: Scheduler cannot invoke it, retries, then dead-letters it with AccessDeniedException", async () => {
    const template = changedTemplate(withoutScheduleGrant('handoff-overdue-sweep', 'lambda:InvokeFunction'));
    const local = await startLocal({ cdkOut: template.cdkOut, args: ['--time-scale', '0.001'], warm: false });
    try {
      const fired = await local.fire('overdue-sweep', '2030-03-04T07:00:00Z');
      expect(fired).toMatchObject({ ok: false, error: expect.stringContaining('not invoked') });
      expect(fired.error).toMatch(
        /assumed-role\/Handoff-SchedulerRoleForTarget\w+\/\w+ is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:OverdueSweepFunction\w+/,
      );
      const until = Date.now() + 20_000;
      let letter: any;
      while (!letter && Date.now() < until) {
        letter = (await local.deadLetters()).find((l) => l.letter.kind === 'schedule-target');
        if (!letter) await new Promise((r) => setTimeout(r, 100));
      }
      expect(letter?.attributes).toMatchObject({ ERROR_CODE: 'AccessDeniedException' });
      expect(local.output()).not.toMatch(/OverdueSweep\s+schedule/);
    } finally {
      await local.stop();
      template.remove();
    }
  });

  it('CreateProjectOnWin without sqs:SendMessage on its on-failure queue: the stack does not start, as it would not deploy', async () => {
    const template = changedTemplate(withoutGrant('CreateProjectOnWin', 'sqs:SendMessage'));
    try {
      await expect(startLocal({ cdkOut: template.cdkOut })).rejects.toThrow(
        /the stack would not deploy: CreateProjectOnWin's on-failure destination .*The provided execution role does not have permissions to call SendMessage on SQS/,
      );
    } finally {
      template.remove();
    }
  });
});
