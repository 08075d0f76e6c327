import { beforeAll, describe, expect, it } from 'vitest';
import { projectIdForDeal } from '../../../domain/shared/ids.js';
import { runDailyDigest } from '../../../functions/followup/use-cases/compose-digests.js';
import { sweepOverdue } from '../../../functions/followup/use-cases/flag-overdue.js';
import { renderDigest } from '../../../functions/followup/use-cases/send-digest-mail.js';
import { handOff } from '../../../functions/handoff/use-cases/create-project-from-win.js';
import { users } from '../../support/api.js';
import { crmApi, deliveryApi, eventsOf, signIn } from '../../support/crm.js';
import { asDelivered, dealReadyToWin, handoffFacts } from '../../support/handoff.js';
import { type TestTable, testTable } from '../../support/table.js';

// Delivery's alerts reach the person who can act, on DynamoDB Local: Alice (sales) wins a deal
// naming Lea (a delivery lead) as its delivery owner. When a task slips past the promise, Lea
// has the at-risk follow-up in her own GET /followups and daily digest (she runs the project),
// Alice has hers as the deal's owner (her promise is at risk), each naming who is who; the
// project's late unassigned task is Lea's, not Alice's. Mon-Fri calendar; dates hand-computed.

let table: TestTable;
let crm: ReturnType<typeof crmApi>;
let delivery: ReturnType<typeof deliveryApi>;
const alice = users.alice;
const lea = { sub: 'u-lea', groups: ['delivery'], email: 'lea@example.com' };
let projectId: string;
const ids: Record<string, string> = {};
// Tue 2030-03-12, 07:00 UTC: build (due Fri 03-08) is late; the digest hour in UTC
const at = '2030-03-12T07:00:00.000Z';

beforeAll(async () => {
  table = await testTable();
  crm = crmApi(table);
  delivery = deliveryApi(table);
  await signIn(crm, alice, lea, users.manager);
  await crm('PATCH /me', { as: alice, body: { name: 'Alice' } });
  await crm('PATCH /me', { as: lea, body: { name: 'Lea' } });
  const template = await delivery('POST /templates', {
    as: lea,
    body: {
      name: 'Small rollout',
      tasks: [
        { key: 'build', title: 'Build', durationDays: 5 },
        { key: 'test', title: 'Test', durationDays: 3 },
        { key: 'golive', title: 'Go-live', durationDays: 0, milestone: true },
      ],
      dependencies: [
        { predecessor: 'build', successor: 'test' },
        { predecessor: 'test', successor: 'golive' },
      ],
    },
  });
  expect(template.status, JSON.stringify(template.body)).toBe(201);
  const { api, deal, contact } = await dealReadyToWin(table);
  // Mon 2030-03-04: build 03-04..03-08, test 03-11..03-13, go-live Thu 03-14; promised Fri 03-15
  const won = await api('POST /deals/{id}/won', {
    as: alice,
    params: { id: deal.id },
    body: {
      templateId: template.body.id,
      handoff: handoffFacts(contact.id, {
        kickoffDate: '2030-03-04',
        promisedTimeline: { dueDate: '2030-03-15' },
        deliveryOwnerId: lea.sub,
      }),
    },
  });
  expect(won.status, JSON.stringify(won.body)).toBe(200);
  const [event] = (await eventsOf(table, 'DealClosedWon')).filter((e) => e.detail.data.deal.id === deal.id);
  expect(await handOff(table.services, asDelivered(event!), () => undefined)).toBe('created');
  projectId = projectIdForDeal(deal.id);
  const project = await delivery('GET /projects/{id}', { params: { id: projectId }, as: lea });
  expect(project.body).toMatchObject({
    ownerId: lea.sub,
    dealOwnerId: alice.sub,
    schedule: { projectedFinish: '2030-03-14', atRisk: false },
  });
  for (const t of project.body.tasks) ids[t.key] = t.id;
});

const followUps = async (as: typeof lea, kind: string) =>
  (await crm('GET /followups', { as, at, query: { kind } })).body.items as Record<string, unknown>[];

describe('a task slipped past the promise', () => {
  it("is ProjectAtRisk addressed to the delivery owner and the deal's owner", async () => {
    expect(await followUps(lea, 'project-at-risk')).toEqual([]);
    const slipped = await delivery('PATCH /tasks/{id}', {
      params: { id: ids.test! },
      as: lea,
      body: { durationDays: 6 },
    });
    expect(slipped.status, JSON.stringify(slipped.body)).toBe(200);
    // test 03-11..03-18, go-live Tue 03-19: 2 business days past Fri 03-15
    const risks = (await eventsOf(table, 'ProjectAtRisk')).filter(
      (e) => e.detail.data.projectId === projectId,
    );
    expect(risks.map((e) => e.detail.data)).toMatchObject([
      { projectOwnerId: lea.sub, dealOwnerId: alice.sub, projectedFinish: '2030-03-19', shortfallDays: 2 },
    ]);
  });

  it('is in the delivery lead’s own follow-ups as hers to act on, and in the rep’s as the promise she made', async () => {
    const both = { projectId, deliveryOwnerId: lea.sub, dealOwnerId: alice.sub, shortfallDays: 2 };
    expect(await followUps(lea, 'project-at-risk')).toMatchObject([
      { ...both, ownerId: lea.sub, role: 'project-owner' },
    ]);
    expect(await followUps(alice, 'project-at-risk')).toMatchObject([
      { ...both, ownerId: alice.sub, role: 'deal-owner' },
    ]);
  });

  it('its late unassigned task is the delivery owner’s to follow up, not the rep’s (follow-ups, the sweep)', async () => {
    expect(await followUps(lea, 'overdue-task')).toMatchObject([
      { taskId: ids.build, ownerId: lea.sub, assigneeId: null },
    ]);
    expect(await followUps(alice, 'overdue-task')).toEqual([]);
    await sweepOverdue(table.services.store, table.services.followups, at);
    const [flagged] = (await eventsOf(table, 'TaskOverdue')).filter(
      (e) => e.detail.data.taskId === ids.build,
    );
    expect(flagged!.detail.data).toMatchObject({ assigneeId: null, projectOwnerId: lea.sub });
  });

  it('is in both daily digests, each saying who is who; the late task only in the delivery owner’s', async () => {
    const report = await runDailyDigest(table.services, at, {
      digestHour: 7,
      graceMinutes: 15,
    });
    const mine = report.digests.find((d) => d.userId === lea.sub)!;
    const reps = report.digests.find((d) => d.userId === alice.sub)!;
    const people = {
      deliveryOwner: { id: lea.sub, name: 'Lea' },
      dealOwner: { id: alice.sub, name: 'Alice' },
    };
    expect(mine.projectsAtRisk).toMatchObject([{ projectId, role: 'project-owner', ...people }]);
    expect(mine.overdueTasks.map((t) => t.taskId)).toEqual([ids.build]);
    expect(reps.projectsAtRisk).toMatchObject([{ projectId, role: 'deal-owner', ...people }]);
    expect(reps.overdueTasks).toEqual([]);
    const risk = 'Rollout: finishes 2030-03-19, promised 2030-03-15 (2 business day(s) late)';
    expect(renderDigest(mine).text).toContain(`${risk}; you deliver it; Alice sold it and made the promise`);
    expect(renderDigest(reps).text).toContain(`${risk}; you sold it and made the promise; Lea delivers it`);
  });

  it('handed to another delivery owner, the alerts follow the project to them', async () => {
    const ben = { sub: 'u-ben', groups: ['delivery'], email: 'ben@example.com' };
    await signIn(crm, ben);
    const handed = await delivery('PATCH /projects/{id}', {
      params: { id: projectId },
      as: lea,
      body: { ownerId: ben.sub },
    });
    expect(handed.status, JSON.stringify(handed.body)).toBe(200);
    expect(await followUps(ben, 'project-at-risk')).toMatchObject([
      { role: 'project-owner', deliveryOwnerId: ben.sub },
    ]);
    expect(await followUps(ben, 'overdue-task')).toMatchObject([{ taskId: ids.build, ownerId: ben.sub }]);
    expect(await followUps(lea, 'project-at-risk')).toEqual([]);
    // back on track: ProjectBackOnTrack is addressed to the new delivery owner
    await delivery('PATCH /projects/{id}', {
      params: { id: projectId },
      as: ben,
      body: { promisedDueDate: '2030-03-29' },
    });
    const back = (await eventsOf(table, 'ProjectBackOnTrack')).filter(
      (e) => e.detail.data.projectId === projectId,
    );
    expect(back.map((e) => e.detail.data)).toMatchObject([
      { projectOwnerId: ben.sub, dealOwnerId: alice.sub },
    ]);
  });
});
