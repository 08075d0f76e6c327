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
    return `## Round trips per delivery route\n\n| route | DynamoDB round trips | why |\n| --- | --- | --- |\n${rows.join('\n')}`;
  } finally {
    await t.close();
  }
}
