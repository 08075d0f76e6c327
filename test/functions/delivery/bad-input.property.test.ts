import { beforeAll } from 'vitest';
import { deliveryRoutes } from '../../../functions/delivery/routes/index.js';
import { users } from '../../support/api.js';
import { describeBadInput } from '../../support/bad-input.js';
import { crmApi, deliveryApi } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// The bad-input property over every delivery route (see test/support/bad-input.ts).

let table: TestTable;
let api: ReturnType<typeof deliveryApi>;
const ids: Record<string, string> = {};
const VALID: Record<string, Record<string, unknown>> = {};

beforeAll(async () => {
  table = await testTable();
  api = deliveryApi(table);
  await crmApi(table)('GET /pipelines', { as: users.admin });
  const template = (
    await api('POST /templates', {
      body: {
        name: 'T',
        tasks: [
          { key: 'a', title: 'A', durationDays: 2 },
          { key: 'b', title: 'B', durationDays: 1, approval: { approverRole: 'manager' } },
        ],
        dependencies: [{ predecessor: 'a', successor: 'b' }],
      },
    })
  ).body;
  const project = (
    await api('POST /projects', {
      body: { name: 'P', templateId: template.id, kickoffDate: '2030-01-07', budget: { hours: 10 } },
    })
  ).body;
  const [a, b] = project.tasks as { id: string }[];
  Object.assign(ids, { template: template.id, project: project.id, task: a!.id, other: b!.id });
  Object.assign(VALID, {
    'POST /templates': { name: 'V', tasks: [{ key: 'x', title: 'X', durationDays: 1 }] },
    'PATCH /templates/{id}': { name: 'V2' },
    'POST /projects': { name: 'V', kickoffDate: '2030-02-04' },
    'PATCH /projects/{id}': { name: 'P2' },
    'POST /projects/{id}/tasks': { title: 'New', durationDays: 1 },
    'PATCH /tasks/{id}': { title: 'Renamed', startDate: '2030-01-09' },
    'POST /tasks/{id}/dependencies': { predecessorId: b!.id, type: 'SS', lagDays: 1 },
    'POST /tasks/{id}/approval': { decision: 'approved' },
    'POST /tasks/{id}/time-entries': { date: '2026-01-05', minutes: 15 },
    'POST /tasks/{id}/comments': { body: 'hello' },
  });
});

function paramsFor(routeKey: string): Record<string, string> {
  if (routeKey.includes('{predecessorId}')) return { id: ids.other!, predecessorId: ids.task! };
  if (!routeKey.includes('{id}')) return {};
  if (routeKey.startsWith('GET /deals/')) return { id: 'deal_01NOPROJECT' };
  if (routeKey.includes('/templates/')) return { id: ids.template! };
  if (routeKey.includes('/projects/')) return { id: ids.project! };
  if (routeKey.includes('/approval')) return { id: ids.other! };
  return { id: ids.task! };
}

describeBadInput({
  table: () => table,
  api: () => api,
  routeKeys: Object.keys(deliveryRoutes(undefined as never)),
  valid: () => VALID,
  params: paramsFor,
  queryKeys: ['status', 'ownerId', 'companyId', 'assigneeId'],
  idPattern: /^(tpl|prj|task|deal)_[0-9A-Z]{1,30}$/,
});
