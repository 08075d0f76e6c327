import { beforeAll, describe, expect, it } from 'vitest';
import { runDailyDigest } from '../../../functions/followup/use-cases/compose-digests.js';
import { sweepOverdue } from '../../../functions/followup/use-cases/flag-overdue.js';
import { users } from '../../support/api.js';
import { crmApi, deliveryApi, eventsOf, itemCount } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// The promise, watched after the plan is made, on DynamoDB Local: every change that moves the
// projected finish or the promise re-checks it; crossing the line either way is one event
// (ProjectAtRisk, ProjectBackOnTrack), not one per change; an at-risk project is in its owner's
// follow-ups until it is back on track or not live. Dates are hand-computed on a Mon-Fri calendar.

let table: TestTable;
let api: ReturnType<typeof deliveryApi>;
let crm: ReturnType<typeof crmApi>;
const lead = { sub: 'u-lead', groups: ['delivery'], email: 'lead@example.com' };
let projectId: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  table = await testTable();
  api = deliveryApi(table);
  crm = crmApi(table);
  for (const u of [lead, users.alice]) await crm('GET /pipelines', { as: u });
  const template = await api('POST /templates', {
    as: lead,
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
  // Mon 2030-03-04: build 03-04..03-08, test 03-11..03-13, go-live Thu 03-14
  const project = await api('POST /projects', {
    as: lead,
    body: {
      name: 'Acme',
      templateId: template.body.id,
      kickoffDate: '2030-03-04',
      promisedDueDate: '2030-03-15',
    },
  });
  expect(project.status, JSON.stringify(project.body)).toBe(201);
  projectId = project.body.id;
  for (const t of project.body.tasks) ids[t.key] = t.id;
  expect(project.body.schedule).toMatchObject({ projectedFinish: '2030-03-14', atRisk: false });
});

const risks = async () =>
  (await eventsOf(table, 'ProjectAtRisk')).filter((e) => e.detail.data.projectId === projectId);
const backs = async () =>
  (await eventsOf(table, 'ProjectBackOnTrack')).filter((e) => e.detail.data.projectId === projectId);
const atRiskFollowUps = async (as = lead) =>
  ((await crm('GET /followups', { as, query: { kind: 'project-at-risk' } })).body.items ?? []) as {
    projectId: string;
    shortfallDays: number;
  }[];

describe('the promise after the plan is made', () => {
  it('a task stretched past the promise: one ProjectAtRisk, and the project in its owner’s follow-ups', async () => {
    const longer = await api('PATCH /tasks/{id}', {
      params: { id: ids.test! },
      as: lead,
      body: { durationDays: 6 },
    });
    expect(longer.status, JSON.stringify(longer.body)).toBe(200);
    // test 03-11..03-18, go-live Tue 03-19: 2 business days past Fri 03-15
    const [risk] = await risks();
    expect(risk!.detail.data).toMatchObject({
      projectOwnerId: lead.sub,
      promisedDueDate: '2030-03-15',
      projectedFinish: '2030-03-19',
      shortfallDays: 2,
      cause: `task ${ids.test} changed`,
    });
    const project = await api('GET /projects/{id}', { params: { id: projectId }, as: lead });
    expect(project.body.schedule).toMatchObject({ atRisk: true, shortfallDays: 2 });
    expect(project.body.atRiskSince).toEqual(expect.any(String));
    expect(await atRiskFollowUps()).toMatchObject([{ projectId, shortfallDays: 2 }]);
    // still at risk after another change: no second event
    await api('PATCH /tasks/{id}', { params: { id: ids.test! }, as: lead, body: { durationDays: 7 } });
    expect(await risks()).toHaveLength(1);
    expect(await atRiskFollowUps()).toMatchObject([{ projectId, shortfallDays: 3 }]);
  });

  it('a later promise puts it back on track: one ProjectBackOnTrack, out of the follow-ups', async () => {
    const later = await api('PATCH /projects/{id}', {
      params: { id: projectId },
      as: lead,
      body: { promisedDueDate: '2030-03-29' },
    });
    expect(later.status, JSON.stringify(later.body)).toBe(200);
    expect(await backs()).toHaveLength(1);
    expect((await backs())[0]!.detail.data).toMatchObject({
      promisedDueDate: '2030-03-29',
      projectedFinish: '2030-03-20',
      cause: "the project's kickoff or promised due date changed",
    });
    expect(await atRiskFollowUps()).toEqual([]);
  });

  it('a new kickoff moves every task (TaskRescheduled, cause project-dates) and is watched too', async () => {
    const moved = await api('PATCH /projects/{id}', {
      params: { id: projectId },
      as: lead,
      body: { kickoffDate: '2030-03-18' },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const project = await api('GET /projects/{id}', { params: { id: projectId }, as: lead });
    const byKey = Object.fromEntries(project.body.tasks.map((t: { key: string }) => [t.key, t]));
    // build 03-18..03-22, test (7 days) 03-25..04-02, go-live 04-03: past 03-29 by 3 business days
    expect(byKey.build).toMatchObject({ startDate: '2030-03-18', dueDate: '2030-03-22' });
    expect(byKey.golive).toMatchObject({ startDate: '2030-04-03' });
    expect(project.body).toMatchObject({
      kickoffDate: '2030-03-18',
      schedule: { atRisk: true, shortfallDays: 3 },
    });
    const rescheduled = (await eventsOf(table, 'TaskRescheduled')).filter(
      (e) => e.detail.data.projectId === projectId && e.detail.data.cause.kind === 'project-dates',
    );
    expect(rescheduled.map((e) => e.detail.data.taskId).sort()).toEqual(
      [ids.build, ids.test, ids.golive].sort(),
    );
    expect(await risks()).toHaveLength(2);
  });

  it('on hold: not watched and out of the follow-ups, without an event; resumed at risk: ProjectAtRisk again', async () => {
    const held = await api('PATCH /projects/{id}', {
      params: { id: projectId },
      as: lead,
      body: { status: 'on_hold' },
    });
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    expect(await atRiskFollowUps()).toEqual([]);
    expect(await risks()).toHaveLength(2);
    expect(await backs()).toHaveLength(1);
    const resumed = await api('PATCH /projects/{id}', {
      params: { id: projectId },
      as: lead,
      body: { status: 'planned' },
    });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    expect(await risks()).toHaveLength(3);
    expect((await risks()).at(-1)!.detail.data.cause).toBe('the project became planned');
    expect(await atRiskFollowUps()).toHaveLength(1);
  });

  it('refuses a promise before the kickoff, naming it, and writes nothing', async () => {
    const before = await itemCount(table);
    const early = await api('PATCH /projects/{id}', {
      params: { id: projectId },
      as: lead,
      body: { promisedDueDate: '2030-03-01' },
    });
    expect(early.status).toBe(422);
    expect(early.body.errors).toEqual([
      {
        path: 'promisedDueDate',
        message: 'the promised due date 2030-03-01 is before the kickoff 2030-03-18',
      },
    ]);
    expect(await itemCount(table)).toBe(before);
  });

  it("an unassigned late task reaches the project's owner: follow-ups, the sweep's event, the digest", async () => {
    // build (unassigned) was due Fri 2030-03-22; on Wed 03-27 it is late
    const at = '2030-03-27T07:00:00.000Z';
    const mine = await crm('GET /followups', { as: lead, at, query: { kind: 'overdue-task' } });
    expect(mine.body.items).toMatchObject([{ taskId: ids.build, ownerId: lead.sub, assigneeId: null }]);
    await sweepOverdue(table.services.store, table.services.followups, at);
    const [flagged] = (await eventsOf(table, 'TaskOverdue')).filter(
      (e) => e.detail.data.taskId === ids.build,
    );
    expect(flagged!.detail.data).toMatchObject({ assigneeId: null, projectOwnerId: lead.sub });
    const report = await runDailyDigest(table.services, at, {
      digestHour: 7,
      graceMinutes: 15,
    });
    const digest = report.digests.find((d) => d.userId === lead.sub)!;
    expect(digest.overdueTasks.map((t) => t.taskId)).toContain(ids.build);
    expect(digest.projectsAtRisk).toMatchObject([{ projectId, role: 'project-owner' }]);
  });

  it('a cancelled task stays in the plan but takes no time: go-live moves up, the promise is kept again', async () => {
    const cancel = await api('POST /tasks/{id}/cancel', {
      params: { id: ids.test! },
      as: lead,
      body: { reason: 'the customer tests it themselves' },
    });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    expect(cancel.body.cancelled).toMatchObject({ by: lead.sub, reason: 'the customer tests it themselves' });
    const project = await api('GET /projects/{id}', { params: { id: projectId }, as: lead });
    const byKey = Object.fromEntries(project.body.tasks.map((t: { key: string }) => [t.key, t]));
    // build ends Fri 03-22; test takes no time; go-live Mon 03-25, before the promise (03-29)
    expect(byKey.golive.startDate).toBe('2030-03-25');
    expect(project.body.schedule).toMatchObject({ atRisk: false, projectedFinish: '2030-03-25' });
    expect((await backs()).at(-1)!.detail.data.cause).toBe(`task ${ids.test} changed`);
    expect((await eventsOf(table, 'TaskCancelled')).at(-1)!.detail.data).toMatchObject({
      taskId: ids.test,
      cancelledBy: lead.sub,
    });
    const late = await crm('GET /followups', {
      as: lead,
      at: '2030-04-20T07:00:00Z',
      query: { kind: 'overdue-task' },
    });
    expect(late.body.items.map((f: { taskId: string }) => f.taskId)).not.toContain(ids.test);
    const before = await itemCount(table);
    const again = await api('POST /tasks/{id}/cancel', {
      params: { id: ids.test! },
      as: lead,
      body: { reason: 'x' },
    });
    expect(again.status).toBe(409);
    const edit = await api('PATCH /tasks/{id}', {
      params: { id: ids.test! },
      as: lead,
      body: { status: 'done' },
    });
    expect(edit.status).toBe(409);
    expect(await itemCount(table)).toBe(before);
  });

  it('a project is cancelled only with a reason, kept in its notes and the event', async () => {
    const before = await itemCount(table);
    const bare = await api('PATCH /projects/{id}', {
      params: { id: projectId },
      as: lead,
      body: { status: 'cancelled' },
    });
    expect(bare.status).toBe(422);
    expect(bare.body.errors).toEqual([{ path: 'reason', message: 'say why the project is cancelled' }]);
    expect(await itemCount(table)).toBe(before);
    const cancelled = await api('PATCH /projects/{id}', {
      params: { id: projectId },
      as: lead,
      body: { status: 'cancelled', reason: 'budget withdrawn' },
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.notes.at(-1).text).toBe('planned → cancelled by u-lead: budget withdrawn');
    expect((await eventsOf(table, 'ProjectStatusChanged')).at(-1)!.detail.data).toMatchObject({
      to: 'cancelled',
      reason: 'budget withdrawn',
    });
  });

  it('the board: a column per status in working order, each in plan order, cancelled apart', async () => {
    const board = await api('GET /projects/{id}/board', { params: { id: projectId }, as: lead });
    expect(board.status).toBe(200);
    expect(
      board.body.columns.map((c: { status: string; tasks: { id: string }[] }) => [
        c.status,
        c.tasks.map((t) => t.id),
      ]),
    ).toEqual([
      ['todo', [ids.build, ids.golive]],
      ['in_progress', []],
      ['blocked', []],
      ['done', []],
      ['cancelled', [ids.test]],
    ]);
  });
});
