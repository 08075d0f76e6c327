import { beforeAll, describe, expect, it } from 'vitest';
import { projectIdForDeal } from '../../../domain/shared/ids.js';
import { refreshTaskDueEntries } from '../../../functions/delivery/use-cases/refresh-task-due-entries.js';
import { handOff } from '../../../functions/handoff/use-cases/create-project-from-win.js';
import { type User, users } from '../../support/api.js';
import { crmApi, deliveryApi, eventsOf, signIn } from '../../support/crm.js';
import { asDelivered, dealReadyToWin, handoffFacts } from '../../support/handoff.js';
import { servicesOf, type TestTable, testTable } from '../../support/table.js';

// The header's badge, on DynamoDB Local: GET /followups/summary counts a person's late next
// actions, late tasks (CRM and project) and projects at risk from their due list, and says what
// falls due next. After each change (create, move, complete, win, lose, reassign, snooze, a CRM
// task done, a task late, a project at risk, on hold, handed over) its counts are exactly what
// GET /followups lists for that person at the same instant.

let table: TestTable;
let crm: ReturnType<typeof crmApi>;
let delivery: ReturnType<typeof deliveryApi>;
const { alice, bob, manager } = users;
const lea = { sub: 'u-lea', groups: ['delivery'], email: 'lea@example.com' };
const ben = { sub: 'u-ben', groups: ['delivery'], email: 'ben@example.com' };
// Tue 2030-03-12, 07:00 UTC
const T0 = '2030-03-12T07:00:00.000Z';
const plus = (minutes: number, from = T0) => new Date(Date.parse(from) + minutes * 60_000).toISOString();

interface Summary {
  lateNextActions: number;
  overdueTasks: number;
  projectsAtRisk: number;
  total: number;
  next: { kind: string; recordId: string; title: string; dueAt: string } | null;
}

const summary = async (as: User, at = T0) => {
  const res = await crm<Summary>('GET /followups/summary', { as, at });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

/** The summary, checked against GET /followups for the same person at the same instant. */
async function counted(as: User, at = T0): Promise<Summary> {
  const mine = await summary(as, at);
  const items: { kind: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await crm('GET /followups', {
      as,
      at,
      query: { limit: '100', ...(cursor ? { cursor } : {}) },
    });
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor ?? undefined;
  } while (cursor);
  const of = (...kinds: string[]) => items.filter((i) => kinds.includes(i.kind)).length;
  expect(
    {
      lateNextActions: mine.lateNextActions,
      overdueTasks: mine.overdueTasks,
      projectsAtRisk: mine.projectsAtRisk,
    },
    `${as.sub} at ${at}`,
  ).toEqual({
    lateNextActions: of('overdue-next-action'),
    overdueTasks: of('overdue-task', 'overdue-activity'),
    projectsAtRisk: of('project-at-risk'),
  });
  expect(mine.total).toBe(mine.lateNextActions + mine.overdueTasks + mine.projectsAtRisk);
  return mine;
}

const newDeal = async (title: string, dueAt: string, as: User = alice) => {
  const res = await crm('POST /deals', {
    as,
    at: T0,
    body: {
      title,
      value: { amount: 1000, currency: 'EUR' },
      ownerId: as.sub,
      nextAction: { summary: `Call about ${title}`, dueAt },
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; stageId: string; version: number };
};

beforeAll(async () => {
  table = await testTable();
  crm = crmApi(table);
  delivery = deliveryApi(table);
  await signIn(crm, alice, bob, manager, lea, ben);
});

describe('next actions', () => {
  const deals: Record<string, { id: string }> = {};

  it('created: the late ones are counted, the first upcoming is next', async () => {
    expect(await counted(alice)).toMatchObject({ total: 0, next: null });
    deals.late = await newDeal('Late one', plus(-60));
    deals.older = await newDeal('Older one', plus(-2 * 24 * 60));
    deals.soon = await newDeal('Soon', plus(60));
    deals.later = await newDeal('Later', plus(24 * 60));
    const mine = await counted(alice);
    expect(mine.lateNextActions).toBe(2);
    expect(mine.next).toMatchObject({
      kind: 'overdue-next-action',
      recordId: deals.soon!.id,
      title: 'Soon',
      dueAt: plus(60),
    });
  });

  it('time passes: at the due time it is late, and the next is the one after', async () => {
    expect((await counted(alice, plus(60))).lateNextActions).toBe(3);
    expect((await counted(alice, plus(60))).next).toMatchObject({ recordId: deals.later!.id });
    expect((await counted(alice, plus(59))).lateNextActions).toBe(2);
  });

  it('moved to another stage: still late', async () => {
    const pipeline = (await crm('GET /pipelines', { as: alice })).body.items[0];
    const moved = await crm('POST /deals/{id}/move', {
      as: alice,
      at: T0,
      params: { id: deals.late!.id },
      body: { stageId: pipeline.stages[1].id },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect((await counted(alice)).lateNextActions).toBe(2);
  });

  it('completed with a new next action in the future: no longer late', async () => {
    const done = await crm('PUT /deals/{id}/next-action', {
      as: alice,
      at: T0,
      params: { id: deals.older!.id },
      body: { summary: 'Send the offer', dueAt: plus(3 * 24 * 60), completeCurrent: true },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect((await counted(alice)).lateNextActions).toBe(1);
  });

  it('snoozed: not counted until the snooze ends', async () => {
    const snoozed = await crm('POST /deals/{id}/snooze', {
      as: alice,
      at: T0,
      params: { id: deals.late!.id },
      body: { until: plus(120), reason: 'Customer on holiday' },
    });
    expect(snoozed.status, JSON.stringify(snoozed.body)).toBe(200);
    expect((await counted(alice)).lateNextActions).toBe(0);
    // then it is late again, beside "Soon" (due an hour after T0)
    expect((await counted(alice, plus(121))).lateNextActions).toBe(2);
  });

  it('lost: no longer counted', async () => {
    const lost = await crm('POST /deals/{id}/lost', {
      as: alice,
      at: T0,
      params: { id: deals.later!.id },
      body: { reason: 'Budget' },
    });
    expect(lost.status, JSON.stringify(lost.body)).toBe(200);
    expect((await counted(alice, plus(24 * 60 + 1))).lateNextActions).toBe(2);
  });

  it("reassigned: it leaves the old owner's count and joins the new owner's", async () => {
    const before = (await counted(bob, plus(61))).lateNextActions;
    const handed = await crm('PATCH /deals/{id}', {
      as: manager,
      at: T0,
      params: { id: deals.soon!.id },
      body: { ownerId: bob.sub },
    });
    expect(handed.status, JSON.stringify(handed.body)).toBe(200);
    expect((await counted(bob, plus(61))).lateNextActions).toBe(before + 1);
    expect((await counted(alice, plus(61))).lateNextActions).toBe(0);
  });
});

describe('CRM tasks', () => {
  it('a late task assigned to someone is theirs; done, it is not', async () => {
    const deal = await newDeal('With a task', plus(7 * 24 * 60), bob);
    const task = await crm('POST /activities', {
      as: bob,
      at: T0,
      body: {
        type: 'task',
        subject: 'Prepare the demo',
        dealId: deal.id,
        dueAt: plus(-30),
        assigneeId: alice.sub,
      },
    });
    expect(task.status, JSON.stringify(task.body)).toBe(201);
    expect((await counted(alice)).overdueTasks).toBe(1);
    expect((await counted(bob)).overdueTasks).toBe(0);
    const done = await crm('PATCH /activities/{id}', {
      as: alice,
      at: T0,
      params: { id: task.body.id },
      body: { done: true },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect((await counted(alice)).overdueTasks).toBe(0);
  });
});

describe('won, then delivered: project tasks and the promise at risk', () => {
  let projectId: string;
  const ids: Record<string, string> = {};

  it("won: the deal's late next action is no longer counted; the project's late task is its delivery owner's", async () => {
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
    const { deal, contact } = await dealReadyToWin(table);
    const before = (await counted(alice)).lateNextActions;
    const won = await crm('POST /deals/{id}/won', {
      as: alice,
      at: T0,
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
    expect((await counted(alice)).lateNextActions).toBe(before - 1);
    const [event] = (await eventsOf(table, 'DealClosedWon')).filter((e) => e.detail.data.deal.id === deal.id);
    expect(await handOff(servicesOf(table, 'CreateProjectOnWin'), asDelivered(event!), () => undefined)).toBe(
      'created',
    );
    projectId = projectIdForDeal(deal.id);
    const project = await delivery('GET /projects/{id}', { params: { id: projectId }, as: lea });
    for (const t of project.body.tasks) ids[t.key] = t.id;
    // build was due Fri 03-08: late on Tue 03-12, and unassigned: the delivery owner's
    expect(await counted(lea)).toMatchObject({ overdueTasks: 1, projectsAtRisk: 0 });
    expect((await counted(lea)).next).toMatchObject({ kind: 'overdue-task', recordId: ids.test });
  });

  it('assigned, the late task is the assignee’s', async () => {
    const assigned = await delivery('PATCH /tasks/{id}', {
      as: lea,
      at: T0,
      params: { id: ids.build! },
      body: { assigneeId: ben.sub },
    });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    expect((await counted(lea)).overdueTasks).toBe(0);
    expect((await counted(ben)).overdueTasks).toBe(1);
    await delivery('PATCH /tasks/{id}', {
      as: lea,
      at: T0,
      params: { id: ids.build! },
      body: { assigneeId: null },
    });
    expect((await counted(lea)).overdueTasks).toBe(1);
    expect((await counted(ben)).overdueTasks).toBe(0);
  });

  it('a task slips past the promise: at risk for the delivery owner and the deal’s owner', async () => {
    const slipped = await delivery('PATCH /tasks/{id}', {
      as: lea,
      at: T0,
      params: { id: ids.test! },
      body: { durationDays: 6 },
    });
    expect(slipped.status, JSON.stringify(slipped.body)).toBe(200);
    expect((await counted(lea)).projectsAtRisk).toBe(1);
    expect((await counted(alice)).projectsAtRisk).toBe(1);
  });

  it('handed to another delivery owner: the at-risk entry at once, the unassigned late task after RefreshCopies', async () => {
    const handed = await delivery('PATCH /projects/{id}', {
      as: lea,
      at: T0,
      params: { id: projectId },
      body: { ownerId: ben.sub },
    });
    expect(handed.status, JSON.stringify(handed.body)).toBe(200);
    expect((await summary(ben)).projectsAtRisk).toBe(1);
    expect((await summary(lea)).projectsAtRisk).toBe(0);
    // the rule's target, as EventBridge would invoke it after ProjectUpdated (with previousOwnerId)
    const [updated] = (await eventsOf(table, 'ProjectUpdated')).filter((e) => e.detail.data.previousOwnerId);
    expect(updated!.detail.data.previousOwnerId).toBe(lea.sub);
    await refreshTaskDueEntries(servicesOf(table, 'RefreshCopies'), projectId, lea.sub);
    expect(await counted(ben)).toMatchObject({ overdueTasks: 1, projectsAtRisk: 1 });
    expect(await counted(lea)).toMatchObject({ overdueTasks: 0, projectsAtRisk: 0 });
    expect((await counted(alice)).projectsAtRisk).toBe(1);
  });

  it('put on hold: nothing of it is counted (its tasks after RefreshCopies); resumed, all again', async () => {
    const held = await delivery('PATCH /projects/{id}', {
      as: ben,
      at: T0,
      params: { id: projectId },
      body: { status: 'on_hold', reason: 'Customer paused' },
    });
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    await refreshTaskDueEntries(servicesOf(table, 'RefreshCopies'), projectId);
    expect(await counted(ben)).toMatchObject({ overdueTasks: 0, projectsAtRisk: 0 });
    expect((await counted(alice)).projectsAtRisk).toBe(0);
    const resumed = await delivery('PATCH /projects/{id}', {
      as: ben,
      at: T0,
      params: { id: projectId },
      body: { status: 'planned' },
    });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    await refreshTaskDueEntries(servicesOf(table, 'RefreshCopies'), projectId);
    // running it again writes the same
    await refreshTaskDueEntries(servicesOf(table, 'RefreshCopies'), projectId);
    expect(await counted(ben)).toMatchObject({ overdueTasks: 1 });
    await counted(alice);
  });
});
