import { rmSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { type RunningLocal, startLocal } from '../support/local-runtime.js';
import { type Receiver, startReceiver, verify } from '../support/webhook-receiver.js';

// Webhooks on the local runtime, end to end: the synthesized stack's rule, queues, sender and
// archive, real HTTP receivers on this machine (the local runtime allows http://127.0.0.1), the
// retry schedule's waits shortened by --time-scale (its 3.6 days take seconds, hops and all). An
// admin adds an endpoint through the API; the receiver verifies every delivery with the Standard
// Webhooks library; failures are retried and logged; an endpoint failing for its whole window is
// disabled and admins are told (event, follow-up, digest); a delivery is resent and a window
// replayed from the archive with the same webhook-ids; a killed runtime loses no delivery.

const SCALE = '0.00002';
const started: RunningLocal[] = [];
const receivers: Receiver[] = [];
let local: RunningLocal;
let admin: string;
let alice: string;

// a failed test prints what the runtimes logged (each invocation, its trigger and outcome): that
// log showed two fresh-clone runs' lost retries were the sender dropping an attempt whose claim
// raced its predecessor's record (test/functions/webhooks/webhook-sender.test.ts has the race)
beforeEach(() => {
  onTestFailed(() => {
    for (const l of started) console.error(`the local runtime's last output:\n${l.output().slice(-12_000)}`);
  });
});

afterAll(async () => {
  for (const r of receivers) await r.close();
  for (const l of started) await l.stop({ keepDir: true });
  for (const l of started) rmSync(l.localDir, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startLocal>[0]) {
  const l = await startLocal(options);
  started.push(l);
  return l;
}

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(
        `${what}: not within ${timeoutMs} ms\n${started.map((l) => l.output().slice(-6000)).join('\n---\n')}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function signIn(l: RunningLocal) {
  const a = await l.token({ user: 'ada', groups: ['admin'], email: 'ada@example.com' });
  const s = await l.token({ user: 'alice', groups: ['sales'] });
  await l.api('GET', '/me', { token: a });
  await l.api('GET', '/me', { token: s });
  return { a, s };
}

async function addEndpoint(l: RunningLocal, url: string, events: string[]) {
  const res = await l.api('POST', '/webhook-endpoints', { token: admin, body: { url, events } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret: string };
}

async function newDeal(l: RunningLocal, title: string, token = alice): Promise<string> {
  const res = await l.api('POST', '/deals', {
    token,
    body: {
      title,
      value: { amount: 1000, currency: 'EUR' },
      ownerId: 'alice',
      nextAction: { summary: 'Call', dueAt: '2031-01-10T09:00:00Z' },
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

const dealOf = (body: string) =>
  (JSON.parse(body) as { detail: { data: { deal: { id: string } } } }).detail.data.deal.id;

describe('webhooks on the local runtime', () => {
  beforeAll(async () => {
    local = await start({ args: ['--time-scale', SCALE], warm: ['CrmApi', 'WorkspaceApi', 'OutboxRelay'] });
    ({ a: admin, s: alice } = await signIn(local));
  });

  it('an admin adds an endpoint; the receiver verifies every event; the log shows each attempt', async () => {
    const r = await receiver();
    const endpoint = await addEndpoint(local, r.url, ['DealCreated']);
    const deals = [await newDeal(local, 'One'), await newDeal(local, 'Two'), await newDeal(local, 'Three')];
    await r.waitFor(3);
    const created = (await local.busEvents('DealCreated')).filter((e) =>
      deals.includes(e.detail.data.deal.id),
    );
    expect(r.received.map((q) => q.headers['webhook-id']).sort()).toEqual(
      created.map((e) => e.detail.id).sort(),
    );
    for (const request of r.received) {
      const payload = verify(request, endpoint.secret) as { source: string; 'detail-type': string };
      expect(payload).toMatchObject({ source: 'handoff.crm', 'detail-type': 'DealCreated' });
    }
    // the receiver has each request before the sender records its answer: the log once it has
    const log = await until('the three deliveries logged', async () => {
      const read = await local.api('GET', `/webhook-endpoints/${endpoint.id}/deliveries`, { token: admin });
      return read.body.items.length === 3 &&
        read.body.items.every((d: { status: string }) => d.status !== 'pending')
        ? read
        : undefined;
    });
    expect(log.body.items).toHaveLength(3);
    for (const d of log.body.items)
      expect(d).toMatchObject({
        status: 'delivered',
        attemptCount: 1,
        attempts: [{ statusCode: 204, error: null }],
      });
    const forSales = await local.api('GET', `/webhook-endpoints/${endpoint.id}/deliveries`, { token: alice });
    expect(forSales.status).toBe(403);
    await local.api('DELETE', `/webhook-endpoints/${endpoint.id}`, { token: admin });
  });

  it('a receiver that closes the connection, answers 500, then 429 with Retry-After is retried until delivered', async () => {
    const r = await receiver();
    r.answer(
      { close: true },
      { status: 500, body: 'oops' },
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 200 },
    );
    const endpoint = await addEndpoint(local, r.url, ['DealCreated']);
    const deal = await newDeal(local, 'Retried');
    const delivered = await until('delivered after three failures', async () => {
      const log = await local.api('GET', `/webhook-endpoints/${endpoint.id}/deliveries?status=delivered`, {
        token: admin,
      });
      return log.body.items[0];
    });
    expect(
      delivered.attempts.map((a: { statusCode: number | null; error: string | null }) => [
        a.statusCode,
        a.error,
      ]),
    ).toEqual([
      [null, 'the connection was closed before an answer'],
      [500, 'HTTP 500'],
      [429, 'HTTP 429'],
      [200, null],
    ]);
    expect(delivered.attempts[2].retryAfterSeconds).toBe(1);
    expect(r.received.map((q) => dealOf(q.body))).toEqual([deal, deal, deal, deal]);
    expect(new Set(r.received.map((q) => q.headers['webhook-id'])).size).toBe(1);
    await local.api('DELETE', `/webhook-endpoints/${endpoint.id}`, { token: admin });
  }, 120_000);

  it('a receiver failing for its whole retry window is disabled; admins are told by an event, a follow-up and the digest', async () => {
    const r = await receiver();
    r.answer({ status: 503, body: 'maintenance' });
    const endpoint = await addEndpoint(local, r.url, ['DealUpdated']);
    const deal = await newDeal(local, 'Watched');
    const patched = await local.api('PATCH', `/deals/${deal}`, {
      token: alice,
      body: { title: 'Watched closely' },
    });
    expect(patched.status).toBe(200);
    const disabled = await local.waitForEvent(
      'WebhookEndpointDisabled',
      (e) => e.detail.data.endpoint.id === endpoint.id,
      120_000,
    );
    expect(disabled.detail.data).toMatchObject({ reason: 'failing', lastError: 'HTTP 503' });
    expect(r.received).toHaveLength(15);
    const read = await local.api('GET', `/webhook-endpoints/${endpoint.id}`, { token: admin });
    expect(read.body).toMatchObject({ status: 'disabled', disabled: { reason: 'failing' } });
    const [failed] = (
      await local.api('GET', `/webhook-endpoints/${endpoint.id}/deliveries`, { token: admin })
    ).body.items;
    expect(failed).toMatchObject({ status: 'failed', reason: 'retries-exhausted', attemptCount: 15 });
    const followups = await local.api('GET', '/followups?kind=webhook-endpoint-disabled', { token: admin });
    expect(followups.body.items).toEqual([
      expect.objectContaining({
        kind: 'webhook-endpoint-disabled',
        endpointId: endpoint.id,
        reason: 'failing',
        ownerId: 'ada',
      }),
    ]);
    const digest = await local.fire('daily-digest', '2031-01-06T07:00:00Z');
    expect(digest.ok).toBe(true);
    const mailed = await local.waitForEvent('FollowUpDigest', (e) => e.detail.data.userId === 'ada', 20_000);
    expect(mailed.detail.data.disabledWebhookEndpoints).toEqual([
      expect.objectContaining({ endpointId: endpoint.id, reason: 'failing' }),
    ]);
    // disabled, it is sent nothing more
    await local.api('PATCH', `/deals/${deal}`, { token: alice, body: { title: 'Watched again' } });
    await new Promise((r2) => setTimeout(r2, 500));
    expect(r.received).toHaveLength(15);
  }, 180_000);

  it('a resend sends the same webhook-id and body again; a replay sends a window from the archive with the same ids', async () => {
    const r = await receiver();
    const early = await addEndpoint(local, r.url, ['DealCreated']);
    const windowStart = new Date(Date.now() - 1000).toISOString();
    const deals = [await newDeal(local, 'Before the newcomer'), await newDeal(local, 'Also before')];
    await r.waitFor(2);
    const [first] = r.received;
    const deliveryId = String(first!.headers['webhook-id']);
    // the sender records the answer after the receiver has it: a resend before that is refused
    // (409, "being sent already"), so wait for the log to say delivered, as an admin would see it
    await until('the first delivery logged as delivered', async () => {
      const log = await local.api('GET', `/webhook-endpoints/${early.id}/deliveries/${deliveryId}`, {
        token: admin,
      });
      return log.body.status === 'delivered' || undefined;
    });
    const resent = await local.api('POST', `/webhook-endpoints/${early.id}/deliveries/${deliveryId}/resend`, {
      token: admin,
    });
    expect(resent.status).toBe(202);
    await r.waitFor(3);
    expect(r.received[2]!.headers['webhook-id']).toBe(deliveryId);
    expect(r.received[2]!.body).toBe(first!.body);

    // an endpoint added after those events missed them: a replay of the window sends them to it alone
    const late = await receiver();
    const newcomer = await addEndpoint(local, late.url, ['DealCreated']);
    // events reach the archive with the event's time in seconds: the window ends past them
    await new Promise((r2) => setTimeout(r2, 1100));
    const replay = await local.api('POST', `/webhook-endpoints/${newcomer.id}/replay`, {
      token: admin,
      body: { from: windowStart, to: new Date().toISOString() },
    });
    expect(replay.status).toBe(202);
    await late.waitFor(2);
    expect(late.received.map((q) => dealOf(q.body)).sort()).toEqual([...deals].sort());
    expect(late.received.map((q) => q.headers['webhook-id']).sort()).toEqual(
      r.received
        .slice(0, 2)
        .map((q) => q.headers['webhook-id'])
        .sort(),
    );
    for (const q of late.received) expect(verify(q, newcomer.secret)).toBeDefined();
    await new Promise((r2) => setTimeout(r2, 500));
    expect(r.received).toHaveLength(3);
    const replays = await local.api('GET', `/webhook-endpoints/${newcomer.id}/replays`, { token: admin });
    expect(replays.body.items[0]).toMatchObject({ id: replay.body.id, status: 'started' });
    const log = await local.api('GET', `/webhook-endpoints/${newcomer.id}/deliveries`, { token: admin });
    expect(log.body.items.map((d: { trigger: string }) => d.trigger)).toEqual(['replay', 'replay']);
  }, 120_000);
});

describe('the local runtime killed mid-delivery', () => {
  it('loses no delivery: every acknowledged event reaches the receiver after a restart', async () => {
    const first = await start({
      keepData: true,
      args: ['--time-scale', SCALE],
      warm: ['CrmApi', 'WorkspaceApi', 'OutboxRelay'],
    });
    const { a, s } = await signIn(first);
    const r = await receiver();
    // slow at first, then refusing: deliveries are in flight and waiting on the queue at the kill
    r.answer({ status: 200, delayMs: 300 }, { status: 200, delayMs: 300 }, { status: 503 });
    const made = await first.api('POST', '/webhook-endpoints', {
      token: a,
      body: { url: r.url, events: ['DealCreated'] },
    });
    expect(made.status).toBe(201);
    const acknowledged: string[] = [];
    for (let i = 0; i < 12; i++) acknowledged.push(await newDeal(first, `Deal ${i}`, s));
    await r.waitFor(3);
    await first.kill();
    r.answer({ status: 204 });
    const second = await start({
      keepData: true,
      localDir: first.localDir,
      args: ['--time-scale', SCALE],
      warm: ['CrmApi', 'WorkspaceApi', 'OutboxRelay'],
    });
    await until(
      'every acknowledged deal delivered',
      async () => {
        const got = new Set(
          r.received
            .filter((q) => q.answered && 'status' in q.answered && q.answered.status < 300)
            .map((q) => dealOf(q.body)),
        );
        return acknowledged.every((d) => got.has(d)) ? true : undefined;
      },
      120_000,
    );
    // one webhook-id per event, whatever the crash made twice
    const ids = new Map<string, string>();
    for (const q of r.received) {
      const deal = dealOf(q.body);
      const id = String(q.headers['webhook-id']);
      expect(ids.get(deal) ?? id).toBe(id);
      ids.set(deal, id);
    }
    expect(ids.size).toBe(12);
    await second.stop({ keepDir: true });
  }, 300_000);
});
