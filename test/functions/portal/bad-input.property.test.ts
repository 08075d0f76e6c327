import { beforeAll } from 'vitest';
import { portalRoutes } from '../../../functions/portal/routes/portal.js';
import { users } from '../../support/api.js';
import { describeBadInput } from '../../support/bad-input.js';
import { crmApi, deliveryApi, portalApi } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// The bad-input property over the customer's portal routes, each called with a valid portal
// session (see test/support/bad-input.ts): no input yields a 5xx, a refusal writes nothing.
// POST /portal/sessions is left out here: a wrong token is counted against its source by design
// (a write); portal.test.ts fuzzes it, asserting that the count is all it writes.

let table: TestTable;
let call: ReturnType<typeof portalApi>;
let session: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  table = await testTable();
  const team = deliveryApi(table);
  const crm = crmApi(table);
  await crm('GET /pipelines', { as: users.admin });
  const company = (await crm('POST /companies', { body: { name: 'Acme' } })).body;
  const carol = (await crm('POST /contacts', { body: { firstName: 'Carol', companyId: company.id } })).body;
  const project = (
    await team('POST /projects', {
      body: {
        name: 'P',
        kickoffDate: '2030-01-07',
        customer: { companyId: company.id, mainStakeholderContactId: carol.id },
      },
    })
  ).body;
  const approval = (
    await team('POST /projects/{id}/tasks', {
      params: { id: project.id },
      body: { title: 'Sign off', durationDays: 1, approval: { approverContactId: carol.id } },
    })
  ).body;
  const milestone = (
    await team('POST /projects/{id}/tasks', {
      params: { id: project.id },
      body: { title: 'Go-live', durationDays: 0, milestone: true },
    })
  ).body;
  Object.assign(ids, { approval: approval.id, milestone: milestone.id });
  const link = (
    await team('POST /projects/{id}/portal-links', {
      params: { id: project.id },
      body: { contactId: carol.id },
    })
  ).body;
  const portal = portalApi(table);
  session = (
    await portal('POST /portal/sessions', {
      as: null,
      body: { token: link.url.slice(link.url.indexOf('#') + 1) },
    })
  ).body.accessToken;
  call = (routeKey, options = {}) =>
    portal(routeKey, { ...options, headers: { authorization: `Bearer ${session}`, ...options.headers } });
});

describeBadInput({
  table: () => table,
  api: () => call,
  routeKeys: Object.keys(portalRoutes(undefined as never)).filter((k) => k !== 'POST /portal/sessions'),
  valid: () => ({
    'POST /portal/approvals/{taskId}': { decision: 'rejected', comment: 'Not yet' },
    'POST /portal/milestones/{taskId}/comments': { body: 'hello' },
  }),
  params: (routeKey): Record<string, string> =>
    routeKey.includes('{taskId}')
      ? { taskId: routeKey.includes('milestones') ? ids.milestone! : ids.approval! }
      : routeKey.includes('{attachmentId}')
        ? { attachmentId: 'att_01NOTSHARED000000000000000' }
        : {},
  queryKeys: [],
  idPattern: /^(task|att)_[0-9A-Z]{1,30}$/,
});
