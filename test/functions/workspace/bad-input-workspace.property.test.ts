import { afterAll, beforeAll } from 'vitest';
import { duplicateRoutes } from '../../../functions/crm/routes/duplicates.js';
import { segmentRoutes } from '../../../functions/crm/routes/segments.js';
import { reportRoutes } from '../../../functions/reports/routes/reports.js';
import { transferRoutes } from '../../../functions/transfer/routes/transfers.js';
import { customFieldRoutes } from '../../../functions/workspace/routes/custom-fields.js';
import { dealReasonRoutes } from '../../../functions/workspace/routes/deal-reasons.js';
import { leadRoutingRoutes } from '../../../functions/workspace/routes/lead-routing.js';
import { userRoutes } from '../../../functions/workspace/routes/users.js';
import type { CallOptions } from '../../support/api.js';
import { users } from '../../support/api.js';
import { describeBadInput } from '../../support/bad-input.js';
import { crmApi, reportsApi } from '../../support/crm.js';
import { type TestFiles, testFiles } from '../../support/files.js';
import { type TestTable, testTable } from '../../support/table.js';

// The bad-input property over the workspace routes (the team, lead routing, custom fields, segments,
// duplicates and merges, imports and exports) and the reports: no generated input is a 5xx, and
// every refusal is a problem document that wrote nothing.

let table: TestTable;
let s3: TestFiles;
let api: ReturnType<typeof crmApi>;
let reports: ReturnType<typeof reportsApi>;
const ids: Record<string, string> = {};
const VALID: Record<string, Record<string, unknown>> = {};

beforeAll(async () => {
  s3 = await testFiles();
  table = await testTable({ files: s3.files });
  api = crmApi(table);
  reports = reportsApi(table);
  for (const as of [users.alice, users.bob]) await api('GET /pipelines', { as });
  ids.contact = (
    await api('POST /contacts', { body: { firstName: 'Ada', emails: ['ada@x.example'] } })
  ).body.id;
  ids.duplicate = (
    await api('POST /contacts', { body: { firstName: 'Ada', emails: ['ada+1@x.example'] } })
  ).body.id;
  ids.company = (await api('POST /companies', { body: { name: 'Acme' } })).body.id;
  ids.otherCompany = (await api('POST /companies', { body: { name: 'ACME Inc' } })).body.id;
  ids.segment = (await api('POST /segments', { body: { name: 'All', entity: 'deal', filter: {} } })).body.id;
  ids.import = (await api('POST /imports', { body: { kind: 'contacts' } })).body.id;
  ids.export = (await api('POST /exports', { body: { kind: 'contacts' } })).body.id;
  await api('POST /custom-fields', { body: { entity: 'deal', key: 'size', label: 'Size', type: 'number' } });
  Object.assign(VALID, {
    'PUT /lead-routing': {
      rules: [
        {
          name: 'Web',
          match: { leadSources: ['web'] },
          assign: { type: 'round-robin', ownerIds: ['u-alice', 'u-bob'] },
        },
      ],
    },
    'POST /custom-fields': {
      entity: 'contact',
      key: 'tier',
      label: 'Tier',
      type: 'select',
      options: ['a', 'b'],
    },
    'PATCH /custom-fields/{entity}/{key}': { label: 'Deal size' },
    'POST /segments': { name: 'Web deals', entity: 'deal', filter: { leadSource: 'web' } },
    'PATCH /segments/{id}': { name: 'Renamed' },
    'POST /contacts/{id}/merge': { duplicateId: ids.duplicate },
    'POST /companies/{id}/merge': { duplicateId: ids.otherCompany },
    'POST /imports': { kind: 'deals', onDuplicate: 'update' },
    'POST /exports': { kind: 'deals', filter: { status: 'open' } },
    'PATCH /users/{id}': { active: true },
    'PUT /deal-reasons': { lost: ['Budget'], won: ['Price'] },
  });
});

afterAll(async () => {
  await s3?.close();
});

const workspace = {
  ...leadRoutingRoutes(undefined as never),
  ...customFieldRoutes(undefined as never),
  ...segmentRoutes(undefined as never),
  ...duplicateRoutes(undefined as never),
  ...transferRoutes(undefined as never),
  ...userRoutes(undefined as never),
  ...dealReasonRoutes(undefined as never),
};

function params(routeKey: string): Record<string, string> {
  if (routeKey.includes('{entity}')) return { entity: 'deal', key: 'size' };
  if (routeKey.includes('/users/')) return { id: 'u-bob' };
  if (!routeKey.includes('{id}')) return {};
  if (routeKey.includes('/segments/')) return { id: ids.segment! };
  if (routeKey.includes('/imports/')) return { id: ids.import! };
  if (routeKey.includes('/exports/')) return { id: ids.export! };
  if (routeKey.includes('/companies/')) return { id: ids.company! };
  return { id: ids.contact! };
}

describeBadInput({
  table: () => table,
  api: () => api,
  routeKeys: Object.keys(workspace),
  valid: () => VALID,
  params,
  queryKeys: ['entity', 'limit', 'cursor', 'active'],
  idPattern: /^(seg|imp|exp|ct|co)_[0-9A-Z]{1,30}$/,
});

describeBadInput({
  table: () => table,
  api: () => (routeKey: string, options?: CallOptions) =>
    reports(routeKey, { as: users.manager, ...options }),
  routeKeys: Object.keys(reportRoutes(undefined as never)),
  valid: () => ({}),
  params: () => ({}),
  queryKeys: ['pipelineId', 'ownerId', 'from', 'to'],
  idPattern: /^pl_[0-9A-Za-z]{1,20}$/,
});
