import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetterView } from '../../infra/local/sqs.js';
import { type RunningLocal, startLocal } from '../support/local-runtime.js';
import { changedTemplate } from '../support/template.js';

// Email capture through the local runtime, the same path as in AWS: real MIME sent over SMTP
// (nodemailer) to the local SES receiving (smtp-server, playing the template's receipt rule:
// STARTTLS required, 40 MB at most), which stores the message in the local S3 under the rule's
// prefix (as SES, allowed by the bucket's policy) and invokes the capture function with SES's
// receipt event; mail written in the console goes out through the local SES with the capture
// address in BCC and comes back the same way. AWS's retry delays run 1000 times faster.

let local: RunningLocal;
let alice: string;
let mia: string;
let smtp: { host: string; port: number };
const domain = 'crm.handoff.local';
const ids: Record<string, string> = {};

const transport = (options: { tls?: boolean } = {}) =>
  createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: false,
    // the local SMTP server's certificate is self-signed (loopback only)
    ...(options.tls === false
      ? { ignoreTLS: true }
      : { requireTLS: true, tls: { rejectUnauthorized: false } }),
  });

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Entry = { activity?: { type: string; subject: string; email?: { emailId: string; threadId: string } } };

async function emailsOn(path: string): Promise<NonNullable<Entry['activity']>[]> {
  const res = await local.api('GET', path, { token: alice });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.items as Entry[]).filter((e) => e.activity?.type === 'email').map((e) => e.activity!);
}

const subjectsOn = async (path: string) => (await emailsOn(path)).map((e) => e.subject);
const arrived = (path: string, subject: string) =>
  until(`"${subject}" on ${path}`, async () => {
    const found = (await emailsOn(path)).find((e) => e.subject === subject);
    return found ?? undefined;
  });

beforeAll(async () => {
  local = await startLocal({ args: ['--time-scale', '0.001'], warm: ['CrmApi', 'OutboxRelay'] });
  const runtime = JSON.parse(readFileSync(join(local.localDir, 'runtime.json'), 'utf8'));
  const [host, port] = String(runtime.smtpAddress).split(':');
  smtp = { host: host!, port: Number(port) };
  alice = await local.token({ user: 'alice', groups: ['sales'], email: 'alice@example.com' });
  mia = await local.token({ user: 'mia', groups: ['manager'], email: 'mia@example.com' });
  // people are users once they have signed in (their profile has their address)
  await local.api('GET', '/me', { token: alice });
  await local.api('GET', '/me', { token: mia });
  ids.acme = (await local.api('POST', '/companies', { token: alice, body: { name: 'Acme' } })).body.id;
  ids.grace = (
    await local.api('POST', '/contacts', {
      token: alice,
      body: { firstName: 'Grace', lastName: 'Hopper', emails: ['grace@acme.example'], companyId: ids.acme },
    })
  ).body.id;
  const deal = await local.api('POST', '/deals', {
    token: alice,
    body: {
      title: 'Compiler rollout',
      value: { amount: 50_000, currency: 'EUR' },
      ownerId: 'alice',
      contactId: ids.grace,
      companyId: ids.acme,
      nextAction: { summary: 'Send the proposal', dueAt: '2030-01-02T09:00:00Z' },
    },
  });
  expect(deal.status, JSON.stringify(deal.body)).toBe(201);
  ids.deal = deal.body.id;
}, 180_000);

afterAll(async () => {
  await local?.stop();
});

describe('email capture on the local runtime (SMTP → SES receiving → S3 → the capture function)', () => {
  it('npm start prints the SMTP address; GET /email-capture names the capture address and the per-deal pattern', async () => {
    expect(local.output()).toMatch(new RegExp(`smtp: +localhost:${smtp.port} .*log@${domain}`));
    const settings = await local.api('GET', '/email-capture', { token: alice });
    expect(settings.body).toEqual({
      enabled: true,
      domain,
      address: `log@${domain}`,
      dealAddressPattern: `deal-{dealId}@${domain}`,
    });
  });

  it('a BCC to the capture address: on the contact’s, the company’s and the deal’s timelines, once, even when delivered twice', async () => {
    const message = {
      from: 'Alice <alice@example.com>',
      to: 'Grace Hopper <grace@acme.example>',
      bcc: `log@${domain}`,
      subject: 'Proposal for the rollout',
      text: 'Hi Grace, here is the proposal.',
      html: '<p>Hi Grace, here is <b>the proposal</b>.</p><script>alert(1)</script><img src="https://tracker.example/p.gif">',
      messageId: '<proposal-e2e@example.com>',
      date: new Date(Date.now() - 3_600_000),
    };
    const sent = await transport().sendMail(message);
    expect(sent.accepted).toEqual([`log@${domain}`]);
    const logged = await arrived(`/deals/${ids.deal}/timeline`, 'Proposal for the rollout');
    ids.thread = logged.email!.threadId;
    ids.proposal = logged.email!.emailId;
    expect(await subjectsOn(`/contacts/${ids.grace}/timeline`)).toEqual(['Proposal for the rollout']);
    expect(await subjectsOn(`/companies/${ids.acme}/timeline`)).toEqual(['Proposal for the rollout']);
    // the message stored as SES stores it, and its HTML as received (the console sanitizes it)
    const email = await local.api('GET', `/emails/${ids.proposal}`, { token: alice });
    expect(email.body).toMatchObject({ sentBy: 'alice', direction: 'sent', status: 'logged' });
    expect(email.body.html).toContain('<script>');

    // delivered again (CC'd as well, or SES delivering it twice): still once
    await transport().sendMail({ ...message, bcc: undefined, cc: `log@${domain}` });
    await local.waitForEvent('EmailLogged', () => true);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await subjectsOn(`/deals/${ids.deal}/timeline`)).toEqual(['Proposal for the rollout']);
    expect((await local.busEvents('EmailLogged')).length).toBe(1);
  }, 60_000);

  it('the customer replies to the deal’s own address with an attachment: in the same thread, the file the deal’s', async () => {
    const pdf = Buffer.from('%PDF-1.7 signed order form');
    await transport().sendMail({
      from: 'Grace Hopper <grace@acme.example>',
      to: 'alice@example.com',
      cc: `deal-${ids.deal}@${domain}`,
      subject: 'Re: Proposal for the rollout',
      text: 'Signed, attached.',
      inReplyTo: '<proposal-e2e@example.com>',
      references: ['<proposal-e2e@example.com>'],
      attachments: [{ filename: 'order form.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    const reply = await arrived(`/deals/${ids.deal}/timeline`, 'Re: Proposal for the rollout');
    expect(reply.email!.threadId).toBe(ids.thread);
    const thread = await local.api('GET', `/email-threads/${ids.thread}`, { token: alice });
    expect(thread.body.emails.map((e: { subject: string }) => e.subject)).toEqual([
      'Proposal for the rollout',
      'Re: Proposal for the rollout',
    ]);
    const files = await local.api('GET', `/deals/${ids.deal}/attachments`, { token: alice });
    expect(files.body.items).toMatchObject([{ name: 'order form.pdf', size: pdf.length, status: 'stored' }]);
    const link = await local.api('GET', `/attachments/${files.body.items[0].id}`, { token: alice });
    expect(Buffer.from(await (await fetch(link.body.download.url)).arrayBuffer())).toEqual(pdf);
  }, 60_000);

  it('an email sent from the console (POST /emails on a deal) goes out through SES with the deal’s address in BCC and is logged by the same path', async () => {
    const sent = await local.api('POST', '/emails', {
      token: alice,
      body: {
        to: ['grace@acme.example'],
        subject: 'Kickoff dates',
        text: 'Does the 14th work?',
        dealId: ids.deal,
        inReplyTo: ids.proposal,
      },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    expect(sent.body).toMatchObject({ from: 'alice@example.com', bcc: `deal-${ids.deal}@${domain}` });
    const logged = await arrived(`/deals/${ids.deal}/timeline`, 'Kickoff dates');
    expect(logged.email).toMatchObject({ emailId: sent.body.emailId, threadId: ids.thread });
    // the mail as the local SES kept it (.local/mail/), its BCC in the envelope, not the headers
    const mail = readdirSync(join(local.localDir, 'mail'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(local.localDir, 'mail', f), 'utf8')))
      .find((m) => m.subject === 'Kickoff dates');
    expect(mail).toMatchObject({ to: ['grace@acme.example'], bcc: [`deal-${ids.deal}@${domain}`] });
  }, 60_000);

  it('refuses at SMTP what SES refuses: an unknown domain (550), no STARTTLS (530), over 40 MB (552)', async () => {
    await expect(
      transport().sendMail({ from: 'alice@example.com', to: 'someone@elsewhere.example', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 550 });
    await expect(
      transport({ tls: false }).sendMail({ from: 'alice@example.com', to: `log@${domain}`, text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 530 });
    await expect(
      transport().sendMail({
        from: 'alice@example.com',
        to: `log@${domain}`,
        subject: 'too big',
        attachments: [{ filename: 'big.zip', content: Buffer.alloc(31 * 1024 * 1024, 1) }],
      }),
    ).rejects.toMatchObject({ responseCode: 552 });
  }, 60_000);

  it('a forged From of a user with a failing DKIM verdict is refused, its reason listed for managers, on no timeline', async () => {
    await transport().sendMail({
      from: 'alice@example.com',
      to: 'grace@acme.example',
      bcc: `log@${domain}`,
      subject: 'Wire the payment to this new account',
      text: 'Urgent',
      // SES's verdict: locally given by the message (there is no DNS to check a signature against)
      headers: { 'X-Local-SES-Verdicts': 'dkim=FAIL; dmarc=FAIL' },
    });
    const refused = await until('the refusal', async () => {
      const list = await local.api('GET', '/emails?status=refused', { token: mia });
      return list.body.items.find((e: { subject: string }) => e.subject.startsWith('Wire the payment'));
    });
    expect(refused.refusal).toMatchObject({ reason: 'dkim' });
    expect((await local.api('GET', '/emails?status=refused', { token: alice })).status).toBe(403);
    expect(await subjectsOn(`/contacts/${ids.grace}/timeline`)).not.toContain(
      'Wire the payment to this new account',
    );
  }, 60_000);

  it('the capture function failing mid-way (a fault in its DynamoDB): 3 runs, then its on-failure queue; healed, redriven twice, logged once', async () => {
    const captureFailures = (l: DeadLetterView) =>
      l.letter.kind === 'lambda-async' && l.letter.functionArn.includes('EmailCapture');
    await local.fault('EmailCapture', 'dynamodb');
    await transport().sendMail({
      from: 'alice@example.com',
      to: 'grace@acme.example',
      bcc: `log@${domain}`,
      subject: 'Minutes of the kickoff',
      text: 'Attached.',
    });
    const letter = await until('the dead letter', async () =>
      (await local.deadLetters()).find(captureFailures),
    );
    expect(letter.letter).toMatchObject({ condition: 'RetriesExhausted', attempts: 3 });
    expect(letter.body).toMatchObject({ requestPayload: { Records: [{ eventSource: 'aws:ses' }] } });
    expect(await subjectsOn(`/deals/${ids.deal}/timeline`)).not.toContain('Minutes of the kickoff');
    await local.fault('EmailCapture', 'dynamodb', false);
    const run = await local.cli('redrive', [letter.queueId]);
    expect(run.stdout).toMatch(/\n1 redriven, 0 kept\n$/);
    await arrived(`/deals/${ids.deal}/timeline`, 'Minutes of the kickoff');
    // the same record again (an operator's second try): nothing twice
    await local.invoke('EmailCapture', (letter.body as { requestPayload: unknown }).requestPayload);
    const subjects = await subjectsOn(`/deals/${ids.deal}/timeline`);
    expect(subjects.filter((s) => s === 'Minutes of the kickoff')).toHaveLength(1);
  }, 90_000);
});

describe('SES’s permissions, checked as CreateReceiptRule checks them', () => {
  const sesPrincipal = (statement: any) =>
    JSON.stringify(statement.Principal ?? '').includes('ses.amazonaws.com');

  it('without the bucket policy letting SES write inbound-email/, the stack does not start, as the rule would not deploy', async () => {
    const template = changedTemplate((resources) => {
      for (const r of Object.values<any>(resources))
        if (r.Type === 'AWS::S3::BucketPolicy')
          r.Properties.PolicyDocument.Statement = r.Properties.PolicyDocument.Statement.filter(
            (st: any) => !sesPrincipal(st),
          );
    });
    try {
      await expect(startLocal({ cdkOut: template.cdkOut })).rejects.toThrow(
        /the stack would not deploy: the receipt rule .* Could not write to bucket/,
      );
    } finally {
      template.remove();
    }
  }, 60_000);

  it('without the capture function’s permission for SES, the stack does not start', async () => {
    const template = changedTemplate((resources) => {
      for (const [id, r] of Object.entries<any>(resources))
        if (r.Type === 'AWS::Lambda::Permission' && r.Properties.Principal === 'ses.amazonaws.com')
          delete resources[id];
      for (const r of Object.values<any>(resources))
        if (Array.isArray(r.DependsOn)) r.DependsOn = r.DependsOn.filter((d: string) => resources[d]);
    });
    try {
      await expect(startLocal({ cdkOut: template.cdkOut })).rejects.toThrow(
        /the stack would not deploy: the receipt rule .* Could not invoke Lambda function/,
      );
    } finally {
      template.remove();
    }
  }, 60_000);
});
