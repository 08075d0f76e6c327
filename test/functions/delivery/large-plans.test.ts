import { beforeAll, describe, expect, it } from 'vitest';
import { planNewProject } from '../../../domain/delivery/project.commands.js';
import { NewTemplate, type Template } from '../../../domain/delivery/template.js';
import { planTaskId } from '../../../domain/shared/ids.js';
import { finishReschedule } from '../../../functions/delivery/use-cases/reschedule-project.js';
import { contextFor } from '../../../functions/lib/bus/incoming-event.js';
import { ProjectRepository } from '../../../functions/lib/table/entities/project.js';
import { Store } from '../../../functions/lib/table/store.js';
import { context } from '../../domain/support.js';
import { users } from '../../support/api.js';
import { crmApi, deliveryApi, eventsOf } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// Plans bigger than one transaction (100 items): created in idempotent chunks under a
// creation marker, and rescheduled by a cascade that is safe to repeat.

let table: TestTable;
let api: ReturnType<typeof deliveryApi>;
const lead = { sub: 'u-lead', groups: ['delivery'] };

const chain = (n: number) => ({
  name: `Chain of ${n}`,
  tasks: Array.from({ length: n }, (_, i) => ({ key: `t${i}`, title: `Step ${i}`, durationDays: 1 })),
  dependencies: Array.from({ length: n - 1 }, (_, i) => ({ predecessor: `t${i}`, successor: `t${i + 1}` })),
});

beforeAll(async () => {
  table = await testTable();
  api = deliveryApi(table);
  await crmApi(table)('GET /pipelines', { as: lead });
});

describe('a 120-task plan', () => {
  let projectId: string;

  it('is created in chunks and appears complete, with one ProjectCreated', async () => {
    const t = await api('POST /templates', { as: lead, body: chain(120) });
    const res = await api('POST /projects', {
      as: lead,
      body: { name: 'Big', templateId: t.body.id, kickoffDate: '2030-01-07' },
    });
    expect(res.status).toBe(201);
    projectId = res.body.id;
    const loaded = await api('GET /projects/{id}', { params: { id: projectId } });
    expect(loaded.body.tasks).toHaveLength(120);
    expect(loaded.body.schedule.projectedFinish).toBe('2030-06-21');
    expect(
      (await eventsOf(table, 'ProjectCreated')).filter((e) => e.detail.data.project.id === projectId),
    ).toHaveLength(1);
  });

  it('a slip that moves more than one transaction holds is finished by the cascade, which is safe to repeat', async () => {
    const first = (await api('GET /projects/{id}', { params: { id: projectId } })).body.tasks.find(
      (t: { key: string }) => t.key === 't0',
    );
    const slipped = await api('PATCH /tasks/{id}', {
      params: { id: first.id },
      as: lead,
      body: { startDate: '2030-01-14' },
    });
    expect(slipped.status).toBe(200);
    expect(slipped.body).toMatchObject({ startDate: '2030-01-14', rescheduling: 'in-progress' });
    const requests = await eventsOf(table, 'ProjectRescheduleRequested');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.detail.data).toEqual({
      projectId,
      cause: { kind: 'task-changed', taskId: first.id },
    });

    const ctx = contextFor(requests[0]!.detail, '2026-11-22T12:00:00.000Z', 'reschedule-cascade');
    expect(await finishReschedule(table.services.projects, requests[0]!.detail.data, ctx)).toBe(119);
    expect(await finishReschedule(table.services.projects, requests[0]!.detail.data, ctx)).toBe(0);

    const after = (await api('GET /projects/{id}', { params: { id: projectId } })).body;
    const last = after.tasks.find((t: { key: string }) => t.key === 't119');
    expect(last.startDate).toBe('2030-06-28');
    expect(after.schedule.projectedFinish).toBe('2030-06-28');
    const moves = (await eventsOf(table, 'TaskRescheduled')).filter(
      (e) => e.detail.data.projectId === projectId,
    );
    expect(moves).toHaveLength(120);
    expect(new Set(moves.map((e) => e.detail.data.taskId)).size).toBe(120);
  });
});

describe('a crash between the chunks of a plan', () => {
  it('is finished by writing the same plan again: one complete project, never two', async () => {
    const template: Template = {
      ...NewTemplate.parse(chain(150)),
      id: 'tpl_crash',
      isDefault: false,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      version: 1,
    };
    const projectId = 'prj_CRASHTEST';
    const { project, tasks, events } = planNewProject(
      {
        projectId,
        name: 'Crash',
        kickoffDate: '2030-01-07',
        ownerId: users.admin.sub,
        customer: {},
        template,
        taskId: (k) => planTaskId(projectId, k),
      },
      context(),
    );
    for (const crashAfter of [1, 2, 3]) {
      // A store whose process "dies" after `crashAfter` transactions (the fault a Lambda timeout or crash causes).
      class CrashingStore extends Store {
        calls = 0;
        override async transact(writes: Parameters<Store['transact']>[0]) {
          if (++this.calls > crashAfter) throw new Error('injected crash');
          return super.transact(writes);
        }
      }
      const crashing = new ProjectRepository(new CrashingStore(table.client, table.tableName));
      await expect(crashing.create(project, tasks, events, `creation-${projectId}`)).rejects.toThrow(
        'injected crash',
      );
      await expect(table.services.projects.load(projectId)).rejects.toThrow(/does not exist/);
    }
    expect(await table.services.projects.create(project, tasks, events, `creation-${projectId}`)).toBe(
      'created',
    );
    expect(await table.services.projects.create(project, tasks, events, `creation-${projectId}`)).toBe(
      'exists',
    );
    const loaded = await table.services.projects.load(projectId);
    expect(loaded.tasks).toHaveLength(150);
    expect(
      (await eventsOf(table, 'ProjectCreated')).filter((e) => e.detail.data.project.id === projectId),
    ).toHaveLength(1);
  });
});
