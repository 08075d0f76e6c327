import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainEvent, type EventName, emit } from '../../../domain/events.js';
import { system } from '../../../domain/shared/context.js';
import { newEventId, newId } from '../../../domain/shared/ids.js';
import { SHORTEST_WINDOW_SECONDS } from '../../../domain/webhooks/retry-schedule.js';
import { httpApi } from '../../../functions/lib/http/http-handler.js';
import type { AttemptMessage, AttemptQueue } from '../../../functions/lib/webhooks/attempt-queue.js';
import { postWebhook } from '../../../functions/lib/webhooks/http-post.js';
import type { SenderDeps } from '../../../functions/webhooks/use-cases/attempt-delivery.js';
import { type BusEvent, eventBody } from '../../../functions/webhooks/use-cases/deliver-event.js';
import { sendWebhooks, TURN_WAIT_SECONDS } from '../../../functions/webhooks/use-cases/send-webhooks.js';
import { workspaceRoutes } from '../../../functions/workspace/routes/index.js';
import { apiClient } from '../../support/api.js';
import { eventsOf } from '../../support/crm.js';
import { servicesOf, type TestTable, testTable } from '../../support/table.js';
import { type Receiver, startReceiver, verify } from '../../support/webhook-receiver.js';

// The webhook sender on DynamoDB Local, with its own declared patterns, POSTing to real HTTP
// receivers on this machine: every event to every endpoint that receives it, signed by the
// Standard Webhooks specification (the receivers verify with its library), retried on the
// schedule, each attempt logged with what the receiver said, a 410 and a failed window disabling
// the endpoint (with its event), a message delivered twice or after a crash sending nothing twice.
// Stood in for: SQS. The queue here records what the sender schedules, and the test hands the
// messages back at once instead of after their wait (test/e2e/webhooks.test.ts runs the real
// queues, delays and all, on the local runtime).

let table: TestTable;
let api: ReturnType<typeof apiClient>;
const receivers: Receiver[] = [];

/** The attempt queue: what the sender schedules, kept for the test to hand back. */
class AttemptQueueStandIn implements AttemptQueue {
  scheduled: { message: Omit<AttemptMessage, 'waitSeconds'>; waitSeconds: number }[] = [];
  async schedule(messages: AttemptQueueStandIn['scheduled']) {
    this.scheduled.push(...messages);
  }
  take() {
    const all = this.scheduled;
    this.scheduled = [];
    return all;
  }
}

const queue = new AttemptQueueStandIn();
const RECEIVER_TIMEOUT_MS = 3_000;
const replaysStarted: string[] = [];
let deps: SenderDeps;

beforeAll(async () => {
  table = await testTable();
  const workspace = servicesOf(table, 'WorkspaceApi');
  // the local runtime's setting: receivers on this machine may be named
  const local = {
    ...workspace,
    settings: { ...workspace.settings, webhooks: { allowLoopback: true, archiveRetentionDays: 365 } },
  };
  api = apiClient(
    httpApi(
      workspaceRoutes(local, () => ({})),
      () => local,
    ),
  );
  deps = {
    s: servicesOf(table, 'WebhookSender'),
    queue,
    archive: {
      start: async (replay) => {
        replaysStarted.push(replay.id);
        return { started: true };
      },
    },
    // long enough that a healthy receiver on a busy machine answers in time (a late answer is a
    // failed attempt, and its retry would be one more message scheduled): the hanging one waits it out
    post: (url, headers, body) =>
      postWebhook(url, headers, body, { timeoutMs: RECEIVER_TIMEOUT_MS, policy: { allowLoopback: true } }),
    clock: () => new Date(),
    random: () => 0.5,
    log: () => undefined,
  };
});

afterAll(async () => {
  for (const r of receivers) await r.close();
});

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

async function endpoint(url: string, events: string[]) {
  const res = await api('POST /webhook-endpoints', { body: { url, events } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret: string };
}

const ctx = () => ({
  now: new Date().toISOString(),
  actor: system('test'),
  correlationId: 'test',
  newId,
  newEventId,
});

/** An event as the bus's rule puts it on the queue: EventBridge's envelope around Handoff's. */
function onBus(event: DomainEvent, extra: Record<string, unknown> = {}): BusEvent {
  return {
    id: randomUUID(),
    source: event.source,
    'detail-type': event.detailType,
    detail: event.detail,
    ...extra,
  } as BusEvent;
}
const companyDeleted = () => emit(ctx(), 'CompanyDeleted', { companyId: newId('company') });
const record = (body: unknown, messageId: string = randomUUID()) => ({
  messageId,
  body: JSON.stringify(body),
});
const send = (...bodies: unknown[]) =>
  sendWebhooks(
    deps,
    bodies.map((b) => record(b)),
  );
/** Hands every scheduled attempt back, as if its wait had passed. */
const runDue = async () => {
  const due = queue.take();
  return sendWebhooks(
    deps,
    due.map(({ message }) => record({ ...message, waitSeconds: 0 })),
  );
};
const deliveries = async (endpointId: string, query?: Record<string, string>) =>
  (
    await api('GET /webhook-endpoints/{id}/deliveries', {
      params: { id: endpointId },
      ...(query ? { query } : {}),
    })
  ).body.items;

describe('sending an event', () => {
  it('goes to each enabled endpoint that receives it, signed; webhook-id is the event id', async () => {
    const [a, b, c, d] = [await receiver(), await receiver(), await receiver(), await receiver()];
    const toA = await endpoint(a.url, ['CompanyDeleted']);
    const toB = await endpoint(b.url, ['*']);
    await endpoint(c.url, ['ProjectCreated']);
    const toD = await endpoint(d.url, ['*']);
    await api('PATCH /webhook-endpoints/{id}', { params: { id: toD.id }, body: { status: 'disabled' } });
    const event = companyDeleted();
    expect(await send(onBus(event))).toEqual({ batchItemFailures: [] });
    const [got] = await a.waitFor(1);
    await b.waitFor(1);
    expect(c.received).toHaveLength(0);
    expect(d.received).toHaveLength(0);
    expect(got!.headers['webhook-id']).toBe(event.detail.id);
    expect(got!.headers['content-type']).toBe('application/json');
    expect(verify(got!, toA.secret)).toEqual({
      source: 'handoff.crm',
      'detail-type': 'CompanyDeleted',
      detail: event.detail,
    });
    expect(verify(b.received[0]!, toB.secret)).toMatchObject({ detail: { id: event.detail.id } });
    expect(() => verify(got!, toB.secret)).toThrow();
    const [logged] = await deliveries(toA.id);
    expect(logged).toMatchObject({
      id: event.detail.id,
      eventType: 'CompanyDeleted',
      status: 'delivered',
      trigger: 'event',
      round: 1,
      attemptCount: 1,
      nextAttemptAt: null,
      attempts: [{ round: 1, number: 1, outcome: 'delivered', statusCode: 204, error: null }],
    });
    const one = await api('GET /webhook-endpoints/{id}/deliveries/{deliveryId}', {
      params: { id: toA.id, deliveryId: event.detail.id },
    });
    expect(one.body.payload).toBe(got!.body);
  });

  it('during a rotation both the new and the previous secret verify the same delivery', async () => {
    const r = await receiver();
    const made = await endpoint(r.url, ['CompanyDeleted']);
    const rotated = await api('POST /webhook-endpoints/{id}/rotate-secret', { params: { id: made.id } });
    await send(onBus(companyDeleted()));
    const [got] = await r.waitFor(1);
    expect(String(got!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(got!, rotated.body.secret)).toBeDefined();
    expect(verify(got!, made.secret)).toBeDefined();
  });

  it('never gives two events one webhook-id; a message that comes twice sends nothing twice', async () => {
    const r = await receiver();
    await endpoint(r.url, ['CompanyDeleted']);
    const events = Array.from({ length: 20 }, () => onBus(companyDeleted()));
    const records = events.map((e) => record(e));
    await sendWebhooks(deps, records.slice(0, 10));
    await sendWebhooks(deps, records.slice(10));
    await r.waitFor(20);
    await sendWebhooks(deps, records.slice(0, 10));
    expect(r.received.map((q) => q.headers['webhook-id']).sort()).toEqual(
      events.map((e) => e.detail.id).sort(),
    );
  });
});

describe('a receiver that fails', () => {
  it('is retried on the schedule, after its Retry-After, each attempt logged with what it said', async () => {
    const r = await receiver();
    r.answer(
      { status: 500, body: 'boom' },
      { close: true },
      { hang: true },
      { status: 429, headers: { 'retry-after': '7200' } },
      { status: 200, body: 'thanks' },
    );
    const made = await endpoint(r.url, ['CompanyDeleted']);
    const event = companyDeleted();
    await send(onBus(event));
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      expect(queue.scheduled).toHaveLength(1);
      expect(queue.scheduled[0]!.message).toMatchObject({
        deliveryId: event.detail.id,
        round: 1,
        attempt: i + 2,
      });
      waits.push(queue.scheduled[0]!.waitSeconds);
      await runDue();
    }
    expect(queue.scheduled).toHaveLength(0);
    // random 0.5: the nominal waits; the 429's Retry-After (2 h) is longer than its 27 minutes
    expect(waits).toEqual([60, 180, 540, 7200]);
    expect(new Set(r.received.map((q) => q.headers['webhook-id']))).toEqual(new Set([event.detail.id]));
    const [logged] = await deliveries(made.id);
    expect(logged.status).toBe('delivered');
    expect(
      logged.attempts.map(
        (a: { statusCode: number | null; error: string | null; response: string | null }) => [
          a.statusCode,
          a.error,
          a.response,
        ],
      ),
    ).toEqual([
      [500, 'HTTP 500', 'boom'],
      [null, 'the connection was closed before an answer', null],
      [null, 'no answer within 3 s', null],
      [429, 'HTTP 429', null],
      [200, null, 'thanks'],
    ]);
    expect(logged.attempts[3].retryAfterSeconds).toBe(7200);
    expect(logged.attempts.every((a: { latencyMs: number }) => a.latencyMs >= 0)).toBe(true);
    expect(logged.attempts[2].latencyMs).toBeGreaterThanOrEqual(RECEIVER_TIMEOUT_MS);
    const read = await api('GET /webhook-endpoints/{id}', { params: { id: made.id } });
    expect(read.body.failingSince).toBeNull();
  });

  it('a 410 disables its endpoint at once, and admins are told', async () => {
    const r = await receiver();
    r.answer({ status: 410 });
    const made = await endpoint(r.url, ['CompanyDeleted']);
    const event = companyDeleted();
    await send(onBus(event));
    expect(queue.scheduled).toHaveLength(0);
    const read = (await api('GET /webhook-endpoints/{id}', { params: { id: made.id } })).body;
    expect(read).toMatchObject({ status: 'disabled', disabled: { reason: 'gone' } });
    const [told] = (await eventsOf(table, 'WebhookEndpointDisabled')).filter(
      (e) => e.detail.data.endpoint.id === made.id,
    );
    expect(told!.detail.data).toMatchObject({
      reason: 'gone',
      deliveryId: event.detail.id,
      lastError: 'HTTP 410',
    });
    expect((await deliveries(made.id, { status: 'failed' }))[0]).toMatchObject({ reason: 'gone' });
    await send(onBus(companyDeleted()));
    expect(r.received).toHaveLength(1);
  });

  it('failing for its whole window (over 3 days of waits) fails the delivery and disables the endpoint', async () => {
    const r = await receiver();
    r.answer({ status: 503, body: 'down' });
    const made = await endpoint(r.url, ['CompanyDeleted']);
    const event = companyDeleted();
    await send(onBus(event));
    let waited = 0;
    while (queue.scheduled.length > 0) {
      waited += queue.scheduled[0]!.waitSeconds;
      await runDue();
    }
    expect(waited).toBeGreaterThanOrEqual(SHORTEST_WINDOW_SECONDS);
    expect(waited).toBeGreaterThan(3 * 86_400);
    expect(r.received).toHaveLength(15);
    const [logged] = await deliveries(made.id);
    expect(logged).toMatchObject({ status: 'failed', reason: 'retries-exhausted', attemptCount: 15 });
    const read = (await api('GET /webhook-endpoints/{id}', { params: { id: made.id } })).body;
    expect(read).toMatchObject({ status: 'disabled', disabled: { reason: 'failing' } });
    expect(read.failingSince).toBe(logged.attempts[0].at);
    const [told] = (await eventsOf(table, 'WebhookEndpointDisabled')).filter(
      (e) => e.detail.data.endpoint.id === made.id,
    );
    expect(told!.detail.data).toMatchObject({
      reason: 'failing',
      failingSince: read.failingSince,
      lastError: 'HTTP 503',
    });
  });

  it('a redirect is not followed; a host that resolves to this machine is refused at connect time in AWS', async () => {
    const r = await receiver();
    r.answer({ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data' } });
    const made = await endpoint(r.url, ['CompanyDeleted']);
    await send(onBus(companyDeleted()));
    expect(r.received).toHaveLength(1);
    const [redirected] = await deliveries(made.id);
    expect(redirected.attempts[0].error).toBe(
      'HTTP 302: redirects are not followed (to http://169.254.169.254/latest/meta-data)',
    );
    queue.take();
    // saved while the name pointed elsewhere; at send time it resolves to 127.0.0.1 (DNS rebinding)
    const rebound = await receiver();
    const port = new URL(rebound.url).port;
    const atRisk = await endpoint(`https://localhost:${port}/hooks`, ['CompanyDeleted']);
    const inAws = { ...deps, post: deps.post };
    inAws.post = (url, headers, body) =>
      postWebhook(url, headers, body, { timeoutMs: RECEIVER_TIMEOUT_MS, policy: { allowLoopback: false } });
    await sendWebhooks(inAws, [record(onBus(companyDeleted()))]);
    queue.take();
    expect(rebound.received).toHaveLength(0);
    const [refused] = await deliveries(atRisk.id);
    expect(refused.attempts[0]).toMatchObject({
      statusCode: null,
      error:
        'not sent: its host localhost resolves to 127.0.0.1, a loopback address (this machine): only public addresses are sent to',
    });
    for (const id of [made.id, atRisk.id]) await api('DELETE /webhook-endpoints/{id}', { params: { id } });
    queue.take();
  });
});

describe('nothing lost, nothing twice', () => {
  it('deliveries written before a crash are sent when the message comes back, once', async () => {
    const r = await receiver();
    const made = await endpoint(r.url, ['CompanyDeleted']);
    const event = onBus(companyDeleted());
    const messageId = randomUUID();
    const { newDelivery } = await import('../../../domain/webhooks/delivery.js');
    // what the crashed run wrote before dying: the body and the delivery, claimed by its message
    const now = new Date().toISOString();
    await deps.s.webhookDeliveries.create(
      eventBody(event),
      [newDelivery(eventBody(event), made.id, 'event', now)],
      {
        token: messageId,
        now,
      },
    );
    expect((await deliveries(made.id))[0]).toMatchObject({ status: 'pending', attemptCount: 0 });
    await sendWebhooks(deps, [record(event, messageId)]);
    await r.waitFor(1);
    await sendWebhooks(deps, [record(event, messageId)]);
    expect(r.received).toHaveLength(1);
    expect((await deliveries(made.id))[0]).toMatchObject({ status: 'delivered', attemptCount: 1 });
  });

  /** A delivery whose first attempt a message claimed at `claimedAt`, and never recorded. */
  async function firstAttemptUnrecorded(claimedAt: string) {
    const r = await receiver();
    const made = await endpoint(r.url, ['CompanyDeleted']);
    const event = onBus(companyDeleted());
    const { newDelivery } = await import('../../../domain/webhooks/delivery.js');
    await deps.s.webhookDeliveries.create(
      eventBody(event),
      [newDelivery(eventBody(event), made.id, 'event', claimedAt)],
      { token: 'attempt-1-in-flight', now: claimedAt },
    );
    const second = {
      kind: 'attempt',
      endpointId: made.id,
      deliveryId: event.detail.id,
      round: 1,
      attempt: 2,
    } as const;
    return { r, second, early: record({ ...second, waitSeconds: 0 }) };
  }

  it('the next attempt arriving before the last one is recorded waits its turn: a few seconds, not the visibility timeout', async () => {
    const { r, second, early } = await firstAttemptUnrecorded(new Date().toISOString());
    queue.take();
    // handled (not returned to SQS for its 12-minute visibility timeout): sent on to try again soon
    expect(await sendWebhooks(deps, [early])).toEqual({ batchItemFailures: [] });
    expect(r.received).toHaveLength(0);
    expect(queue.take()).toEqual([{ message: second, waitSeconds: TURN_WAIT_SECONDS }]);
  });

  it('the next attempt whose predecessor is recorded just after its claim was refused is tried again, not dropped', async () => {
    // the race a fresh-clone run hit (the local runtime's scaled waits make it likely): the
    // claim is refused while attempt 1 is unrecorded, attempt 1 is recorded, then the refused
    // message looks why and finds the delivery at its turn
    const claimedAt = new Date().toISOString();
    const { r, second, early } = await firstAttemptUnrecorded(claimedAt);
    queue.take();
    const { afterAttempt } = await import('../../../domain/webhooks/delivery.js');
    const real = deps.s.webhookDeliveries;
    const racing = Object.create(real) as typeof real;
    racing.claim = async (...args) => {
      const claimed = await real.claim(...args);
      if (!claimed) {
        const unrecorded = await real.require(second.endpointId, second.deliveryId);
        const failed = afterAttempt(
          unrecorded,
          { statusCode: 503, latencyMs: 5, response: 'maintenance', error: null },
          claimedAt,
          0.5,
        );
        expect(await real.record(failed.delivery, { token: 'attempt-1-in-flight', now: claimedAt })).toBe(
          true,
        );
      }
      return claimed;
    };
    const report = await sendWebhooks({ ...deps, s: { ...deps.s, webhookDeliveries: racing } }, [early]);
    expect(report).toEqual({ batchItemFailures: [] });
    // sent on to try again in seconds (it is at its turn now), not lost; made when it comes
    const hopped = queue.take();
    expect(hopped).toEqual([{ message: second, waitSeconds: TURN_WAIT_SECONDS }]);
    expect(await sendWebhooks(deps, [record({ ...second, waitSeconds: 0 })])).toEqual({
      batchItemFailures: [],
    });
    await r.waitFor(1);
    expect((await deliveries(second.endpointId))[0]).toMatchObject({ attemptCount: 2 });
  });

  it('once the unrecorded attempt has lost its lease (its sender crashed), the next one waits for that message, not in seconds', async () => {
    const { r, early } = await firstAttemptUnrecorded(new Date(Date.now() - 10 * 60_000).toISOString());
    queue.take();
    // back to SQS: it comes again after the visibility timeout, and to the dead-letter queue
    // after ten receives, rather than hopping every few seconds for as long as the delivery lives
    expect(await sendWebhooks(deps, [early])).toEqual({
      batchItemFailures: [{ itemIdentifier: early.messageId }],
    });
    expect(queue.take()).toEqual([]);
    expect(r.received).toHaveLength(0);
  });
});

describe('sending again', () => {
  const asBusEvent = async (name: EventName, id: string) => {
    const [event] = (await eventsOf(table, name)).filter((e) => e.detail.id === id);
    return onBus(event as DomainEvent);
  };

  it('a resend sends the same webhook-id and body in a new round; a pending one is a 409', async () => {
    const r = await receiver();
    const made = await endpoint(r.url, ['CompanyDeleted']);
    const event = companyDeleted();
    await send(onBus(event));
    await r.waitFor(1);
    const resent = await api('POST /webhook-endpoints/{id}/deliveries/{deliveryId}/resend', {
      params: { id: made.id, deliveryId: event.detail.id },
    });
    expect(resent.status).toBe(202);
    expect(resent.body).toMatchObject({ status: 'pending', round: 2, trigger: 'resend', attemptsInRound: 0 });
    const again = await api('POST /webhook-endpoints/{id}/deliveries/{deliveryId}/resend', {
      params: { id: made.id, deliveryId: event.detail.id },
    });
    expect(again.status).toBe(409);
    const [requested] = (await eventsOf(table, 'WebhookResendRequested')).filter(
      (e) => e.detail.data.deliveryId === event.detail.id,
    );
    await send(await asBusEvent('WebhookResendRequested', requested!.detail.id));
    await r.waitFor(2);
    expect(r.received[1]!.headers['webhook-id']).toBe(event.detail.id);
    expect(r.received[1]!.body).toBe(r.received[0]!.body);
    const [logged] = await deliveries(made.id);
    expect(logged).toMatchObject({ status: 'delivered', round: 2, attemptCount: 2 });
    expect(logged.attempts.map((a: { round: number }) => a.round)).toEqual([1, 2]);
  });

  it('a test reaches its endpoint even when disabled, tried once', async () => {
    const r = await receiver();
    r.answer({ status: 500 });
    const made = await endpoint(r.url, ['CompanyDeleted']);
    await api('PATCH /webhook-endpoints/{id}', { params: { id: made.id }, body: { status: 'disabled' } });
    const test = await api('POST /webhook-endpoints/{id}/test', { params: { id: made.id } });
    await send(await asBusEvent('WebhookTest', test.body.deliveryId));
    const [got] = await r.waitFor(1);
    expect(verify(got!, made.secret)).toMatchObject({
      'detail-type': 'WebhookTest',
      detail: { data: { endpointId: made.id } },
    });
    expect(queue.scheduled).toHaveLength(0);
    const [logged] = await deliveries(made.id);
    expect(logged).toMatchObject({
      trigger: 'test',
      status: 'failed',
      reason: 'retries-exhausted',
      attemptCount: 1,
    });
  });

  it('a replay starts the archive and sends each replayed event to its endpoint alone, with its own id', async () => {
    const [r, other] = [await receiver(), await receiver()];
    const made = await endpoint(r.url, ['CompanyDeleted']);
    await endpoint(other.url, ['*']);
    const delivered = companyDeleted();
    await send(onBus(delivered));
    await r.waitFor(1);
    await other.waitFor(1);
    const missed = companyDeleted();
    const replay = await api('POST /webhook-endpoints/{id}/replay', {
      params: { id: made.id },
      body: { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString() },
    });
    await send(
      await asBusEvent(
        'WebhookReplayRequested',
        (await eventsOf(table, 'WebhookReplayRequested')).at(-1)!.detail.id,
      ),
    );
    expect(replaysStarted).toContain(replay.body.id);
    expect(
      (await api('GET /webhook-endpoints/{id}/replays', { params: { id: made.id } })).body.items[0].status,
    ).toBe('started');
    // the archive replays both events under the replay's name
    const name = `${made.id}.${replay.body.id}`;
    await send(onBus(delivered, { 'replay-name': name }), onBus(missed, { 'replay-name': name }));
    await r.waitFor(3);
    expect(other.received).toHaveLength(1);
    expect(
      r.received
        .slice(1)
        .map((q) => q.headers['webhook-id'])
        .sort(),
    ).toEqual([delivered.detail.id, missed.detail.id].sort());
    const log = await deliveries(made.id);
    expect(log.find((d: { id: string }) => d.id === delivered.detail.id)).toMatchObject({
      round: 2,
      trigger: 'replay',
    });
    expect(log.find((d: { id: string }) => d.id === missed.detail.id)).toMatchObject({
      round: 1,
      trigger: 'replay',
    });
  });
});
