import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local.js';
import { type RunningLocal, startLocal } from '../support/local-runtime.js';

// The handoff on the local runtime, end to end: POST /deals/{id}/won → the outbox → the stream
// → the relay → the bus → the DealClosedWon rule → the handoff function → the project.

let local: RunningLocal;
let alice: string;
let contactId: string;

beforeAll(async () => {
  local = await startLocal({ warm: ['CrmApi', 'WorkspaceApi', 'DeliveryApi', 'OutboxRelay'] });
  alice = await local.token({ user: 'alice', groups: ['sales'] });
  const contact = await local.api('POST', '/contacts', { token: alice, body: { firstName: 'Grace' } });
  contactId = contact.body.id;
}, 180_000);

afterAll(async () => {
  await local?.stop();
});

async function winDeal(facts: Record<string, unknown> = {}) {
  const deal = await local.api('POST', '/deals', {
    token: alice,
    body: {
      title: 'Rollout',
      value: { amount: 1_000_000, currency: 'EUR' },
      ownerId: 'alice',
      contactId,
      nextAction: { summary: 'Close', dueAt: '2030-01-10T09:00:00Z' },
    },
  });
  const won = await local.api('POST', `/deals/${deal.body.id}/won`, {
    token: alice,
    body: {
      handoff: {
        scopeSummary: 'Roll out',
        promisedTimeline: { dueDate: '2030-06-28' },
        keyConstraints: ['on-prem'],
        mainStakeholderContactId: contactId,
        kickoffDate: '2030-02-04',
        ...facts,
      },
    },
  });
  expect(won.status).toBe(200);
  return won.body as { id: string };
}

async function projectOf(dealId: string, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await local.api('GET', `/deals/${dealId}/project`, { token: alice });
    if (res.status === 200) return res.body;
    if (Date.now() > until) throw new Error(`no project for ${dealId}: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the handoff on the local runtime', () => {
  it('win → the project appears, dated from the kickoff, linked both ways, the timeline checked', async () => {
    const deal = await winDeal({ promisedTimeline: { dueDate: '2030-02-20' } });
    const project = await projectOf(deal.id);
    expect(project).toMatchObject({
      dealId: deal.id,
      kickoffDate: '2030-02-04',
      schedule: { atRisk: true, shortfallDays: 14 },
    });
    expect(project.tasks.find((t: { key: string }) => t.key === 'kickoff').startDate).toBe('2030-02-04');
    expect(project.tasks.find((t: { key: string }) => t.key === 'handover').startDate).toBe('2030-03-12');
    const linked = await local.api('GET', `/deals/${deal.id}`, { token: alice });
    expect(linked.body.projectId).toBe(project.id);
    const risk = await local.waitForEvent('HandoffTimelineAtRisk', (e) => e.detail.data.dealId === deal.id);
    expect(risk.detail.data).toMatchObject({
      dealOwnerId: 'alice',
      projectOwnerId: 'alice',
      shortfallDays: 14,
    });
  });

  it('a win naming a delivery owner → the project is theirs, and its promise at risk is in their follow-ups', async () => {
    const dana = await local.token({ user: 'dana', groups: ['delivery'] });
    expect((await local.api('GET', '/me', { token: dana })).status).toBe(200);
    const deal = await winDeal({ deliveryOwnerId: 'dana', promisedTimeline: { dueDate: '2030-02-20' } });
    const project = await projectOf(deal.id);
    expect(project).toMatchObject({ ownerId: 'dana', dealOwnerId: 'alice', schedule: { atRisk: true } });
    const risk = await local.waitForEvent('HandoffTimelineAtRisk', (e) => e.detail.data.dealId === deal.id);
    expect(risk.detail.data).toMatchObject({ dealOwnerId: 'alice', projectOwnerId: 'dana' });
    const hers = await local.api('GET', '/followups?kind=project-at-risk', { token: dana });
    expect(hers.body.items).toContainEqual(
      expect.objectContaining({ projectId: project.id, role: 'project-owner', dealOwnerId: 'alice' }),
    );
    const reps = await local.api('GET', '/followups?kind=project-at-risk', { token: alice });
    expect(reps.body.items).toContainEqual(
      expect.objectContaining({ projectId: project.id, role: 'deal-owner', deliveryOwnerId: 'dana' }),
    );
  });

  it('reopened and lost → the DealClosedLost rule matches (it names a project) → the project is on hold', async () => {
    const deal = await winDeal();
    const project = await projectOf(deal.id);
    const reopened = await local.api('POST', `/deals/${deal.id}/reopen`, {
      token: alice,
      body: { nextAction: { summary: 'Talk again', dueAt: '2030-01-20T09:00:00Z' } },
    });
    expect(reopened.status).toBe(200);
    const lost = await local.api('POST', `/deals/${deal.id}/lost`, {
      token: alice,
      body: { reason: 'budget' },
    });
    expect(lost.status).toBe(200);
    const changed = await local.waitForEvent(
      'ProjectStatusChanged',
      (e) => e.detail.data.projectId === project.id && e.detail.data.to === 'on_hold',
    );
    expect(changed.detail.data.from).toBe('planned');
    const after = await local.api('GET', `/projects/${project.id}`, { token: alice });
    expect(after.body).toMatchObject({ status: 'on_hold', heldFrom: 'planned' });
  });

  it('R1: 50 won deals, each DealClosedWon delivered 20 more times concurrently → exactly 50 complete projects', async () => {
    // 1,000 duplicate deliveries at once, besides the 50 first ones (the volume a fresh-clone CI
    // affords: each win is several requests, each delivery an invocation)
    const WON = 50;
    const handled = () =>
      local
        .output()
        .split('\n')
        .filter((l) => l.includes('CreateProjectOnWin') && l.includes('DealClosedWon')).length;
    const handledBefore = handled();
    const deals: string[] = [];
    for (let i = 0; i < WON; i++) deals.push((await winDeal()).id);
    const wins = await Promise.all(
      deals.map((id) => local.waitForEvent('DealClosedWon', (e) => e.detail.data.deal.id === id)),
    );
    const bus = new EventBridgeClient({
      endpoint: local.busEndpoint,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    const entries = wins.flatMap((e) =>
      Array.from({ length: 20 }, () => ({
        EventBusName: e.local.bus,
        Source: e.source,
        DetailType: e['detail-type'],
        Detail: JSON.stringify(e.detail),
      })),
    );
    const batches = Array.from({ length: entries.length / 10 }, (_, i) => entries.slice(i * 10, i * 10 + 10));
    const answers = await Promise.all(batches.map((Entries) => bus.send(new PutEventsCommand({ Entries }))));
    expect(answers.every((a) => a.FailedEntryCount === 0)).toBe(true);

    // every delivery is handled (21 per deal, counted from before the wins); then count what they made
    const deliveries = handledBefore + WON * 21;
    const until = Date.now() + 120_000;
    while (handled() < deliveries && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    expect(handled()).toBeGreaterThanOrEqual(deliveries);
    // read one after another: fifty at once start eight more API environments for nothing
    const projects: any[] = [];
    for (const id of deals) projects.push(await projectOf(id));
    expect(new Set(projects.map((p) => p.id)).size).toBe(WON);
    expect(projects.every((p) => p.tasks.length === 6)).toBe(true);
    const created = (await local.busEvents('ProjectCreated')).filter((e) =>
      deals.includes(e.detail.data.dealId),
    );
    expect(created).toHaveLength(WON);
    const failed = local
      .output()
      .split('\n')
      .filter((l) => l.includes('CreateProjectOnWin') && l.includes('DealClosedWon') && !/→\s+ok\s/.test(l));
    expect(failed).toEqual([]);
    bus.destroy();
  }, 240_000);

  it('the gap monitor, fired as of an instant, reports nothing when every won deal has its project', async () => {
    const result = await local.fire('handoff-gap-monitor', new Date(Date.now() + 3_600_000).toISOString());
    expect(result).toMatchObject({ ok: true, result: { waiting: 0, reported: 0 } });
  });
});
