import { beforeAll, describe, expect, it } from 'vitest';
import { runDailyDigest } from '../../../functions/followup/use-cases/compose-digests.js';
import { sweepOverdue } from '../../../functions/followup/use-cases/flag-overdue.js';
import { renderDigest } from '../../../functions/followup/use-cases/send-digest-mail.js';
import { users } from '../../support/api.js';
import { crmApi, eventsOf, itemCount, signIn } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// CRM tasks that are enforced, on DynamoDB Local: a task has an assignee (default: whoever logs
// it, else an active user) and a due time; its assignee lists it, marks it done or undone; the
// sweep flags it once per due time; it is in the assignee's follow-ups and digest; its author,
// assignee or a manager deletes it.

let table: TestTable;
let api: ReturnType<typeof crmApi>;
let dealId: string;
let taskId: string;

const sweep = (at: string) => sweepOverdue(table.services.store, table.services.followups, at);

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
  await signIn(api, users.alice, users.bob, users.manager);
  const deal = await api('POST /deals', {
    as: users.alice,
    body: {
      title: 'Renewal',
      value: { amount: 1, currency: 'EUR' },
      ownerId: users.alice.sub,
      nextAction: { summary: 'Call', dueAt: '2031-06-01T09:00:00Z' },
    },
  });
  dealId = deal.body.id;
});

describe('logging a task', () => {
  it('assigns it to someone else, or to whoever logs it', async () => {
    const given = await api('POST /activities', {
      as: users.alice,
      at: '2030-01-01T09:00:00Z',
      body: {
        type: 'task',
        subject: 'Prepare the quote',
        dealId,
        dueAt: '2030-01-03T17:00:00Z',
        assigneeId: 'u-bob',
      },
    });
    expect(given.status, JSON.stringify(given.body)).toBe(201);
    expect(given.body).toMatchObject({ ownerId: 'u-alice', assigneeId: 'u-bob', done: false });
    taskId = given.body.id;
    const own = await api('POST /activities', {
      as: users.alice,
      body: { type: 'task', subject: 'Chase legal', dealId, dueAt: '2030-02-01T09:00:00Z' },
    });
    expect(own.body.assigneeId).toBe('u-alice');
  });

  it('refuses a task without a due time, an assignee on a call, an unknown assignee; writes nothing', async () => {
    const before = await itemCount(table);
    const undated = await api('POST /activities', {
      as: users.alice,
      body: { type: 'task', subject: 'x', dealId },
    });
    expect(undated.status).toBe(422);
    expect(undated.body.errors).toEqual([
      { path: 'dueAt', message: 'an open task needs a due time (dueAt), so it can be followed up' },
    ]);
    const call = await api('POST /activities', {
      as: users.alice,
      body: { type: 'call', subject: 'x', dealId, assigneeId: 'u-bob' },
    });
    expect(call.status).toBe(422);
    expect(call.body.errors).toEqual([
      { path: 'assigneeId', message: 'only a task is assigned (type: task)' },
    ]);
    const ghost = await api('POST /activities', {
      as: users.alice,
      body: { type: 'task', subject: 'x', dealId, dueAt: '2030-01-03T17:00:00Z', assigneeId: 'u-ghost' },
    });
    expect(ghost.status).toBe(422);
    expect(ghost.body.errors[0]).toMatchObject({ path: 'assigneeId' });
    expect(await itemCount(table)).toBe(before);
  });
});

describe('a person’s tasks', () => {
  it('listed by assignee, open or done, due before an instant', async () => {
    const open = await api('GET /activities', {
      as: users.bob,
      query: { assigneeId: 'u-bob', done: 'false' },
    });
    expect(open.status).toBe(200);
    expect(open.body.items.map((a: { id: string }) => a.id)).toEqual([taskId]);
    const soon = await api('GET /activities', {
      query: { assigneeId: 'u-alice', done: 'false', dueBefore: '2030-01-15T00:00:00Z' },
    });
    expect(soon.body.items).toEqual([]);
    const later = await api('GET /activities', {
      query: { assigneeId: 'u-alice', dueBefore: '2030-03-01T00:00:00Z' },
    });
    expect(later.body.items.map((a: { subject: string }) => a.subject)).toEqual(['Chase legal']);
    const alone = await api('GET /activities', { query: { done: 'false' } });
    expect(alone.status).toBe(400);
    expect(alone.body.errors).toEqual([{ path: 'done', message: 'needs assigneeId' }]);
  });

  it('is flagged once when late, in the assignee’s follow-ups and digest', async () => {
    const first = await sweep('2030-01-04T09:00:00Z');
    expect(first.flagged.tasks).toBe(1);
    expect((await sweep('2030-01-04T09:05:00Z')).flagged.tasks).toBe(0);
    const [flag] = await eventsOf(table, 'ActivityOverdue');
    expect(flag!.detail.data).toMatchObject({
      activityId: taskId,
      assigneeId: 'u-bob',
      dealId,
      minutesLate: 960,
    });

    const mine = await api('GET /followups', { as: users.bob, at: '2030-01-04T09:00:00Z' });
    expect(mine.body.items).toEqual([
      expect.objectContaining({
        kind: 'overdue-activity',
        activityId: taskId,
        ownerId: 'u-bob',
        subject: 'Prepare the quote',
      }),
    ]);
    const digests = await runDailyDigest(table.services, '2030-01-04T07:00:00Z', {
      digestHour: 7,
      graceMinutes: 15,
    });
    const bobs = digests.digests.find((d) => d.userId === 'u-bob')!;
    expect(bobs.overdueActivities).toEqual([
      {
        activityId: taskId,
        subject: 'Prepare the quote',
        dealId,
        dueAt: '2030-01-03T17:00:00.000Z',
        minutesLate: 840,
      },
    ]);
    expect(renderDigest(bobs, 'https://app.example').text).toContain('Prepare the quote');
  });

  it('done by its assignee leaves the lists and the sweep; undone comes back', async () => {
    const done = await api('PATCH /activities/{id}', {
      as: users.bob,
      params: { id: taskId },
      body: { done: true },
    });
    expect(done.status).toBe(200);
    expect(
      (await api('GET /activities', { query: { assigneeId: 'u-bob', done: 'false' } })).body.items,
    ).toEqual([]);
    expect(
      (await api('GET /activities', { query: { assigneeId: 'u-bob', done: 'true' } })).body.items.map(
        (a: { id: string }) => a.id,
      ),
    ).toEqual([taskId]);
    expect((await api('GET /followups', { as: users.bob, at: '2030-01-05T09:00:00Z' })).body.items).toEqual(
      [],
    );
    const undone = await api('PATCH /activities/{id}', {
      as: users.bob,
      params: { id: taskId },
      body: { done: false },
    });
    expect(undone.body).toMatchObject({ done: false });
    expect(undone.body.doneAt).toBeUndefined();
    expect(
      (await api('GET /followups', { as: users.bob, at: '2030-01-05T09:00:00Z' })).body.items,
    ).toHaveLength(1);
  });

  it('reassigned to an active user only', async () => {
    const ghost = await api('PATCH /activities/{id}', {
      as: users.alice,
      params: { id: taskId },
      body: { assigneeId: 'u-ghost' },
    });
    expect(ghost.status).toBe(422);
    const back = await api('PATCH /activities/{id}', {
      as: users.alice,
      params: { id: taskId },
      body: { assigneeId: 'u-alice' },
    });
    expect(back.body.assigneeId).toBe('u-alice');
  });
});

describe('deleting an activity', () => {
  it('by its author, its assignee or a manager; it leaves the timelines', async () => {
    const note = await api('POST /activities', {
      as: users.alice,
      body: {
        type: 'task',
        subject: 'To remove',
        dealId,
        dueAt: '2031-01-01T09:00:00Z',
        assigneeId: 'u-bob',
      },
    });
    // someone else's task on someone else's deal: not theirs to delete
    const stranger = { sub: 'u-carl', groups: ['sales'], email: 'carl@example.com' };
    const refused = await api('DELETE /activities/{id}', { as: stranger, params: { id: note.body.id } });
    expect(refused.status).toBe(403);
    const removed = await api('DELETE /activities/{id}', { as: users.bob, params: { id: note.body.id } });
    expect(removed.status).toBe(204);
    expect((await api('GET /activities/{id}', { params: { id: note.body.id } })).status).toBe(404);
    const timeline = await api('GET /deals/{id}/timeline', { params: { id: dealId } });
    expect(timeline.body.items.map((e: { activity?: { id: string } }) => e.activity?.id)).not.toContain(
      note.body.id,
    );
    const [deleted] = await eventsOf(table, 'ActivityDeleted');
    expect(deleted!.detail.data.activityId).toBe(note.body.id);
  });
});
