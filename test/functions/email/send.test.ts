import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../../domain/shared/errors.js';
import { sendEmail } from '../../../functions/email/use-cases/send-email.js';
import { contextFor } from '../../../functions/lib/bus/incoming-event.js';
import { LocalMailbox } from '../../../infra/local/mail.js';
import { users } from '../../support/api.js';
import { crmApi, signIn } from '../../support/crm.js';
import { DOMAIN, deliver } from '../../support/email.js';
import { type TestFiles, testFiles } from '../../support/files.js';
import { servicesOf, type TestTable, testTable } from '../../support/table.js';

// Mail written in the console (POST /emails), on DynamoDB Local: composed as MIME, sent through
// SES v2 (the SDK against the local runtime's SES, which keeps it under a mail folder) from the
// rep's address with the capture address in BCC; what SES would deliver to the capture domain is
// handed to the capture use case, and the email lands on the deal's timeline.

let table: TestTable;
let s3: TestFiles;
let api: ReturnType<typeof crmApi>;
let server: Server;
let mailDir: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  process.env.INBOUND_EMAIL_DOMAIN = DOMAIN;
  process.env.EMAIL_SENDER_DOMAINS = 'example.com';
  mailDir = mkdtempSync(join(tmpdir(), 'handoff-mail-'));
  const mailbox = new LocalMailbox(mailDir, {
    info: () => undefined,
    invocation: () => undefined,
    functionOutput: () => undefined,
  });
  // SES delivering to the capture domain's MX: the local receiving stands here for the capture use case
  mailbox.deliverTo({
    receives: (address: string) => address.endsWith(`@${DOMAIN}`),
    receive: async (raw: Buffer, recipients: string[]) => {
      await deliver(table, s3, raw, recipients);
      return { sesMessageId: 'x', rules: [] };
    },
  } as never);
  server = createServer((req, res) => void mailbox.handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  process.env.AWS_ENDPOINT_URL_SESV2 = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  s3 = await testFiles();
  table = await testTable({ files: s3.files });
  api = crmApi(table);
  await signIn(api, users.alice, users.dana);
  ids.grace = (
    await api('POST /contacts', { body: { firstName: 'Grace', emails: ['grace@acme.test'] } })
  ).body.id;
  ids.deal = (
    await api('POST /deals', {
      as: users.alice,
      body: {
        title: 'Rollout',
        value: { amount: 1_000, currency: 'EUR' },
        ownerId: users.alice.sub,
        contactId: ids.grace,
        nextAction: { summary: 'Call', dueAt: '2030-01-02T09:00:00Z' },
      },
    })
  ).body.id;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await s3?.close();
  rmSync(mailDir, { recursive: true, force: true });
});

describe('POST /emails', () => {
  it('sends from the rep’s address with the deal’s own address in BCC; the copy is captured onto the deal', async () => {
    const res = await api('POST /emails', {
      as: users.alice,
      body: { to: ['grace@acme.test'], subject: 'Kickoff', text: 'Does Monday work?', dealId: ids.deal },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ from: 'alice@example.com', bcc: `deal-${ids.deal}@${DOMAIN}` });
    const timeline = await api('GET /deals/{id}/timeline', { params: { id: ids.deal! } });
    const email = timeline.body.items.find(
      (e: { activity?: { type: string } }) => e.activity?.type === 'email',
    );
    expect(email.activity).toMatchObject({ subject: 'Kickoff', email: { emailId: res.body.emailId } });
    const kept = readdirSync(mailDir).filter((f) => f.endsWith('.json'));
    expect(JSON.parse(readFileSync(join(mailDir, kept[0]!), 'utf8'))).toMatchObject({
      to: ['grace@acme.test'],
      bcc: [`deal-${ids.deal}@${DOMAIN}`],
      subject: 'Kickoff',
    });
  });

  it('refuses, sending nothing: no recipient, a role that may not send, a deal that does not exist', async () => {
    const before = readdirSync(mailDir).length;
    const empty = await api('POST /emails', { as: users.alice, body: { to: [], subject: 'x', text: 'y' } });
    expect(empty.status).toBe(422);
    expect(JSON.stringify(empty.body)).toContain('to');
    expect(
      (await api('POST /emails', { as: users.dana, body: { to: ['a@b.test'], subject: 'x', text: 'y' } }))
        .status,
    ).toBe(403);
    const missing = await api('POST /emails', {
      as: users.alice,
      body: { to: ['a@b.test'], subject: 'x', text: 'y', dealId: 'deal_01ARZ3NDEKTSV4RRFFQ69G5FAV' },
    });
    expect(missing.status).toBe(404);
    expect(readdirSync(mailDir).length).toBe(before);
  });

  it('SES refusing a recipient (faked: SES’s sandbox does not run here) is a 422 at `to`, nothing else said sent', async () => {
    const ctx = {
      ...contextFor({ correlationId: 'c' }, new Date().toISOString(), 'test'),
      actor: { userId: users.alice.sub, email: users.alice.email, roles: ['sales' as const] },
    };
    const rejecting = {
      ...servicesOf(table, 'CrmApi'),
      mailer: async () => ({
        send: async () => {
          throw Object.assign(new Error('Email address is not verified: grace@acme.test'), {
            name: 'MessageRejected',
          });
        },
      }),
    };
    const refused = await sendEmail(
      rejecting,
      { to: ['grace@acme.test'], cc: [], subject: 'x', text: 'y' },
      { ctx },
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationFailed);
    expect((refused as ValidationFailed).issues).toEqual([
      { path: 'to', message: 'SES refused the message: Email address is not verified: grace@acme.test' },
    ]);
  });
});
