import { crmRoutes } from '../functions/crm/routes/index.js';
import { deliveryRoutes } from '../functions/delivery/routes/index.js';
import { httpApi } from '../functions/lib/http/http-handler.js';
import { apiClient } from '../test/support/api.js';
import { benchTable } from './support.js';

// Round trips of the delivery routes that matter most: reading a whole project (goal: one
// Query), and the reschedule cascade (a slip that moves every task after it).

export async function deliveryRoundTrips(): Promise<string> {
  const t = await benchTable();
  try {
    const api = apiClient(httpApi(deliveryRoutes(t.services), () => t.services));
    await apiClient(httpApi(crmRoutes(t.services), () => t.services))('GET /pipelines');
    const rows: string[] = [];
    const measure = async (label: string, call: () => Promise<{ status: number; body: any }>, note = '') => {
      t.calls.length = 0;
      const res = await call();
      if (res.status >= 400) throw new Error(`${label}: ${res.status} ${JSON.stringify(res.body)}`);
      const counts = new Map<string, number>();
      for (const c of t.calls) counts.set(c, (counts.get(c) ?? 0) + 1);
      rows.push(
        `| ${label} | ${t.calls.length} (${[...counts].map(([k, v]) => `${v}× ${k}`).join(', ')}) | ${note} |`,
      );
      return res;
    };
    const chain = (n: number) => ({
      name: `Chain ${n}`,
      tasks: Array.from({ length: n }, (_, i) => ({ key: `t${i}`, title: `Step ${i}`, durationDays: 1 })),
      dependencies: Array.from({ length: n - 1 }, (_, i) => ({
        predecessor: `t${i}`,
        successor: `t${i + 1}`,
      })),
    });
    await api('GET /templates');
    const small = (await api('POST /templates', { body: chain(30) })).body;
    const big = (await api('POST /templates', { body: chain(200) })).body;
    const p30 = (
      await measure(
        'POST /projects (30 tasks)',
        () =>
          api('POST /projects', { body: { name: 'P30', templateId: small.id, kickoffDate: '2030-01-07' } }),
        'reads the template; project, tasks and events in one transaction',
      )
    ).body;
    const p200 = (
      await measure(
        'POST /projects (200 tasks)',
        () =>
          api('POST /projects', { body: { name: 'P200', templateId: big.id, kickoffDate: '2030-01-07' } }),
        'pending marker, 2 chunks of tasks, completion with events',
      )
    ).body;
    await measure(
      'GET /projects/{id} (30 tasks)',
      () => api('GET /projects/{id}', { params: { id: p30.id } }),
      'project and tasks share a partition: one Query',
    );
    await measure(
      'GET /projects/{id} (200 tasks)',
      () => api('GET /projects/{id}', { params: { id: p200.id } }),
      'one Query (one page: 200 tasks are under 1 MB)',
    );
    await measure(
      'GET /projects/{id}/board (30 tasks)',
      () => api('GET /projects/{id}/board', { params: { id: p30.id } }),
      'the same Query, grouped by status',
    );
    await measure('GET /projects/{id}/schedule (200 tasks)', () =>
      api('GET /projects/{id}/schedule', { params: { id: p200.id } }),
    );
    await measure(
      'GET /tasks/{id}',
      () => api('GET /tasks/{id}', { params: { id: p30.tasks[5].id } }),
      'the task locator in gsi1 carries the task',
    );
    await measure(
      'PATCH /tasks/{id}: slip moving 29 tasks',
      () => api('PATCH /tasks/{id}', { params: { id: p30.tasks[0].id }, body: { startDate: '2030-01-14' } }),
      'locate, load, one transaction: 30 tasks + 30 events + project',
    );
    await measure(
      'PATCH /tasks/{id}: slip moving 199 tasks',
      () => api('PATCH /tasks/{id}', { params: { id: p200.tasks[0].id }, body: { startDate: '2030-01-14' } }),
      'the change and a ProjectRescheduleRequested; the cascade writes the rest',
    );
    const { finishReschedule } = await import('../functions/delivery/use-cases/reschedule-project.js');
    const { context } = await import('../test/domain/support.js');
    await measure(
      'the reschedule cascade for those 199',
      async () => {
        const moved = await finishReschedule(
          t.services.projects,
          { projectId: p200.id, cause: { kind: 'task-changed', taskId: p200.tasks[0].id } },
          context(),
        );
        return { status: 200, body: moved };
      },
      'one Query, then 199 moves and their events in transactions of 49',
    );
    await measure(
      'POST /tasks/{id}/time-entries',
      () =>
        api('POST /tasks/{id}/time-entries', {
          params: { id: p30.tasks[1].id },
          body: { date: '2026-01-05', minutes: 30 },
        }),
      'locate, project, one transaction: entry, day counter, project totals, event',
    );
    const entry = (
      await api('POST /tasks/{id}/time-entries', {
        params: { id: p30.tasks[2].id },
        body: { date: '2026-01-06', minutes: 1_200 },
      })
    ).body;
    await measure(
      'PATCH /time-entries/{id}',
      () => api('PATCH /time-entries/{id}', { params: { id: entry.id }, body: { minutes: 120 } }),
      'the entry by its locator (gsi1), the project; one transaction: entry, day counter, totals, event',
    );
    await measure(
      'DELETE /time-entries/{id}',
      () => api('DELETE /time-entries/{id}', { params: { id: entry.id } }),
      'the same reads; the entry deleted, the counter and totals reduced',
    );
    await measure(
      'POST /tasks/{id}/cancel (moving 28 tasks up)',
      () =>
        api('POST /tasks/{id}/cancel', { params: { id: p30.tasks[1].id }, body: { reason: 'not needed' } }),
      'locate, load, one transaction: the task, the moved tasks and their events, the project',
    );
    await measure(
      'PATCH /projects/{id} {kickoffDate} (30 tasks move)',
      () => api('PATCH /projects/{id}', { params: { id: p30.id }, body: { kickoffDate: '2030-02-04' } }),
      'one Query of the project; one transaction: the project, every moved task and its event',
    );
    await measure(
      'PATCH /projects/{id} {promisedDueDate} (now at risk)',
      () => api('PATCH /projects/{id}', { params: { id: p30.id }, body: { promisedDueDate: '2030-02-08' } }),
      'the same; ProjectAtRisk in that transaction (no task moves)',
    );
    await measure(
      'PATCH /projects/{id} {status: on_hold}',
      () => api('PATCH /projects/{id}', { params: { id: p30.id }, body: { status: 'on_hold' } }),
      'the project leaves the at-risk partition in the same write',
    );
    return `## Round trips per delivery route\n\n| route | DynamoDB round trips | why |\n| --- | --- | --- |\n${rows.join('\n')}`;
  } finally {
    await t.close();
  }
}
