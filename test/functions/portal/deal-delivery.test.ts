import { beforeAll, describe, expect, it } from 'vitest';
import { runDailyDigest } from '../../../functions/followup/use-cases/compose-digests.js';
import { renderDigest } from '../../../functions/followup/use-cases/send-digest-mail.js';
import { handOff } from '../../../functions/handoff/use-cases/create-project-from-win.js';
import { users } from '../../support/api.js';
import { crmApi, deliveryApi, eventsOf, portalApi } from '../../support/crm.js';
import { asDelivered, dealReadyToWin, handoffFacts } from '../../support/handoff.js';
import { type TestTable, testTable } from '../../support/table.js';

// Sales sees delivery, on DynamoDB Local: a won deal's project as its rep reads it
// (GET /deals/{id}/delivery): progress, the promise with its gap in working days, the next
// milestone, what waits on the customer and what the customer did; the rep hears of a promise at
// risk (their follow-ups) and of a milestone reached (the event names them).

let table: TestTable;
let team: ReturnType<typeof deliveryApi>;
let dealId: string;
let projectId: string;
let stakeholderId: string;
let approvalId: string;
const lead = { sub: 'u-lead', groups: ['delivery'], email: 'lead@example.com' };

const delivery = async () => {
  const read = await team('GET /deals/{id}/delivery', { as: users.alice, params: { id: dealId } });
  expect(read.status, JSON.stringify(read.body)).toBe(200);
  return read.body;
};

beforeAll(async () => {
  table = await testTable();
  team = deliveryApi(table);
  await crmApi(table)('GET /pipelines', { as: lead });
  const { api, deal, contact } = await dealReadyToWin(table);
  stakeholderId = contact.id;
  const won = await api('POST /deals/{id}/won', {
    as: users.alice,
    params: { id: deal.id },
    body: { handoff: handoffFacts(contact.id, { deliveryOwnerId: lead.sub }) },
  });
  expect(won.status, JSON.stringify(won.body)).toBe(200);
  dealId = deal.id;
  const event = (await eventsOf(table, 'DealClosedWon')).find((e) => e.detail.data.deal.id === deal.id)!;
  expect(await handOff(table.services, asDelivered(event), () => undefined)).toBe('created');
  projectId = (await team('GET /deals/{id}/project', { as: users.alice, params: { id: dealId } })).body.id;
  const added = await team('POST /projects/{id}/tasks', {
    as: users.admin,
    params: { id: projectId },
    body: { title: 'Approve the plan', durationDays: 1, approval: { approverContactId: contact.id } },
  });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  approvalId = added.body.id;
});

describe("a won deal's delivery, as its rep reads it", () => {
  it('progress, the promise on track, the next milestone, the approval waiting on the customer', async () => {
    const d = await delivery();
    expect(d).toMatchObject({
      projectId,
      percentComplete: 0,
      promise: { state: 'on_track', promisedDate: '2030-06-28', gapDays: 0 },
      waitingOnCustomer: [
        expect.objectContaining({ taskId: approvalId, contactId: stakeholderId, status: 'pending' }),
      ],
      lastFromCustomer: null,
    });
    expect(d.nextMilestone).toMatchObject({ status: 'upcoming', date: expect.any(String) });
  });

  it("the customer's approval in the portal: nothing waits on them, and the deal shows what they did", async () => {
    const link = await team('POST /projects/{id}/portal-links', {
      as: users.admin,
      params: { id: projectId },
      body: { contactId: stakeholderId },
    });
    const portal = portalApi(table);
    const session = (
      await portal('POST /portal/sessions', {
        as: null,
        body: { token: link.body.url.slice(link.body.url.indexOf('#') + 1) },
      })
    ).body.accessToken;
    const decided = await portal('POST /portal/approvals/{taskId}', {
      as: null,
      headers: { authorization: `Bearer ${session}` },
      params: { taskId: approvalId },
      body: { decision: 'approved' },
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const d = await delivery();
    expect(d.waitingOnCustomer).toEqual([]);
    expect(d.lastFromCustomer).toMatchObject({
      kind: 'approval-decided',
      decision: 'approved',
      taskId: approvalId,
    });
    expect(d.percentComplete).toBeGreaterThan(0);
  });

  it('a promise moved before the plan: at risk with the gap in working days, in the rep’s follow-ups', async () => {
    const moved = await team('PATCH /projects/{id}', {
      as: lead,
      params: { id: projectId },
      body: { promisedDueDate: '2030-02-05' },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const d = await delivery();
    expect(d.promise.state).toBe('at_risk');
    expect(d.promise.gapDays).toBe(moved.body.schedule.shortfallDays);
    expect(d.promise.gapDays).toBeGreaterThan(0);
    const followups = await crmApi(table)('GET /followups', {
      as: users.alice,
      query: { kind: 'project-at-risk' },
    });
    expect(followups.body.items).toEqual([
      expect.objectContaining({ projectId, role: 'deal-owner', shortfallDays: d.promise.gapDays }),
    ]);
  });

  it('the promise back on track: out of the rep’s follow-ups, and news for their digest', async () => {
    const back = await team('PATCH /projects/{id}', {
      as: lead,
      params: { id: projectId },
      body: { promisedDueDate: '2030-06-28' },
    });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect((await delivery()).promise.state).toBe('on_track');
    const followups = await crmApi(table)('GET /followups', {
      as: users.alice,
      query: { kind: 'project-at-risk' },
    });
    expect(followups.body.items).toEqual([]);
  });

  it('a milestone reached is addressed to the deal’s owner as well as delivery', async () => {
    const { body: project } = await team('GET /projects/{id}', { as: lead, params: { id: projectId } });
    const milestone = project.tasks.find((t: { kind: string }) => t.kind === 'milestone');
    // what comes before it is done first (finish-to-start)
    for (const t of project.tasks as { id: string; kind: string; approval?: unknown; status: string }[]) {
      if (t.kind === 'milestone' || t.approval || t.status === 'done') continue;
      await team('PATCH /tasks/{id}', { as: lead, params: { id: t.id }, body: { status: 'done' } });
    }
    for (const t of project.tasks as { id: string; approval?: { status: string } }[])
      if (t.approval && t.approval.status !== 'approved')
        await team('POST /tasks/{id}/approval', {
          as: users.admin,
          params: { id: t.id },
          body: { decision: 'approved' },
        });
    const done = await team('PATCH /tasks/{id}', {
      as: lead,
      params: { id: milestone.id },
      body: { status: 'done' },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const [reached] = (await eventsOf(table, 'MilestoneReached')).filter(
      (e) => e.detail.data.taskId === milestone.id,
    );
    expect(reached!.detail.data).toMatchObject({
      dealId,
      dealOwnerId: users.alice.sub,
      projectOwnerId: lead.sub,
    });
  });

  it("the next daily digest tells the rep what delivery reached and what the customer decided; the delivery owner the customer's decision", async () => {
    // the next 07:00 UTC: within a day of what happened above
    const next = new Date();
    next.setUTCHours(7, 0, 0, 0);
    if (next.getTime() <= Date.now()) next.setUTCDate(next.getUTCDate() + 1);
    const report = await runDailyDigest(table.services, next.toISOString(), {
      digestHour: 7,
      graceMinutes: 15,
    });
    const rep = report.digests.find((d) => d.userId === users.alice.sub)!;
    expect(rep.deliveryNews).toEqual([
      expect.objectContaining({ kind: 'customer-approved', title: 'Approve the plan', dealId }),
      expect.objectContaining({
        kind: 'back-on-track',
        title: expect.stringContaining('promised 2030-06-28'),
      }),
      expect.objectContaining({ kind: 'milestone-reached', projectId, dealId }),
    ]);
    const delivery = report.digests.find((d) => d.userId === lead.sub)!;
    // the lead reached the milestone themselves: only the customer's decision is news to them
    expect(delivery.deliveryNews.map((n) => n.kind)).toEqual(['customer-approved']);
    const mail = renderDigest(rep, 'https://crm.example');
    expect(mail.text).toContain('News from delivery');
    expect(mail.text).toContain('the customer approved Approve the plan');
    expect(mail.text).toContain(`https://crm.example/deals/${dealId}`);
  });
});
