import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { emit } from '../domain/events.js';
import { system } from '../domain/shared/context.js';
import { newEventId, newId } from '../domain/shared/ids.js';
import { httpApi } from '../functions/lib/http/http-handler.js';
import type { AttemptMessage, AttemptQueue } from '../functions/lib/webhooks/attempt-queue.js';
import { postWebhook } from '../functions/lib/webhooks/http-post.js';
import type { SenderDeps } from '../functions/webhooks/use-cases/attempt-delivery.js';
import { sendWebhooks } from '../functions/webhooks/use-cases/send-webhooks.js';
import { workspaceRoutes } from '../functions/workspace/routes/index.js';
import { LOCAL_CREDENTIALS } from '../infra/local/dynamodb-local.js';
import { mintToken } from '../infra/local/jwt.js';
import { apiClient } from '../test/support/api.js';
import { type Receiver, startReceiver } from '../test/support/webhook-receiver.js';
import { benchTable, ms, percentile, quietLocalRuntime } from './support.js';

// Webhooks (docs/architecture.md, decision 16), measured three ways:
//   1. event → receiver on the local runtime: a deal created through the API, until a real
//      receiver on this machine has its DealCreated (outbox, stream, relay, bus, rule, queue,
//      sender, POST);
//   2. fan-out: 1,000 events put on the bus, to 10 endpoints, one of which answers 503 for its
//      first 20 seconds: every event reaches every endpoint, none lost, each answered 2xx once;
//   3. round trips per delivery, counted on the DynamoDB client of the sender's own code (on
//      DynamoDB Local, with real receivers), and the queue messages it sends.

async function receivers(n: number): Promise<Receiver[]> {
  return Promise.all(Array.from({ length: n }, () => startReceiver()));
}

async function eventToReceiver(samples = 50): Promise<string> {
  const { runtime, localDir, close } = await quietLocalRuntime('handoff-webhooks-latency-');
  const [r] = await receivers(1);
  try {
    const token = await mintToken(localDir, { user: 'bench', groups: ['admin'] });
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${runtime.apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const made = await call('POST', '/webhook-endpoints', { url: r!.url, events: ['DealCreated'] });
    if (made.status !== 201) throw new Error(`POST /webhook-endpoints answered ${made.status}`);
    const latencies: number[] = [];
    for (let i = 0; i < samples + 3; i++) {
      const before = r!.received.length;
      const deal = await call('POST', '/deals', {
        title: `Deal ${i}`,
        value: { amount: 1000, currency: 'EUR' },
        ownerId: 'bench',
        nextAction: { summary: 'x', dueAt: '2031-01-01T00:00:00Z' },
      });
      if (deal.status !== 201) throw new Error(`POST /deals answered ${deal.status}`);
      const answered = Date.now();
      await r!.waitFor(before + 1, 30_000);
      if (i >= 3) latencies.push(r!.received[before]!.at - answered);
    }
    const p95 = percentile(latencies, 95);
    return `### Event to receiver, on the local runtime

${samples} deals created one after another (after 3 warm-up), one endpoint receiving DealCreated; time from
\`POST /deals\` answering to a real receiver on this machine having the signed POST.

| p50 | p95 | max |
| --- | --- | --- |
| ${ms(percentile(latencies, 50))} | ${ms(p95)} | ${ms(Math.max(...latencies))} |

The path: the outbox item, the local stream poller (250 ms between polls when idle, as Lambda polls), the relay, the
bus, the rule, the events queue (where Lambda gathers events for up to a second before it invokes
the sender: an event alone waits the whole second; docs/architecture.md, decision 16), the sender
(one Query of the endpoints and one of the secrets, one transaction writing the body and the
delivery, the POST, the record).`;
  } finally {
    await r!.close();
    await close();
  }
}

async function fanOut(events = 1000, endpoints = 10, failingForMs = 20_000): Promise<string> {
  const { runtime, localDir, close } = await quietLocalRuntime('handoff-webhooks-fanout-', {
    timeScale: 0.001,
  });
  const rs = await receivers(endpoints);
  const bus = new EventBridgeClient({
    endpoint: runtime.busEndpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    const token = await mintToken(localDir, { user: 'bench', groups: ['admin'] });
    for (const r of rs) {
      const res = await fetch(`${runtime.apiUrl}/webhook-endpoints`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: r.url, events: ['CompanyDeleted'] }),
      });
      if (res.status !== 201) throw new Error(`POST /webhook-endpoints answered ${res.status}`);
    }
    const failing = rs.at(-1)!;
    failing.answer({ status: 503, body: 'down for a while' });
    // the stack's bus: the endpoints' WebhookEndpointCreated events are on it
    let busName: string | undefined;
    while (!busName) {
      busName = runtime.bus.events.find((e) => e.local.bus !== 'default')?.local.bus;
      if (!busName) await new Promise((res) => setTimeout(res, 50));
    }
    const ctx = () => ({
      now: new Date().toISOString(),
      actor: system('bench'),
      correlationId: 'bench',
      newId,
      newEventId,
    });
    const ids: string[] = [];
    const started = Date.now();
    setTimeout(() => failing.answer({ status: 204 }), failingForMs).unref();
    for (let i = 0; i < events; i += 10) {
      const entries = Array.from({ length: Math.min(10, events - i) }, () => {
        const event = emit(ctx(), 'CompanyDeleted', { companyId: newId('company') });
        ids.push(event.detail.id);
        return {
          EventBusName: busName,
          Source: event.source,
          DetailType: event.detailType,
          Detail: JSON.stringify(event.detail),
        };
      });
      const out = await bus.send(new PutEventsCommand({ Entries: entries }));
      if (out.FailedEntryCount) throw new Error(`PutEvents refused ${out.FailedEntryCount}`);
    }
    const emitted = Date.now() - started;
    const delivered = (r: Receiver) =>
      new Set(
        r.received
          .filter((q) => 'status' in q.answered && q.answered.status < 300)
          .map((q) => String(q.headers['webhook-id'])),
      );
    const deadline = Date.now() + 15 * 60_000;
    while (rs.some((r) => delivered(r).size < events) && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 200));
    const elapsed = Date.now() - started;
    const healthy = rs.slice(0, -1);
    const lost = rs.reduce((n, r) => n + ids.filter((id) => !delivered(r).has(id)).length, 0);
    const okTwice = rs.reduce((n, r) => {
      const seen = new Map<string, number>();
      for (const q of r.received)
        if ('status' in q.answered && q.answered.status < 300)
          seen.set(String(q.headers['webhook-id']), (seen.get(String(q.headers['webhook-id'])) ?? 0) + 1);
      return n + [...seen.values()].filter((c) => c > 1).length;
    }, 0);
    const foreign = rs.reduce(
      (n, r) => n + r.received.filter((q) => !ids.includes(String(q.headers['webhook-id']))).length,
      0,
    );
    const healthyDone = Math.max(...healthy.flatMap((r) => r.received.map((q) => q.at))) - started;
    const failedAttempts = failing.received.filter(
      (q) => 'status' in q.answered && q.answered.status >= 300,
    ).length;
    return `### Fan-out: ${events.toLocaleString()} events to ${endpoints} endpoints, one failing for ${failingForMs / 1000} s

${events.toLocaleString()} CompanyDeleted events put on the bus (batches of 10, in ${ms(emitted)}), ${endpoints} endpoints receiving
them on this machine; the last one answers 503 for its first ${failingForMs / 1000} seconds. The local runtime at
\`--time-scale 0.001\` (a retry's 60 s wait takes 60 ms).

| deliveries | delivered (2xx) | lost | 2xx twice for one event | other ids | the healthy 9 done | all done | failed attempts to the failing one |
| --- | --- | --- | --- | --- | --- | --- | --- |
| ${(events * endpoints).toLocaleString()} | ${rs.reduce((n, r) => n + delivered(r).size, 0).toLocaleString()} | ${lost} | ${okTwice} | ${foreign} | ${ms(healthyDone)} | ${ms(elapsed)} | ${failedAttempts.toLocaleString()} |

Every event reached every endpoint with its own webhook-id, each answered 2xx once: the failing
endpoint's deliveries waited on the attempts queue and went through when it came back, while the
others were not held up by it.`;
  } finally {
    bus.destroy();
    for (const r of rs) await r.close();
    await close();
  }
}

class CountingQueue implements AttemptQueue {
  messages: { message: Omit<AttemptMessage, 'waitSeconds'>; waitSeconds: number }[] = [];
  calls = 0;
  async schedule(messages: CountingQueue['messages']) {
    this.calls++;
    this.messages.push(...messages);
  }
}

async function roundTrips(): Promise<string> {
  const t = await benchTable();
  const rs = await receivers(10);
  try {
    const local = {
      ...t.services,
      settings: { ...t.services.settings, webhooks: { allowLoopback: true, archiveRetentionDays: 365 } },
    };
    const api = apiClient(
      httpApi(
        workspaceRoutes(local, () => ({})),
        () => local,
      ),
    );
    const ids: string[] = [];
    for (const r of rs)
      ids.push(
        (await api('POST /webhook-endpoints', { body: { url: r.url, events: ['CompanyDeleted'] } })).body.id,
      );
    const queue = new CountingQueue();
    const deps: SenderDeps = {
      s: t.services,
      queue,
      archive: { start: async () => ({ started: true }) },
      post: (url, headers, body) =>
        postWebhook(url, headers, body, { timeoutMs: 2000, policy: { allowLoopback: true } }),
      clock: () => new Date(),
      random: () => 0.5,
      log: () => undefined,
    };
    const ctx = () => ({
      now: new Date().toISOString(),
      actor: system('bench'),
      correlationId: 'bench',
      newId,
      newEventId,
    });
    const onBus = () => {
      const event = emit(ctx(), 'CompanyDeleted', { companyId: newId('company') });
      return {
        messageId: randomUUID(),
        body: JSON.stringify({
          id: randomUUID(),
          source: event.source,
          'detail-type': event.detailType,
          detail: event.detail,
        }),
      };
    };
    const rows: [string, string, string, string][] = [];
    const count = async (label: string, run: () => Promise<unknown>, deliveries: number, note: string) => {
      t.calls.length = 0;
      queue.calls = 0;
      await run();
      const counts = new Map<string, number>();
      for (const c of t.calls) counts.set(c, (counts.get(c) ?? 0) + 1);
      const what = [...counts].map(([k, v]) => `${v}× ${k}`).join(', ');
      rows.push([
        label,
        `${t.calls.length} (${what})`,
        `${(t.calls.length / deliveries).toFixed(2)} + ${(queue.calls / deliveries).toFixed(2)} SQS`,
        note,
      ]);
    };
    await count(
      '1 event, 10 endpoints, all 2xx',
      () => sendWebhooks(deps, [onBus()]),
      10,
      'the endpoints and secrets read once, one transaction for the body and the 10 deliveries, one record each',
    );
    await count(
      '10 events (a batch), 10 endpoints',
      () => sendWebhooks(deps, Array.from({ length: 10 }, onBus)),
      100,
      'the endpoints and secrets read once per batch',
    );
    rs[0]!.answer({ status: 500 });
    for (const id of ids.slice(1)) await api('DELETE /webhook-endpoints/{id}', { params: { id } });
    await count(
      '1 event, 1 endpoint, the attempt fails',
      () => sendWebhooks(deps, [onBus()]),
      1,
      'the next attempt queued before the record',
    );
    rs[0]!.answer({ status: 204 });
    const retry = queue.messages.at(-1)!;
    await count(
      'its retry, delivered',
      () =>
        sendWebhooks(deps, [
          { messageId: randomUUID(), body: JSON.stringify({ ...retry.message, waitSeconds: 0 }) },
        ]),
      1,
      'claimed (UpdateItem), its body read (GetItem), the book read, the record, the failing clock stopped',
    );
    await count(
      'a message early for its time (a hop)',
      () =>
        sendWebhooks(deps, [
          { messageId: randomUUID(), body: JSON.stringify({ ...retry.message, waitSeconds: 3600 }) },
        ]),
      1,
      'sent on with the next part of its wait; no table access',
    );
    return `### Round trips per delivery

Counted on the sender's DynamoDB client (its own code, on DynamoDB Local, real receivers), per
delivery; SQS is what the sender sends to the attempts queue (the queue's own receive and delete,
made by Lambda's poller, are not counted).

| what | DynamoDB calls | per delivery | why |
| --- | --- | --- | --- |
${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}

A delivery failing its whole window costs its 15 attempts (about 4 calls each) and about 340 hops of
the attempts queue (no table access), the waits being longer than SQS's 15-minute delay.`;
  } finally {
    for (const r of rs) await r.close();
    await t.close();
  }
}

export async function webhooks(): Promise<string> {
  const latency = await eventToReceiver();
  const fan = await fanOut();
  const trips = await roundTrips();
  return `## Webhooks\n\n${latency}\n\n${fan}\n\n${trips}`;
}
