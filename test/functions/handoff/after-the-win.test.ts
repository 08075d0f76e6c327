import { beforeAll, describe, expect, it } from 'vitest';
import { projectIdForDeal } from '../../../domain/shared/ids.js';
import { handOff } from '../../../functions/handoff/use-cases/create-project-from-win.js';
import { stopProjectOnLoss } from '../../../functions/handoff/use-cases/stop-project-on-loss.js';
import { users } from '../../support/api.js';
import { crmApi, deliveryApi, eventsOf } from '../../support/crm.js';
import { asDelivered, dealReadyToWin, handoffFacts } from '../../support/handoff.js';
import { type TestTable, testTable } from '../../support/table.js';

// After the win, on DynamoDB Local, through the handoff function's own logic: a deal won again
// moves its project to the new kickoff and promise (or keeps the plan, when the win says so), a
// won deal reopened and lost stops its project (on hold, or cancelled by a manager), and a later
// win resumes it. Events arrive in any order: each handler trusts only the deal as stored.
// Dates on the default template (Mon-Fri): 27 business days from kickoff to handover.

let table: TestTable;
const log = () => undefined;
const dana = users.dana;

beforeAll(async () => {
  table = await testTable();
  await crmApi(table)('GET /pipelines', { as: dana });
});

async function delivered(detailType: 'DealClosedWon' | 'DealClosedLost', dealId: string) {
  const events = (await eventsOf(table, detailType)).filter((e) =>
    e.detailType === 'DealClosedWon'
      ? (e.detail.data as { deal: { id: string } }).deal.id === dealId
      : (e.detail.data as { dealId: string }).dealId === dealId,
  );
  return asDelivered(events.at(-1)!);
}

async function wonProject() {
  const { api, deal, contact } = await dealReadyToWin(table);
  const won = await api('POST /deals/{id}/won', {
    as: users.alice,
    params: { id: deal.id },
    body: { handoff: handoffFacts(contact.id) },
  });
  expect(won.status).toBe(200);
  expect(await handOff(table.services, await delivered('DealClosedWon', deal.id), log)).toBe('created');
  const reopen = () =>
    api('POST /deals/{id}/reopen', {
      as: users.alice,
      params: { id: deal.id },
      body: { nextAction: { summary: 'Talk again', dueAt: '2030-01-20T09:00:00Z' } },
    });
  const winAgain = async (facts: Record<string, unknown>) => {
    const res = await api('POST /deals/{id}/won', {
      as: users.alice,
      params: { id: deal.id },
      body: { handoff: handoffFacts(contact.id, facts) },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return handOff(table.services, await delivered('DealClosedWon', deal.id), log);
  };
  return { api, deal, contact, projectId: projectIdForDeal(deal.id), reopen, winAgain };
}

const project = (id: string) => table.services.projects.load(id);

describe('a deal won again', () => {
  it('moves the project to the new kickoff and promise, re-plans it, and tells both owners it is at risk', async () => {
    const { projectId, reopen, winAgain } = await wonProject();
    expect((await project(projectId)).project.schedule).toMatchObject({ atRisk: false });
    await reopen();
    // kickoff Mon 2030-04-01: handover 27 business days on, Tue 05-07; promised Tue 04-30
    expect(await winAgain({ kickoffDate: '2030-04-01', promisedTimeline: { dueDate: '2030-04-30' } })).toBe(
      'updated',
    );
    const after = await project(projectId);
    expect(after.project).toMatchObject({
      kickoffDate: '2030-04-01',
      promisedDueDate: '2030-04-30',
      schedule: { atRisk: true, projectedFinish: '2030-05-07', shortfallDays: 5 },
    });
    expect(after.tasks.find((t) => t.key === 'kickoff')!.startDate).toBe('2030-04-01');
    expect(after.project.handoffs.map((h) => h.kickoffDate)).toEqual(['2030-02-04', '2030-04-01']);
    const risk = (await eventsOf(table, 'ProjectAtRisk')).filter(
      (e) => e.detail.data.projectId === projectId,
    );
    expect(risk.map((e) => e.detail.data)).toMatchObject([
      {
        dealOwnerId: users.alice.sub,
        projectOwnerId: users.alice.sub,
        shortfallDays: 5,
        cause: 'the deal was won again with a new handoff',
      },
    ]);
    const moved = (await eventsOf(table, 'TaskRescheduled')).filter(
      (e) => e.detail.data.projectId === projectId && e.detail.data.cause.kind === 'deal-won-again',
    );
    expect(moved).toHaveLength(after.tasks.length);
    const followups = await crmApi(table)('GET /followups', {
      as: users.alice,
      query: { kind: 'project-at-risk' },
    });
    expect(followups.body.items).toMatchObject([{ projectId, role: 'project-owner', shortfallDays: 5 }]);
  });

  it('with replan: false keeps the plan and its kickoff, and takes the new promise (back on track)', async () => {
    const { projectId, reopen, winAgain } = await wonProject();
    await reopen();
    await winAgain({ kickoffDate: '2030-04-01', promisedTimeline: { dueDate: '2030-04-30' } });
    await reopen();
    expect(
      await winAgain({
        kickoffDate: '2030-05-06',
        promisedTimeline: { dueDate: '2030-06-28' },
        replan: false,
      }),
    ).toBe('updated');
    const after = await project(projectId);
    expect(after.project).toMatchObject({
      kickoffDate: '2030-04-01',
      promisedDueDate: '2030-06-28',
      schedule: { atRisk: false, projectedFinish: '2030-05-07' },
    });
    expect(after.project.notes.at(-1)!.text).toContain('keeps its kickoff 2030-04-01');
    const back = (await eventsOf(table, 'ProjectBackOnTrack')).filter(
      (e) => e.detail.data.projectId === projectId,
    );
    expect(back).toHaveLength(1);
  });
});

describe('a won deal reopened and lost', () => {
  it('puts its project on hold (its tasks leave the follow-ups); won again, it resumes', async () => {
    const { api, deal, projectId, reopen, winAgain } = await wonProject();
    const { tasks } = await project(projectId);
    const discovery = tasks.find((t) => t.key === 'discovery')!;
    const assigned = await deliveryApi(table)('PATCH /tasks/{id}', {
      params: { id: discovery.id },
      as: dana,
      body: { assigneeId: dana.sub },
    });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    const lateTasks = async () =>
      (
        await crmApi(table)('GET /followups', {
          as: dana,
          at: '2030-03-01T09:00:00Z',
          query: { kind: 'overdue-task' },
        })
      ).body.items as { taskId: string }[];
    expect((await lateTasks()).map((f) => f.taskId)).toContain(discovery.id);

    await reopen();
    const lost = await api('POST /deals/{id}/lost', {
      as: users.alice,
      params: { id: deal.id },
      body: { reason: 'budget cut' },
    });
    expect(lost.status, JSON.stringify(lost.body)).toBe(200);
    const loss = await delivered('DealClosedLost', deal.id);
    expect(loss.detail).toMatchObject({ data: { projectId, projectAction: 'on_hold' } });
    expect(await stopProjectOnLoss(table.services, loss, log)).toBe('stopped');
    expect(await stopProjectOnLoss(table.services, loss, log)).toBe('ignored');
    expect((await project(projectId)).project).toMatchObject({ status: 'on_hold', heldFrom: 'planned' });
    const changes = (await eventsOf(table, 'ProjectStatusChanged')).filter(
      (e) => e.detail.data.projectId === projectId,
    );
    expect(changes.map((e) => [e.detail.data.from, e.detail.data.to])).toEqual([['planned', 'on_hold']]);
    expect((await lateTasks()).map((f) => f.taskId)).not.toContain(discovery.id);

    await reopen();
    expect(await winAgain({})).toBe('updated');
    expect((await project(projectId)).project.status).toBe('planned');
    expect((await project(projectId)).project.heldFrom).toBeUndefined();
    // the loss delivered late, after the new win: the deal is not lost now, nothing changes
    expect(await stopProjectOnLoss(table.services, loss, log)).toBe('ignored');
    expect((await project(projectId)).project.status).toBe('planned');
    expect((await lateTasks()).map((f) => f.taskId)).toContain(discovery.id);
  });

  it('cancels the project when a manager chooses so (not a sales rep); won again, it is planned again', async () => {
    const { api, deal, projectId, reopen, winAgain } = await wonProject();
    await reopen();
    const bySales = await api('POST /deals/{id}/lost', {
      as: users.alice,
      params: { id: deal.id },
      body: { reason: 'budget cut', project: 'cancelled' },
    });
    expect(bySales.status).toBe(403);
    const byManager = await api('POST /deals/{id}/lost', {
      as: users.manager,
      params: { id: deal.id },
      body: { reason: 'budget cut', project: 'cancelled' },
    });
    expect(byManager.status, JSON.stringify(byManager.body)).toBe(200);
    expect(await stopProjectOnLoss(table.services, await delivered('DealClosedLost', deal.id), log)).toBe(
      'stopped',
    );
    expect((await project(projectId)).project.status).toBe('cancelled');
    await reopen();
    await winAgain({});
    const after = (await project(projectId)).project;
    expect(after.status).toBe('planned');
    expect(after.notes.map((n) => n.text).join('\n')).toContain('the cancelled project is planned again');
  });
});
