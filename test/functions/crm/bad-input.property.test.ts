import { beforeAll, describe, expect, it } from 'vitest';
import { crmRoutes } from '../../../functions/crm/routes/index.js';
import { users } from '../../support/api.js';
import { describeBadInput } from '../../support/bad-input.js';
import { crmApi, itemCount } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// Property: over every CRM route, no generated input yields a 5xx, and every refusal is an
// RFC 9457 problem document that wrote nothing. Inputs are random JSON, malformed text,
// valid bodies with one field broken, unknown fields, random ids, queries, headers and roles.

let table: TestTable;
let api: ReturnType<typeof crmApi>;
const ids: Record<string, string> = {};

const VALID: Record<string, Record<string, unknown>> = {};

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
  const company = (await api('POST /companies', { body: { name: 'Seed Co' } })).body;
  const contact = (await api('POST /contacts', { body: { firstName: 'Seed', emails: ['seed@x.example'] } }))
    .body;
  const deal = (
    await api('POST /deals', {
      body: {
        title: 'Seed deal',
        value: { amount: 10, currency: 'EUR' },
        ownerId: users.admin.sub,
        nextAction: { summary: 'x', dueAt: '2031-01-01T00:00:00Z' },
      },
    })
  ).body;
  const activity = (
    await api('POST /activities', { body: { type: 'note', subject: 'seed', contactId: contact.id } })
  ).body;
  Object.assign(ids, {
    company: company.id,
    contact: contact.id,
    deal: deal.id,
    activity: activity.id,
    pipeline: 'pl_default',
  });
  Object.assign(VALID, {
    'POST /companies': { name: 'Valid Co', tags: ['a'] },
    'PATCH /companies/{id}': { phone: '+1 555 0100' },
    'POST /contacts': { firstName: 'Val', emails: ['v@x.example'] },
    'PATCH /contacts/{id}': { title: 'CEO' },
    'POST /pipelines': { name: 'P', stages: [{ name: 'S', probability: 10 }] },
    'PATCH /pipelines/{id}': { name: 'Renamed' },
    'POST /deals': {
      title: 'T',
      value: { amount: 1, currency: 'EUR' },
      ownerId: users.admin.sub,
      nextAction: { summary: 's', dueAt: '2031-01-01T00:00:00Z' },
    },
    'PATCH /deals/{id}': { title: 'T2' },
    'POST /deals/{id}/move': { stageId: 'st_qualified' },
    'PUT /deals/{id}/next-action': { summary: 'n', dueAt: '2031-01-02T00:00:00Z' },
    'POST /deals/{id}/won': {
      handoff: {
        scopeSummary: 's',
        promisedTimeline: { dueDate: '2031-03-01' },
        keyConstraints: ['c'],
        mainStakeholderContactId: contact.id,
        kickoffDate: '2031-02-01',
      },
    },
    'POST /deals/{id}/lost': { reason: 'r' },
    'POST /activities': { type: 'call', subject: 'c', contactId: contact.id },
    'PATCH /activities/{id}': { subject: 'changed' },
  });
});

const routeKeys = Object.keys(crmRoutes(undefined as never));

const idFor = (routeKey: string) =>
  routeKey.startsWith('GET /companies') || routeKey.includes('/companies/')
    ? 'company'
    : routeKey.includes('/contacts/')
      ? 'contact'
      : routeKey.includes('/pipelines/')
        ? 'pipeline'
        : routeKey.includes('/deals/')
          ? 'deal'
          : 'activity';

describeBadInput({
  table: () => table,
  api: () => api,
  routeKeys,
  valid: () => VALID,
  params: (routeKey): Record<string, string> =>
    routeKey.includes('{id}') ? { id: ids[idFor(routeKey)]! } : {},
  queryKeys: ['q', 'tag', 'email', 'status', 'ownerId', 'pipelineId', 'detach'],
  idPattern: /^(co|ct|pl|deal|act)_[0-9A-Z]{1,30}$/,
});

describe('protocol edges', () => {
  it('a body over 256 KB is a 413; text/plain is a 415; malformed JSON a 400; nothing written', async () => {
    const before = await itemCount(table);
    const big = await api('POST /companies', { rawBody: JSON.stringify({ name: 'x'.repeat(300 * 1024) }) });
    expect(big.status).toBe(413);
    const plain = await api('POST /companies', {
      rawBody: 'name=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(plain.status).toBe(415);
    const broken = await api('POST /companies', { rawBody: '{"name": "x"' });
    expect(broken.status).toBe(400);
    expect(broken.body.detail).toMatch(/not valid JSON/);
    const unknownField = await api('POST /companies', { body: { name: 'x', colour: 'red' } });
    expect(unknownField.status).toBe(422);
    expect(unknownField.body.errors).toEqual([{ path: '', message: 'unknown field(s): colour' }]);
    const unknownQuery = await api('GET /companies', { query: { colour: 'red' } });
    expect(unknownQuery.status).toBe(400);
    const malformedId = await api('GET /deals/{id}', { params: { id: 'ct_123' } });
    expect(malformedId.status).toBe(400);
    expect(malformedId.body.errors[0]).toEqual({ path: 'id', message: 'must be a deal id (deal_…)' });
    expect(await itemCount(table)).toBe(before);
  });

  it('a route that does not exist is a 404 problem', async () => {
    const res = await api('GET /nowhere');
    expect(res.status).toBe(404);
    expect(res.body.type).toBe('/problems/route-not-found');
  });
});
