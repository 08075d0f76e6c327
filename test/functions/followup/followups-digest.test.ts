import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDailyDigest } from '../../../functions/followup/use-cases/compose-digests.js';
import { renderDigest, sendDigest } from '../../../functions/followup/use-cases/send-digest-mail.js';
import { LOCAL_CREDENTIALS } from '../../../infra/local/dynamodb-local.js';
import { LocalMailbox } from '../../../infra/local/mail.js';
import { users } from '../../support/api.js';
import { crmApi, eventsOf } from '../../support/crm.js';
import { dealReadyToWin, handoffFacts } from '../../support/handoff.js';
import { type TestTable, testTable } from '../../support/table.js';

// GET /followups, GET/PATCH /me, and the daily digest with its email, on DynamoDB Local; the
// mail goes through the local runtime's SES (a real HTTP endpoint the SDK talks to).

let table: TestTable;
let api: ReturnType<typeof crmApi>;
const bob = { ...users.bob };
const mia = users.manager;

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
  for (const u of [users.alice, bob, mia]) await api('GET /me', { as: u, at: '2030-01-01T00:00:00Z' });
  const deal = (owner: typeof users.alice, dueAt: string, title: string) =>
    api('POST /deals', {
      as: owner,
      at: '2030-01-01T09:00:00Z',
      body: {
        title,
        value: { amount: 1, currency: 'EUR' },
        ownerId: owner.sub,
        nextAction: { summary: `Follow up ${title}`, dueAt },
      },
    });
  await deal(users.alice, '2030-01-02T09:00:00Z', 'Alice old');
  await deal(users.alice, '2030-01-05T09:00:00Z', 'Alice recent');
  await deal(users.alice, '2030-02-01T09:00:00Z', 'Alice future');
  await deal(bob, '2030-01-03T09:00:00Z', 'Bob late');
  // a won deal whose handoff never ran: a missing handoff
  const { deal: won, contact } = await dealReadyToWin(table);
  await api('POST /deals/{id}/won', {
    as: users.alice,
    at: '2030-01-04T09:00:00Z',
    params: { id: won.id },
    body: { handoff: handoffFacts(contact.id) },
  });
});

describe('GET /followups', () => {
  it('lists your late work, most late first, paged', async () => {
    const page1 = await api('GET /followups', {
      as: users.alice,
      at: '2030-01-10T09:00:00Z',
      query: { limit: '1' },
    });
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((f: { dealTitle: string }) => f.dealTitle)).toEqual(['Alice old']);
    const page2 = await api('GET /followups', {
      as: users.alice,
      at: '2030-01-10T09:00:00Z',
      query: { limit: '5', cursor: page1.body.nextCursor },
    });
    expect(
      page2.body.items.map((f: { dealTitle: string; kind: string }) => `${f.kind}:${f.dealTitle}`),
    ).toEqual(['missing-handoff:Rollout', 'overdue-next-action:Alice recent']);
    expect(page2.body.nextCursor).toBeNull();
  });

  it("others' lists are for managers only; the team view holds everyone's", async () => {
    expect((await api('GET /followups', { as: users.alice, query: { ownerId: bob.sub } })).status).toBe(403);
    expect((await api('GET /followups', { as: users.alice, query: { team: 'true' } })).status).toBe(403);
    const team = await api('GET /followups', {
      as: mia,
      at: '2030-01-10T09:00:00Z',
      query: { team: 'true', limit: '50' },
    });
    expect(team.body.items.map((f: { dealTitle: string }) => f.dealTitle)).toEqual([
      'Alice old',
      'Bob late',
      'Rollout',
      'Alice recent',
    ]);
    const missing = await api('GET /followups', {
      as: mia,
      at: '2030-01-10T09:00:00Z',
      query: { team: 'true', kind: 'missing-handoff' },
    });
    expect(missing.body.items).toEqual([
      expect.objectContaining({
        kind: 'missing-handoff',
        ownerId: users.alice.sub,
        wonAt: '2030-01-04T09:00:00.000Z',
      }),
    ]);
  });

  it('GET /deals?overdue=true lists deals whose next action is late', async () => {
    const res = await api('GET /deals', {
      as: mia,
      at: '2030-01-10T09:00:00Z',
      query: { overdue: 'true', ownerId: users.alice.sub },
    });
    expect(res.body.items.map((d: { title: string }) => d.title)).toEqual(['Alice old', 'Alice recent']);
    expect((await api('GET /deals', { as: mia, query: { overdue: 'true', status: 'open' } })).status).toBe(
      400,
    );
  });
});

describe('profiles', () => {
  it('are made from the token and take a valid IANA time zone only', async () => {
    const me = await api('GET /me', { as: users.alice });
    expect(me.body).toMatchObject({
      id: users.alice.sub,
      email: users.alice.email,
      timeZone: 'UTC',
      roles: ['sales'],
    });
    const wrong = await api('PATCH /me', { as: users.alice, body: { timeZone: 'Mars/Olympus' } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0]).toEqual({
      path: 'timeZone',
      message: 'must be an IANA time zone, e.g. Europe/Berlin',
    });
    const ok = await api('PATCH /me', {
      as: users.alice,
      body: { timeZone: 'Europe/Berlin', name: 'Alice' },
    });
    expect(ok.body).toMatchObject({ timeZone: 'Europe/Berlin', name: 'Alice' });
    await api('PATCH /me', { as: bob, body: { timeZone: 'America/New_York' } });
    await api('PATCH /me', { as: mia, body: { timeZone: 'Europe/Berlin' } });
  });
});

describe('the daily digest', () => {
  const digest = (at: string) => runDailyDigest(table.services, at, { digestHour: 7, graceMinutes: 15 });

  it('reaches each person at 7:00 in their zone, once a day, only with something to do', async () => {
    // 06:00Z is 07:00 in Berlin (alice, mia), 01:00 in New York (bob)
    const berlin = await digest('2030-01-10T06:00:00Z');
    expect(berlin.digests.map((d) => d.userId).sort()).toEqual([users.alice.sub, mia.sub].sort());
    const again = await digest('2030-01-10T07:00:00Z');
    expect(again.sent).toBe(0);
    const newYork = await digest('2030-01-10T12:00:00Z');
    expect(newYork.digests.map((d) => d.userId)).toEqual([bob.sub]);
    const events = await eventsOf(table, 'FollowUpDigest');
    expect(
      events
        .filter((e) => e.detail.data.localDate === '2030-01-10')
        .map((e) => e.detail.data.userId)
        .sort(),
    ).toEqual([users.alice.sub, bob.sub, mia.sub].sort());
    const alice = events.find((e) => e.detail.data.userId === users.alice.sub)!.detail.data;
    expect(alice.overdueNextActions.map((a) => a.dealTitle)).toEqual(['Alice old', 'Alice recent']);
    expect(alice.team).toBeNull();
    const manager = events.find((e) => e.detail.data.userId === mia.sub)!.detail.data;
    expect(manager.overdueNextActions).toEqual([]);
    expect(manager.team).toMatchObject({
      overdueNextActions: 3,
      missingHandoffs: [expect.objectContaining({ dealTitle: 'Rollout' })],
    });
  });

  it('sends nothing to someone with nothing to do', async () => {
    const carol = { sub: 'u-carol', groups: ['sales'], email: 'carol@example.com' };
    await api('GET /me', { as: carol });
    await api('PATCH /me', { as: carol, body: { timeZone: 'Asia/Tokyo' } });
    const tokyo = await digest('2030-01-10T22:00:00Z');
    expect(tokyo.due).toBe(1);
    expect(tokyo.empty).toBe(1);
    expect(
      (await eventsOf(table, 'FollowUpDigest')).filter((e) => e.detail.data.userId === 'u-carol'),
    ).toEqual([]);
  });

  it('as an email: text and HTML bodies, links when the app URL is known, delivered through SES', async () => {
    const [event] = (await eventsOf(table, 'FollowUpDigest')).filter(
      (e) => e.detail.data.userId === users.alice.sub,
    );
    const mail = renderDigest(event!.detail.data, 'https://crm.example.com');
    expect(mail.subject).toBe('Handoff: 2 thing(s) to follow up on 2030-01-10');
    expect(mail.text).toContain('Alice old: Follow up Alice old (7 days late)');
    expect(mail.text.indexOf('Alice old')).toBeLessThan(mail.text.indexOf('Alice recent'));
    expect(mail.html).toMatch(/<a href="https:\/\/crm\.example\.com\/deals\/deal_\w+">Alice old/);
    expect(renderDigest(event!.detail.data).html).not.toContain('<a ');

    const dir = mkdtempSync(join(tmpdir(), 'handoff-mail-'));
    const mailbox = new LocalMailbox(dir, {
      invocation: () => undefined,
      info: () => undefined,
      functionOutput: () => undefined,
    });
    const server = createServer((req, res) => void mailbox.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const ses = new SESv2Client({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    expect(await sendDigest(ses, 'digest@handoff.local', event!.detail.data)).toBe(true);
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    const kept = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8'));
    expect(kept).toMatchObject({
      from: 'digest@handoff.local',
      to: [users.alice.email],
      subject: mail.subject,
    });
    server.close();
    ses.destroy();
  });

  it("names people and stages, not ids: a manager's missing handoff by its owner's name, a stalled deal by its stage's", async () => {
    const manager = (await eventsOf(table, 'FollowUpDigest')).find(
      (e) => e.detail.data.userId === mia.sub && e.detail.data.localDate === '2030-01-10',
    )!.detail.data;
    const text = renderDigest(manager).text;
    expect(text).toMatch(/Won, no project yet: Rollout \(owner Alice, won 2030-01-\d\d\)/);
    expect(text).not.toContain(users.alice.sub);
    // ten days later Alice's deals have sat in Lead past its 14 days
    await digest('2030-01-20T06:00:00Z');
    const later = (await eventsOf(table, 'FollowUpDigest')).find(
      (e) => e.detail.data.userId === users.alice.sub && e.detail.data.localDate === '2030-01-20',
    )!.detail.data;
    expect(later.stalledDeals.map((d) => d.stageName)).toContain('Lead');
    const mail = renderDigest(later).text;
    expect(mail).toMatch(/Alice old: \d+ days in Lead/);
    expect(mail).not.toContain('st_lead');
  });
});

afterAll(() => undefined);
