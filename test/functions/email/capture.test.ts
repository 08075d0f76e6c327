import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../support/api.js';
import { crmApi, eventsOf, signIn } from '../../support/crm.js';
import { captureAgain, compose, DOMAIN, deliver, LOG, sesRecord } from '../../support/email.js';
import { type TestFiles, testFiles } from '../../support/files.js';
import { servicesOf, type TestTable, testTable } from '../../support/table.js';

// Email capture on DynamoDB Local and the local S3, with real MIME (nodemailer's composer) stored
// where SES stores what it receives and captured with SES's receipt: an email lands once on its
// contact's, company's and deal's timelines; a reply joins its thread; attachments become the
// deal's; bad input (malformed, too large, forged, spam) is refused with its reason, never thrown.

let table: TestTable;
let s3: TestFiles;
let api: ReturnType<typeof crmApi>;
const ids: Record<string, string> = {};

type Entry = {
  kind: string;
  activity?: { type: string; subject: string; email?: { emailId: string; threadId: string } };
};

async function emailsOn(route: string, id: string) {
  const res = await api(route, { params: { id } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.items as Entry[]).filter((e) => e.activity?.type === 'email').map((e) => e.activity!);
}

beforeAll(async () => {
  s3 = await testFiles();
  table = await testTable({ files: s3.files });
  api = crmApi(table);
  await signIn(api, users.alice, users.bob, users.dana);
  ids.acme = (await api('POST /companies', { body: { name: 'Acme' } })).body.id;
  ids.grace = (
    await api('POST /contacts', {
      body: { firstName: 'Grace', lastName: 'Hopper', emails: ['grace@acme.test'], companyId: ids.acme },
    })
  ).body.id;
  const deal = await api('POST /deals', {
    as: users.alice,
    body: {
      title: 'Compiler rollout',
      value: { amount: 50_000, currency: 'EUR' },
      ownerId: users.alice.sub,
      contactId: ids.grace,
      companyId: ids.acme,
      nextAction: { summary: 'Send the proposal', dueAt: '2030-01-02T09:00:00Z' },
    },
  });
  expect(deal.status, JSON.stringify(deal.body)).toBe(201);
  ids.deal = deal.body.id;
});

afterAll(async () => {
  await s3?.close();
});

describe('email capture', () => {
  it('a rep BCCs the capture address: the email is on the contact’s, the company’s and the deal’s timelines, once', async () => {
    const raw = await compose({
      from: 'Alice <alice@example.com>',
      to: 'Grace Hopper <grace@acme.test>',
      bcc: LOG,
      subject: 'Proposal for the rollout',
      text: 'Hi Grace, the proposal is attached. Alice',
      messageId: '<proposal-1@example.com>',
      date: new Date(Date.now() - 2 * 3_600_000),
    });
    const outcome = await deliver(table, s3, raw);
    expect(outcome).toMatchObject({ outcome: 'logged', activities: 1 });
    for (const [route, id] of [
      ['GET /contacts/{id}/timeline', ids.grace],
      ['GET /companies/{id}/timeline', ids.acme],
      ['GET /deals/{id}/timeline', ids.deal],
    ] as const) {
      const emails = await emailsOn(route, id!);
      expect(
        emails.map((e) => e.subject),
        route,
      ).toEqual(['Proposal for the rollout']);
    }
    const [logged] = await eventsOf(table, 'EmailLogged');
    expect(logged!.detail.data.email).toMatchObject({
      direction: 'sent',
      sentBy: users.alice.sub,
      loggedOn: { contactIds: [ids.grace], companyIds: [ids.acme], dealIds: [ids.deal] },
    });
    ids.proposal = logged!.detail.data.email.id;
    ids.thread = logged!.detail.data.email.threadId;

    // the same message again (it was also CC'd to the capture address, or SES delivered it twice)
    const again = await deliver(table, s3, raw, [LOG]);
    expect(again).toEqual({ outcome: 'duplicate', emailId: ids.proposal });
    expect(await emailsOn('GET /deals/{id}/timeline', ids.deal!)).toHaveLength(1);
    expect(await eventsOf(table, 'EmailLogged')).toHaveLength(1);
  });

  it('the customer replies to the per-deal address: logged on the deal, in the same thread, its attachment the deal’s', async () => {
    const pdf = Buffer.from('%PDF-1.7 signed order form');
    const raw = await compose({
      from: 'Grace Hopper <grace@acme.test>',
      to: 'alice@example.com',
      cc: [`deal-${ids.deal}@${DOMAIN}`, 'cfo@acme.test'],
      subject: 'Re: Proposal for the rollout',
      text: 'Signed, see attached.',
      inReplyTo: '<proposal-1@example.com>',
      references: ['<proposal-1@example.com>'],
      date: new Date(Date.now() - 3_600_000),
      attachments: [{ filename: 'order form.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    const outcome = await deliver(table, s3, raw, [`deal-${ids.deal}@${DOMAIN}`]);
    expect(outcome).toMatchObject({ outcome: 'logged', attachments: 1 });
    const emails = await emailsOn('GET /deals/{id}/timeline', ids.deal!);
    expect(emails.map((e) => e.subject)).toEqual([
      'Re: Proposal for the rollout',
      'Proposal for the rollout',
    ]);
    expect(emails[0]!.email!.threadId).toBe(ids.thread);
    const attachments = await api('GET /deals/{id}/attachments', { params: { id: ids.deal! } });
    expect(attachments.body.items).toMatchObject([
      { name: 'order form.pdf', contentType: 'application/pdf', size: pdf.length, status: 'stored' },
    ]);
    const link = await api('GET /attachments/{id}', { params: { id: attachments.body.items[0].id } });
    expect(Buffer.from(await (await fetch(link.body.download.url)).arrayBuffer())).toEqual(pdf);

    // a stranger in the customer's mail is for the deal's owner to review
    expect((await api('GET /email-review', { as: users.alice })).body.items).toMatchObject([
      { address: 'cfo@acme.test', seenBy: [users.alice.sub] },
    ]);
    const ignored = await api('POST /email-review/{address}/ignore', {
      as: users.alice,
      params: { address: 'cfo@acme.test' },
    });
    expect(ignored.status).toBe(204);
  });

  it('refuses with its reason, logs nothing: a forged From of a user (DKIM failed), spam, an unverified user, a stranger to the capture address', async () => {
    const before = (await emailsOn('GET /deals/{id}/timeline', ids.deal!)).length;
    const forged = await compose({
      from: 'alice@example.com',
      to: 'grace@acme.test',
      bcc: LOG,
      subject: 'Please wire the payment to this new account',
      text: 'Urgent.',
    });
    expect(await deliver(table, s3, forged, [LOG], { dkim: 'FAIL', dmarc: 'FAIL' })).toMatchObject({
      outcome: 'refused',
      reason: 'dkim',
    });
    expect(await deliver(table, s3, forged, [LOG], { spam: 'FAIL' })).toMatchObject({ reason: 'spam' });
    // claims a user's address, but nothing proves it (no DMARC pass, no signature of example.com)
    expect(await deliver(table, s3, forged, [LOG], { dkim: 'GRAY', dmarc: 'GRAY' })).toMatchObject({
      reason: 'sender-unverified',
    });
    const stranger = await compose({ from: 'grace@acme.test', to: LOG, subject: 'Hello', text: 'hi' });
    expect(await deliver(table, s3, stranger, [LOG])).toMatchObject({ reason: 'sender-not-a-user' });
    expect(await emailsOn('GET /deals/{id}/timeline', ids.deal!)).toHaveLength(before);
    const refused = await eventsOf(table, 'EmailRefused');
    expect(refused.map((e) => e.detail.data.email.refusal?.reason)).toEqual([
      'dkim',
      'spam',
      'sender-unverified',
      'sender-not-a-user',
    ]);
  });

  it('malformed MIME and a message over 40 MB are refused as such; a 40 MB message is logged, its oversized file listed as not kept', async () => {
    const garbage = Buffer.from('\u0000\u0001 this is not a message at all \u00ff'.repeat(50), 'latin1');
    expect(await deliver(table, s3, garbage)).toMatchObject({ outcome: 'refused', reason: 'malformed' });
    const noSender = Buffer.from(
      'Subject: half a message\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\nbroken',
    );
    expect(await deliver(table, s3, noSender)).toMatchObject({ outcome: 'refused', reason: 'malformed' });

    const big = Buffer.alloc(29 * 1024 * 1024, 7);
    const raw = await compose({
      from: 'alice@example.com',
      to: 'grace@acme.test',
      bcc: LOG,
      subject: 'The full recordings',
      text: 'All of them.',
      attachments: [{ filename: 'recordings.zip', content: big, contentType: 'application/zip' }],
    });
    expect(raw.length).toBeGreaterThan(39 * 1024 * 1024);
    expect(raw.length).toBeLessThanOrEqual(40 * 1024 * 1024);
    expect(await deliver(table, s3, raw)).toMatchObject({ outcome: 'logged', attachments: 0 });
    const [, , big40] = (await eventsOf(table, 'EmailLogged')).map((e) => e.detail.data.email);
    expect(big40!.attachments).toEqual([
      expect.objectContaining({ name: 'recordings.zip', skipped: 'it is larger than 25 MiB' }),
    ]);
    const over = Buffer.concat([raw, Buffer.alloc(1024 * 1024, 32)]);
    expect(await deliver(table, s3, over)).toMatchObject({ outcome: 'refused', reason: 'too-large' });
  }, 120_000);

  it('a message with no known participant is kept unmatched, its people listed for review, on no timeline', async () => {
    const raw = await compose({
      from: 'alice@example.com',
      to: 'Ada Lovelace <ada@engines.test>',
      bcc: LOG,
      subject: 'Nice to meet you',
      text: 'Following up on the conference.',
    });
    expect(await deliver(table, s3, raw)).toMatchObject({ outcome: 'unmatched', activities: 0 });
    const [review] = (await api('GET /email-review', { as: users.alice })).body.items;
    expect(review).toMatchObject({
      address: 'ada@engines.test',
      name: 'Ada Lovelace',
      emails: 1,
      seenBy: [users.alice.sub],
    });
  });

  it('review: creating the contact puts the emails they were in on its timeline; an ignored address is never listed again', async () => {
    const created = await api('POST /email-review/{address}/contact', {
      as: users.alice,
      params: { address: 'ada@engines.test' },
      body: { companyId: ids.acme },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      contact: { firstName: 'Ada', lastName: 'Lovelace', emails: ['ada@engines.test'], companyId: ids.acme },
      logged: 1,
    });
    expect(
      (await emailsOn('GET /contacts/{id}/timeline', created.body.contact.id)).map((e) => e.subject),
    ).toEqual(['Nice to meet you']);
    expect((await api('GET /email-review', { as: users.alice })).body.items).toEqual([]);
    // done once: the address is no longer waiting for review
    const again = await api('POST /email-review/{address}/contact', {
      as: users.alice,
      params: { address: 'ada@engines.test' },
      body: {},
    });
    expect(again.status).toBe(404);

    const spam = await compose({
      from: 'alice@example.com',
      to: 'newsletter@vendor.test',
      bcc: LOG,
      subject: 'Unsubscribe',
      text: 'Please remove me.',
    });
    await deliver(table, s3, spam);
    expect((await api('GET /email-review', { as: users.alice })).body.items).toMatchObject([
      { address: 'newsletter@vendor.test' },
    ]);
    // a delivery person may read, not decide
    const dana = await api('POST /email-review/{address}/ignore', {
      as: users.dana,
      params: { address: 'newsletter@vendor.test' },
    });
    expect(dana.status).toBe(403);
    const ignored = await api('POST /email-review/{address}/ignore', {
      as: users.alice,
      params: { address: 'newsletter@vendor.test' },
    });
    expect(ignored.status).toBe(204);
    await deliver(
      table,
      s3,
      await compose({
        from: 'alice@example.com',
        to: 'newsletter@vendor.test',
        bcc: LOG,
        subject: 'Again',
        text: 'x',
      }),
    );
    expect((await api('GET /email-review', { as: users.alice })).body.items).toEqual([]);
    expect((await api('GET /email-review', { as: users.bob })).body.items).toEqual([]);
    const malformed = await api('POST /email-review/{address}/ignore', {
      as: users.alice,
      params: { address: 'not-an-address' },
    });
    expect(malformed.status).toBe(400);
  });

  it('a capture that failed mid-way (after storing its files) and is run again logs the email once', async () => {
    const raw = await compose({
      from: 'alice@example.com',
      to: 'grace@acme.test',
      cc: `deal-${ids.deal}@${DOMAIN}`,
      subject: 'Kickoff agenda',
      text: 'Agenda attached.',
      attachments: [{ filename: 'agenda.txt', content: 'agenda', contentType: 'text/plain' }],
    });
    const sesId = 'midway0001';
    await s3.files.writeFile(`inbound-email/${sesId}`, raw, 'message/rfc822');
    // the table refuses the first transaction (as DynamoDB failing would): the files are written, nothing else
    const record = sesRecord(sesId, [LOG]);
    const services = servicesOf(table, 'EmailCapture');
    const original = services.store.transact.bind(services.store);
    let failures = 1;
    services.store.transact = async (writes) => {
      if (failures-- > 0) throw new Error('DynamoDB is unavailable (injected)');
      return original(writes);
    };
    await expect(captureAgain(table, record)).rejects.toThrow('unavailable');
    expect((await emailsOn('GET /deals/{id}/timeline', ids.deal!)).map((e) => e.subject)).not.toContain(
      'Kickoff agenda',
    );
    expect(await captureAgain(table, record)).toMatchObject({ outcome: 'logged', attachments: 1 });
    expect(await captureAgain(table, record)).toMatchObject({ outcome: 'duplicate' });
    services.store.transact = original;
    const subjects = (await emailsOn('GET /deals/{id}/timeline', ids.deal!)).map((e) => e.subject);
    expect(subjects.filter((s) => s === 'Kickoff agenda')).toHaveLength(1);
  });
});
