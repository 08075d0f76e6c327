import { beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../support/api.js';
import { crmApi, deliveryApi, eventsOf, itemCount } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// Delivery as a user walks it through the delivery function on DynamoDB Local: a template, a
// project from it on a kickoff date, business-day dates and the critical path, a slipped task
// moving its dependents, a refused cycle, an approval, time against a budget.

let table: TestTable;
let api: ReturnType<typeof deliveryApi>;
const lead = { sub: 'u-lead', groups: ['delivery'], email: 'lead@example.com' };
const pm = { sub: 'u-pm', groups: ['manager'], email: 'pm@example.com' };

beforeAll(async () => {
  table = await testTable();
  api = deliveryApi(table);
  // people exist once they have used the API
  for (const u of [lead, pm, users.alice, users.dana]) await crmApi(table)('GET /pipelines', { as: u });
});

const template = {
  name: 'Rollout',
  calendar: { workingDays: [1, 2, 3, 4, 5], holidays: ['2030-02-06'] },
  checklist: [{ key: 'contract', title: 'Contract signed' }],
  tasks: [
    { key: 'kickoff', title: 'Kickoff', durationDays: 0, milestone: true },
    { key: 'design', title: 'Design', durationDays: 3, estimateHours: 24, section: 'Design' },
    {
      key: 'sign-off',
      title: 'Design sign-off',
      durationDays: 1,
      approval: { approverRole: 'manager' },
      section: 'Design',
    },
    { key: 'build', title: 'Build', durationDays: 5, estimateHours: 40 },
    {
      key: 'docs',
      title: 'Documentation',
      durationDays: 2,
      anchor: { to: 'task', taskKey: 'design', offsetDays: 0 },
    },
    { key: 'golive', title: 'Go-live', durationDays: 0, milestone: true },
  ],
  dependencies: [
    { predecessor: 'kickoff', successor: 'design' },
    { predecessor: 'design', successor: 'sign-off' },
    { predecessor: 'sign-off', successor: 'build' },
    { predecessor: 'build', successor: 'golive' },
    { predecessor: 'docs', successor: 'golive' },
  ],
};

describe('templates', () => {
  it('a default template exists; a new one is versioned by each change', async () => {
    const list = await api('GET /templates', { as: users.alice });
    expect(list.body.items[0]).toMatchObject({ id: 'tpl_default', isDefault: true });
    const made = await api('POST /templates', {
      as: lead,
      body: { name: 'Scratch', tasks: [{ key: 'a', title: 'A', durationDays: 1 }] },
    });
    expect(made.status).toBe(201);
    const changed = await api('PATCH /templates/{id}', {
      as: lead,
      params: { id: made.body.id },
      body: { name: 'Scratch 2' },
    });
    expect(changed.body.version).toBe(2);
  });

  it('refuses a plan with a cycle, naming it, and a task anchored to a missing task, naming its path', async () => {
    const before = await itemCount(table);
    const cyclic = await api('POST /templates', {
      as: lead,
      body: {
        ...template,
        dependencies: [...template.dependencies, { predecessor: 'golive', successor: 'design' }],
      },
    });
    expect(cyclic.status).toBe(422);
    const message: string = cyclic.body.errors[0].message;
    expect(message).toMatch(/^the plan has a cycle: /);
    for (const step of ['design → sign-off', 'sign-off → build', 'build → golive', 'golive → design'])
      expect(message).toContain(step);
    const dangling = await api('POST /templates', {
      as: lead,
      body: {
        ...template,
        tasks: [
          ...template.tasks,
          { key: 'x', title: 'X', durationDays: 1, anchor: { to: 'task', taskKey: 'nope' } },
        ],
      },
    });
    expect(dangling.status).toBe(422);
    expect(dangling.body.errors).toEqual([
      { path: 'tasks.6.anchor.taskKey', message: 'no task has the key nope' },
    ]);
    expect(await itemCount(table)).toBe(before);
  });
});

describe('a project from a template', () => {
  let projectId: string;
  let ids: Record<string, string> = {};
  const id = (key: string) => ids[key]!;

  it("is planned from the kickoff date in business days, on the template's calendar", async () => {
    const t = await api('POST /templates', { as: lead, body: template });
    const missing = await api('POST /projects', {
      as: lead,
      body: { name: 'No kickoff', templateId: t.body.id },
    });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([{ path: 'kickoffDate', message: 'is required' }]);

    const res = await api('POST /projects', {
      as: lead,
      body: {
        name: 'Acme rollout',
        templateId: t.body.id,
        kickoffDate: '2030-02-01', // a Friday; the 6th is a holiday
        promisedDueDate: '2030-02-28',
        budget: { hours: 1 },
        hourlyRate: { amount: 12_000, currency: 'EUR' },
      },
    });
    expect(res.status).toBe(201);
    projectId = res.body.id;
    ids = Object.fromEntries(res.body.tasks.map((x: { key: string; id: string }) => [x.key, x.id]));
    const dates = Object.fromEntries(res.body.tasks.map((x: any) => [x.key, [x.startDate, x.dueDate]]));
    expect(dates).toEqual({
      kickoff: ['2030-02-01', '2030-02-01'],
      design: ['2030-02-01', '2030-02-05'], // Fri, Mon, Tue
      docs: ['2030-02-07', '2030-02-08'], // after design; the 6th is a holiday
      'sign-off': ['2030-02-07', '2030-02-07'],
      build: ['2030-02-08', '2030-02-14'],
      golive: ['2030-02-15', '2030-02-15'],
    });
    expect(res.body).toMatchObject({
      status: 'planned',
      template: { id: t.body.id, version: 1 },
      // go-live, a milestone after build, is the last day of the project
      schedule: { projectedFinish: '2030-02-15', atRisk: false },
    });
    expect(res.body.totals.estimatedMinutes).toBe(64 * 60);
    // listed in plan order (the template's), under their sections
    expect(res.body.tasks.map((x: { key: string; section?: string }) => [x.key, x.section ?? null])).toEqual([
      ['kickoff', null],
      ['design', 'Design'],
      ['sign-off', 'Design'],
      ['build', null],
      ['docs', null],
      ['golive', null],
    ]);
    const created = await eventsOf(table, 'ProjectCreated');
    expect(created.at(-1)!.detail.data.tasks).toHaveLength(6);
    expect((await eventsOf(table, 'ApprovalRequested')).at(-1)!.detail.data).toMatchObject({
      taskId: id('sign-off'),
      approverRole: 'manager',
    });
  });

  it('shows early and late dates, slack and the critical path', async () => {
    const res = await api('GET /projects/{id}/schedule', { params: { id: projectId }, as: users.alice });
    expect(res.status).toBe(200);
    expect(res.body.criticalPath.map((t: { id: string }) => t.id)).toEqual([
      id('kickoff'),
      id('design'),
      id('sign-off'),
      id('build'),
      id('golive'),
    ]);
    const docs = res.body.tasks.find((t: { id: string }) => t.id === id('docs'));
    expect(docs).toMatchObject({
      earlyStart: '2030-02-07',
      lateStart: '2030-02-13',
      totalSlackDays: 4,
      critical: false,
    });
    expect(res.body.criticalPaths.map((chain: { id: string }[]) => chain.map((t) => t.id))).toEqual([
      [id('kickoff'), id('design'), id('sign-off'), id('build'), id('golive')],
    ]);
    expect(res.body.criticalTaskIds.sort()).toEqual(
      [id('kickoff'), id('design'), id('sign-off'), id('build'), id('golive')].sort(),
    );
    expect(res.body.tasks.find((t: { id: string }) => t.id === id('golive'))).toMatchObject({
      totalSlackDays: 0,
      critical: true,
    });
    expect(res.body).toMatchObject({
      projectedFinish: '2030-02-15',
      promisedDueDate: '2030-02-28',
      shortfallDays: 0,
    });
  });

  it('a slipped task moves its dependents, each with TaskRescheduled and the cause', async () => {
    const slipped = await api('PATCH /tasks/{id}', {
      params: { id: id('design') },
      as: lead,
      body: { startDate: '2030-02-11' },
    });
    expect(slipped.status).toBe(200);
    expect(slipped.body).toMatchObject({
      startDate: '2030-02-11',
      dueDate: '2030-02-13',
      rescheduling: 'done',
    });
    const project = await api('GET /projects/{id}', { params: { id: projectId } });
    const byKey = Object.fromEntries(project.body.tasks.map((t: any) => [t.key, t]));
    expect(byKey.build.startDate).toBe('2030-02-15');
    expect(byKey.golive.startDate).toBe('2030-02-22');
    expect(byKey.kickoff.startDate).toBe('2030-02-01');
    const moves = (await eventsOf(table, 'TaskRescheduled')).filter(
      (e) => e.detail.data.cause.taskId === id('design'),
    );
    expect(moves.map((e) => e.detail.data.taskId).sort()).toEqual(
      [id('design'), id('sign-off'), id('build'), id('docs'), id('golive')].sort(),
    );
    expect(moves.find((e) => e.detail.data.taskId === id('build'))!.detail.data).toMatchObject({
      from: { startDate: '2030-02-08', dueDate: '2030-02-14' },
      to: { startDate: '2030-02-15', dueDate: '2030-02-21' },
      cause: { kind: 'task-changed', taskId: id('design') },
    });
  });

  it('refuses a dependency that would close a cycle, naming it, and writes nothing', async () => {
    const before = await itemCount(table);
    const res = await api('POST /tasks/{id}/dependencies', {
      params: { id: id('design') },
      as: lead,
      body: { predecessorId: id('golive') },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].message).toMatch(/this would close a cycle: .*→/);
    const self = await api('POST /tasks/{id}/dependencies', {
      params: { id: id('design') },
      as: lead,
      body: { predecessorId: id('design') },
    });
    expect(self.body.errors[0].message).toBe('a task cannot depend on itself');
    const far = await api('POST /tasks/{id}/dependencies', {
      params: { id: id('design') },
      as: lead,
      body: { predecessorId: id('docs'), lagDays: 400 },
    });
    expect(far.status).toBe(422);
    expect(await itemCount(table)).toBe(before);
  });

  it('refuses a start or a kickoff that would date the plan past 9999-12-31, and writes nothing', async () => {
    const before = await itemCount(table);
    const late = await api('PATCH /tasks/{id}', {
      params: { id: id('design') },
      as: lead,
      body: { startDate: '9999-12-31' },
    });
    expect(late.status).toBe(422);
    expect(late.body.detail).toMatch(/past 9999-12-31/);
    const { template: planned } = (await api('GET /projects/{id}', { params: { id: projectId } })).body;
    const kickoff = await api('POST /projects', {
      as: lead,
      body: { name: 'Far', templateId: planned.id, kickoffDate: '9999-12-28' },
    });
    expect(kickoff.status).toBe(422);
    expect(kickoff.body.detail).toMatch(/past 9999-12-31/);
    expect(await itemCount(table)).toBe(before);
  });

  it('adds dependencies of every type with lags, and refuses completing a task before its predecessors', async () => {
    const ss = await api('POST /tasks/{id}/dependencies', {
      params: { id: id('docs') },
      as: lead,
      body: { predecessorId: id('build'), type: 'SS', lagDays: 2 },
    });
    expect(ss.status).toBe(200);
    expect(ss.body.startDate).toBe('2030-02-19');
    const done = await api('PATCH /tasks/{id}', {
      params: { id: id('build') },
      as: lead,
      body: { status: 'done' },
    });
    expect(done.status).toBe(409);
    expect(done.body.waitingFor).toEqual([id('sign-off')]);
    expect(done.body.detail).toContain('Design sign-off');
    const removed = await api('DELETE /tasks/{id}/dependencies/{predecessorId}', {
      params: { id: id('docs'), predecessorId: id('build') },
      as: lead,
    });
    expect(removed.status).toBe(200);
    expect((await eventsOf(table, 'TaskDependencyRemoved')).at(-1)!.detail.data).toEqual({
      taskId: id('docs'),
      projectId,
      predecessorId: id('build'),
    });
  });

  it('an approval is decided only by its approver (or an admin)', async () => {
    const byLead = await api('POST /tasks/{id}/approval', {
      params: { id: id('sign-off') },
      as: lead,
      body: { decision: 'approved' },
    });
    expect(byLead.status).toBe(403);
    expect(byLead.body.detail).toContain('the role manager');
    const setDone = await api('PATCH /tasks/{id}', {
      params: { id: id('sign-off') },
      as: lead,
      body: { status: 'done' },
    });
    expect(setDone.status).toBe(409);
    const changes = await api('POST /tasks/{id}/approval', {
      params: { id: id('sign-off') },
      as: pm,
      body: { decision: 'changes_requested', comment: 'add rollback' },
    });
    expect(changes.body).toMatchObject({
      status: 'in_progress',
      approval: { status: 'changes_requested', comment: 'add rollback', decidedBy: pm.sub },
    });
    // design (its finish-to-start predecessor) is not done: an approval does not skip it
    const early = await api('POST /tasks/{id}/approval', {
      params: { id: id('sign-off') },
      as: pm,
      body: { decision: 'approved' },
    });
    expect(early.status).toBe(409);
    expect(early.body.waitingFor).toEqual([id('design')]);
    for (const key of ['kickoff', 'design']) {
      const done = await api('PATCH /tasks/{id}', {
        params: { id: id(key) },
        as: lead,
        body: { status: 'done' },
      });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
    }
    const approved = await api('POST /tasks/{id}/approval', {
      params: { id: id('sign-off') },
      as: pm,
      body: { decision: 'approved' },
    });
    expect(approved.body).toMatchObject({ status: 'done', approval: { status: 'approved' } });
    expect((await eventsOf(table, 'ApprovalDecided')).map((e) => e.detail.data.decision)).toEqual([
      'changes_requested',
      'approved',
    ]);
  });

  it('milestones are reached; time is logged against the budget, which is exceeded once', async () => {
    const reached = await api('PATCH /tasks/{id}', {
      params: { id: id('kickoff') },
      as: lead,
      body: { status: 'done' },
    });
    expect(reached.status).toBe(200);
    expect((await eventsOf(table, 'MilestoneReached')).at(-1)!.detail.data.taskId).toBe(id('kickoff'));

    const first = await api('POST /tasks/{id}/time-entries', {
      params: { id: id('design') },
      as: lead,
      body: { date: '2026-01-05', minutes: 45 },
    });
    expect(first.status).toBe(201);
    let project = await api('GET /projects/{id}', { params: { id: projectId } });
    expect(project.body.burn).toMatchObject({
      hours: 0.75,
      actualHours: 0.75,
      actualCost: { amount: 9_000, currency: 'EUR' },
    });
    await api('POST /tasks/{id}/time-entries', {
      params: { id: id('design') },
      as: lead,
      body: { date: '2026-01-05', minutes: 30, billable: false },
    });
    await api('POST /tasks/{id}/time-entries', {
      params: { id: id('design') },
      as: lead,
      body: { date: '2026-01-06', minutes: 30 },
    });
    project = await api('GET /projects/{id}', { params: { id: projectId } });
    expect(project.body.totals).toMatchObject({ actualMinutes: 105, billableMinutes: 75 });
    expect(project.body.burn.hours).toBeCloseTo(1.75);
    const exceeded = await eventsOf(table, 'ProjectBudgetExceeded');
    expect(exceeded).toHaveLength(1);
    expect(exceeded[0]!.detail.data).toMatchObject({ projectId, budget: { hours: 1 } });
    const entries = await api('GET /projects/{id}/time-entries', { params: { id: projectId } });
    expect(entries.body.items).toHaveLength(3);
  });

  it('refuses time of zero, over 24 hours a day in total, in the future, or for someone else by a non-manager', async () => {
    const before = await itemCount(table);
    const zero = await api('POST /tasks/{id}/time-entries', {
      params: { id: id('build') },
      as: lead,
      body: { date: '2026-01-07', minutes: 0 },
    });
    expect(zero.status).toBe(422);
    await api('POST /tasks/{id}/time-entries', {
      params: { id: id('build') },
      as: lead,
      body: { date: '2026-01-08', minutes: 1000 },
    });
    const after = await itemCount(table);
    const over = await api('POST /tasks/{id}/time-entries', {
      params: { id: id('build') },
      as: lead,
      body: { date: '2026-01-08', minutes: 500 },
    });
    expect(over.status).toBe(422);
    expect(over.body.errors[0].message).toBe(
      'u-lead already logged 1000 minutes on 2026-01-08; a day has 1,440',
    );
    expect(await itemCount(table)).toBe(after);
    const future = await api('POST /tasks/{id}/time-entries', {
      params: { id: id('build') },
      as: lead,
      body: { date: '2999-01-01', minutes: 5 },
    });
    expect(future.status).toBe(422);
    const forOther = await api('POST /tasks/{id}/time-entries', {
      params: { id: id('build') },
      as: lead,
      body: { date: '2026-01-09', minutes: 5, userId: pm.sub },
    });
    expect(forOther.status).toBe(403);
    const byManager = await api('POST /tasks/{id}/time-entries', {
      params: { id: id('build') },
      as: pm,
      body: { date: '2026-01-09', minutes: 5, userId: 'u-ghost' },
    });
    expect(byManager.status).toBe(422);
    expect(byManager.body.errors[0].message).toContain('u-ghost is not a known user');
    expect(before).toBeLessThan(after);
  });

  it('a typo in logged time is corrected or deleted by its author or a manager; totals and the day limit follow', async () => {
    const totals = async () => (await api('GET /projects/{id}', { params: { id: projectId } })).body.totals;
    const start = await totals();
    const typo = await api('POST /tasks/{id}/time-entries', {
      params: { id: id('build') },
      as: lead,
      body: { date: '2026-01-12', minutes: 1_200 },
    });
    expect(typo.status).toBe(201);
    expect((await totals()).actualMinutes).toBe(start.actualMinutes + 1_200);
    const bySomeoneElse = await api('PATCH /time-entries/{id}', {
      params: { id: typo.body.id },
      as: { sub: 'u-other-lead', groups: ['delivery'] },
      body: { minutes: 120 },
    });
    expect(bySomeoneElse.status).toBe(403);
    const fixed = await api('PATCH /time-entries/{id}', {
      params: { id: typo.body.id },
      as: lead,
      body: { minutes: 120, billable: false },
      headers: { 'if-match': '"1"' },
    });
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200);
    expect(fixed.body).toMatchObject({ minutes: 120, billable: false, version: 2, correctedBy: lead.sub });
    expect(await totals()).toMatchObject({
      actualMinutes: start.actualMinutes + 120,
      billableMinutes: start.billableMinutes,
    });
    const corrected = (await eventsOf(table, 'TimeEntryCorrected')).at(-1)!.detail.data;
    expect(corrected).toMatchObject({
      before: { minutes: 1_200 },
      entry: { minutes: 120 },
      changed: ['minutes', 'billable'],
    });
    // the day now holds 120 minutes: 1,320 more fit, 1,321 do not
    const before = await itemCount(table);
    const tooMuch = await api('PATCH /time-entries/{id}', {
      params: { id: typo.body.id },
      as: lead,
      body: { minutes: 1_441 },
    });
    expect(tooMuch.status).toBe(422);
    await api('POST /tasks/{id}/time-entries', {
      params: { id: id('build') },
      as: lead,
      body: { date: '2026-01-13', minutes: 1_000 },
    });
    const moved = await api('PATCH /time-entries/{id}', {
      params: { id: typo.body.id },
      as: lead,
      body: { date: '2026-01-13', minutes: 500 },
    });
    expect(moved.status).toBe(422);
    expect(moved.body.errors[0].message).toBe(
      'u-lead already logged 1000 minutes on 2026-01-13; a day has 1,440',
    );
    // only the second entry, its day's counter and its TimeLogged event: the refusals wrote nothing
    expect(await itemCount(table)).toBe(before + 3);
    const stale = await api('DELETE /time-entries/{id}', {
      params: { id: typo.body.id },
      as: pm,
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    const removed = await api('DELETE /time-entries/{id}', { params: { id: typo.body.id }, as: pm });
    expect(removed.status).toBe(204);
    expect((await totals()).actualMinutes).toBe(start.actualMinutes + 1_000);
    expect((await eventsOf(table, 'TimeEntryDeleted')).at(-1)!.detail.data).toMatchObject({
      entry: { id: typo.body.id },
      deletedBy: pm.sub,
    });
    const gone = await api('PATCH /time-entries/{id}', {
      params: { id: typo.body.id },
      as: lead,
      body: { minutes: 5 },
    });
    expect(gone.status).toBe(404);
    // the freed day takes a full day again
    const full = await api('POST /tasks/{id}/time-entries', {
      params: { id: id('build') },
      as: lead,
      body: { date: '2026-01-12', minutes: 1_440 },
    });
    expect(full.status).toBe(201);
  });

  it('the kickoff checklist gates activation; roles gate writes', async () => {
    const early = await api('PATCH /projects/{id}', {
      params: { id: projectId },
      as: lead,
      body: { status: 'active' },
    });
    expect(early.status).toBe(409);
    expect(early.body.unticked).toEqual(['contract']);
    const ticked = await api('PATCH /projects/{id}', {
      params: { id: projectId },
      as: lead,
      body: { checklist: { contract: true }, status: 'active' },
    });
    expect(ticked.status).toBe(200);
    expect(ticked.body.checklist[0]).toMatchObject({ done: true, doneBy: lead.sub });
    expect((await eventsOf(table, 'ProjectStatusChanged')).at(-1)!.detail.data).toEqual({
      projectId,
      from: 'planned',
      to: 'active',
    });
    const bySales = await api('PATCH /tasks/{id}', {
      params: { id: id('build') },
      as: users.alice,
      body: { title: 'x' },
    });
    expect(bySales.status).toBe(403);
    expect((await api('GET /projects/{id}', { params: { id: projectId }, as: users.alice })).status).toBe(
      200,
    );
  });

  it('tasks are added, assigned to known people only, and listed by assignee and due date', async () => {
    const ghost = await api('POST /projects/{id}/tasks', {
      params: { id: projectId },
      as: lead,
      body: { title: 'QA', durationDays: 2, assigneeId: 'u-ghost' },
    });
    expect(ghost.status).toBe(422);
    const qa = await api('POST /projects/{id}/tasks', {
      params: { id: projectId },
      as: lead,
      body: { title: 'QA', durationDays: 2, assigneeId: users.dana.sub, startDate: '2030-03-04' },
    });
    expect(qa.status).toBe(201);
    expect(qa.body).toMatchObject({
      startDate: '2030-03-04',
      dueDate: '2030-03-05',
      assigneeId: users.dana.sub,
    });
    const sub = await api('POST /projects/{id}/tasks', {
      params: { id: projectId },
      as: lead,
      body: { title: 'QA plan', parentId: qa.body.id, assigneeId: users.dana.sub },
    });
    expect(sub.body.parentId).toBe(qa.body.id);
    const mine = await api('GET /tasks', { as: users.dana });
    // the subtask falls within its parent (which spans it): both due the same day, in id order
    expect(mine.body.items.map((t: { title: string }) => t.title)).toEqual(['QA', 'QA plan']);
    expect(mine.body.items.map((t: { dueDate: string }) => t.dueDate)).toEqual(['2030-03-04', '2030-03-04']);
    // added tasks come last in the plan; a task moves between two others by its position alone
    const titles = async () =>
      (await api('GET /projects/{id}', { params: { id: projectId } })).body.tasks.map(
        (t: { title: string }) => t.title,
      );
    expect((await titles()).slice(-2)).toEqual(['QA', 'QA plan']);
    const moved = await api('PATCH /tasks/{id}', {
      params: { id: qa.body.id },
      as: lead,
      body: { position: 1.5, section: 'Design' },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect((await titles()).slice(0, 3)).toEqual(['Kickoff', 'QA', 'Design']);
    // the parent spans its subtask and rolls up its progress
    await api('PATCH /tasks/{id}', { params: { id: sub.body.id }, as: lead, body: { percentComplete: 50 } });
    const plan = await api('GET /projects/{id}', { params: { id: projectId } });
    const qaTask = plan.body.tasks.find((t: { id: string }) => t.id === qa.body.id);
    const subTask = plan.body.tasks.find((t: { id: string }) => t.id === sub.body.id);
    expect(qaTask.progress).toEqual({
      percentComplete: 50,
      span: { startDate: subTask.startDate, dueDate: subTask.dueDate },
    });
    expect(plan.body.progress.percentComplete).toBeGreaterThan(0);
    expect((await eventsOf(table, 'TaskAssigned')).at(-1)!.detail.data).toMatchObject({ to: users.dana.sub });
    const projects = await api('GET /projects', { query: { status: 'active' } });
    expect(projects.body.items.map((p: { id: string }) => p.id)).toContain(projectId);
    const byOwner = await api('GET /projects', { query: { ownerId: lead.sub } });
    expect(byOwner.body.items.map((p: { id: string }) => p.id)).toContain(projectId);
  });

  it("a dependency on another project's task is refused, naming that project", async () => {
    const other = await api('POST /projects', {
      as: lead,
      body: { name: 'Other', kickoffDate: '2030-03-01' },
    });
    const foreign = other.body.tasks[0].id;
    const res = await api('POST /tasks/{id}/dependencies', {
      params: { id: id('build') },
      as: lead,
      body: { predecessorId: foreign },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].message).toContain(`belongs to project ${other.body.id}`);
  });
});
