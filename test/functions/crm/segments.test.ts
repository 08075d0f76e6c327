import { beforeAll, describe, expect, it } from 'vitest';
import { dealItem, dealPatterns } from '../../../functions/lib/table/entities/deal.js';
import { rebuildReportTotals } from '../../../functions/reports/use-cases/rebuild-report-totals.js';
import { users } from '../../support/api.js';
import { crmApi, eventsOf, itemCount, signIn } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// Segments on DynamoDB Local: saved filters over indexed attributes, run as Queries (never a
// scan), showing records as they are now; filters no index answers are refused with the reason.

let table: TestTable;
let api: ReturnType<typeof crmApi>;
const ids: Record<string, string> = {};

const nextAction = { summary: 'Call', dueAt: '2031-03-01T09:00:00Z' };

async function deal(name: string, extra: Record<string, unknown>) {
  const res = await api('POST /deals', {
    body: {
      title: name,
      value: { amount: 100, currency: 'EUR' },
      nextAction,
      ownerId: users.alice.sub,
      ...extra,
    },
  });
  expect(res.status).toBe(201);
  ids[name] = res.body.id;
}

const names = (items: { id: string }[]) =>
  items.map((i) => Object.entries(ids).find(([, id]) => id === i.id)?.[0] ?? i.id).sort();

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
  await signIn(api, users.alice, users.bob);
  ids.acme = (await api('POST /companies', { body: { name: 'Acme', tags: ['key account'] } })).body.id;
  ids.globex = (await api('POST /companies', { body: { name: 'Globex' } })).body.id;
  for (const [name, companyId, tags] of [
    ['ada', ids.acme, ['vip']],
    ['bea', ids.globex, ['vip']],
    ['cy', ids.acme, []],
  ] as const) {
    ids[name] = (await api('POST /contacts', { body: { firstName: name, companyId, tags } })).body.id;
  }
  await deal('big', { tags: ['enterprise'], leadSource: 'web', companyId: ids.acme });
  await deal('bigger', { tags: ['enterprise', 'q4'], leadSource: 'referral', ownerId: users.bob.sub });
  await deal('small', { leadSource: 'web', contactId: ids.ada });
});

async function segment(body: Record<string, unknown>, as = users.alice) {
  const res = await api('POST /segments', { body, as });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; version: number };
}

const members = async (id: string, query: Record<string, string> = {}) =>
  api('GET /segments/{id}/members', { params: { id }, query, as: users.dana });

describe('segments', () => {
  it('contacts by tag, narrowed by company', async () => {
    const vip = await segment({ name: 'VIPs', entity: 'contact', filter: { tag: 'VIP' } });
    expect(names((await members(vip.id)).body.items)).toEqual(['ada', 'bea']);
    const acmeVip = await segment({
      name: 'Acme VIPs',
      entity: 'contact',
      filter: { tag: 'vip', companyId: ids.acme },
    });
    expect(names((await members(acmeVip.id)).body.items)).toEqual(['ada']);
    const companies = await segment({
      name: 'Key accounts',
      entity: 'company',
      filter: { tag: 'key account' },
    });
    expect(names((await members(companies.id)).body.items)).toEqual(['acme']);
  });

  it('deals by tag, owner, status and lead source, as they are now', async () => {
    const open = await segment({
      name: 'Open enterprise deals of Alice',
      entity: 'deal',
      filter: { tag: 'enterprise', status: 'open', ownerId: users.alice.sub },
    });
    expect(names((await members(open.id)).body.items)).toEqual(['big']);
    const web = await segment({ name: 'Web leads', entity: 'deal', filter: { leadSource: 'web' } });
    expect(names((await members(web.id)).body.items)).toEqual(['big', 'small']);
    // the tag's copies follow the deal: lost, it leaves the "open" segment; re-tagged, it moves
    await api('POST /deals/{id}/lost', { params: { id: ids.big! }, body: { reason: 'No budget' } });
    expect((await members(open.id)).body.items).toEqual([]);
    const q4 = await segment({ name: 'Q4', entity: 'deal', filter: { tag: 'q4' } });
    await api('PATCH /deals/{id}', { params: { id: ids.bigger! }, body: { tags: ['enterprise'] } });
    expect((await members(q4.id)).body.items).toEqual([]);
    const enterprise = await segment({ name: 'Enterprise', entity: 'deal', filter: { tag: 'enterprise' } });
    const listed = (await members(enterprise.id)).body.items;
    expect(names(listed)).toEqual(['big', 'bigger']);
    expect(listed.find((d: { id: string }) => d.id === ids.bigger).tags).toEqual(['enterprise']);
  });

  it('runs as one Query on an index (plus reading the segment), never a scan', async () => {
    const web = await segment({
      name: 'Web, open',
      entity: 'deal',
      filter: { leadSource: 'web', status: 'open' },
    });
    const calls: string[] = [];
    table.client.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(
          `${context.commandName}${(args.input as { IndexName?: string }).IndexName ? ` ${(args.input as { IndexName?: string }).IndexName}` : ''}`,
        );
        return next(args);
      },
      { step: 'initialize', name: 'countSegmentCalls' },
    );
    try {
      const res = await members(web.id);
      expect(names(res.body.items)).toEqual(['small']);
    } finally {
      table.client.middlewareStack.remove('countSegmentCalls');
    }
    expect(calls.filter((c) => c.startsWith('Query'))).toEqual(['QueryCommand gsi6']);
    expect(calls.some((c) => c.startsWith('Scan'))).toBe(false);
  });

  it('pages with a cursor bound to the segment', async () => {
    const all = await segment({ name: 'All deals', entity: 'deal', filter: {} });
    const first = await members(all.id, { limit: '2' });
    expect(first.body.items).toHaveLength(2);
    const second = await members(all.id, { limit: '2', cursor: first.body.nextCursor });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const other = await segment({ name: 'Also all deals', entity: 'deal', filter: { status: 'open' } });
    expect((await members(other.id, { cursor: first.body.nextCursor })).status).toBe(400);
  });

  it('a filter no index answers is refused with the reason, and nothing is saved', async () => {
    const before = await itemCount(table);
    const refused = async (body: Record<string, unknown>) => {
      const res = await api('POST /segments', { body: { name: 'x', ...body } });
      expect(res.status).toBe(422);
      return res.body.errors;
    };
    expect(await refused({ entity: 'contact', filter: { ownerId: users.alice.sub } })).toEqual([
      {
        path: 'filter.ownerId',
        message: 'contacts have no ownerId; they are filtered by tag, tagsAny, companyId and customFields',
      },
    ]);
    expect(await refused({ entity: 'deal', filter: { title: 'Big' } })).toEqual([
      {
        path: 'filter.title',
        message:
          'is not indexed: a segment filters by tag, tagsAny, expectedCloseFrom, expectedCloseTo, valueMin, valueMax, currency, customFields, ownerId, pipelineId, stageId, leadSource, companyId, contactId, status; anything else would need a scan of every record',
      },
    ]);
    expect(await refused({ entity: 'deal', filter: { stageId: 'st_lead' } })).toEqual([
      {
        path: 'filter.stageId',
        message:
          'stages are indexed within their pipeline: add pipelineId (or another indexed filter); a stage across all deals would need a scan',
      },
    ]);
    expect(await refused({ entity: 'company', filter: { status: 'open' } })).toEqual([
      {
        path: 'filter.status',
        message: 'companies have no status; they are filtered by tag, tagsAny and customFields',
      },
    ]);
    expect(await itemCount(table)).toBe(before);
    // the same rule for the deal list itself
    const list = await api('GET /deals', { query: { stageId: 'st_lead' } });
    expect(list.status).toBe(400);
    expect(
      (await api('GET /deals', { query: { stageId: 'st_lead', pipelineId: 'pl_default' } })).status,
    ).toBe(200);
  });

  it('anyone runs a segment; its maker, managers and admins change it', async () => {
    const mine = await segment({ name: 'Mine', entity: 'deal', filter: { ownerId: users.alice.sub } });
    expect(
      (await api('POST /segments', { as: users.dana, body: { name: 'x', entity: 'deal', filter: {} } }))
        .status,
    ).toBe(403);
    const bob = await api('PATCH /segments/{id}', {
      params: { id: mine.id },
      body: { name: 'Bob was here' },
      as: users.bob,
    });
    expect(bob.status).toBe(403);
    const renamed = await api('PATCH /segments/{id}', {
      params: { id: mine.id },
      body: { filter: { ownerId: users.bob.sub } },
      as: users.manager,
    });
    expect(renamed.status).toBe(200);
    expect(names((await members(mine.id)).body.items)).toEqual(['bigger']);
    expect((await api('DELETE /segments/{id}', { params: { id: mine.id }, as: users.alice })).status).toBe(
      204,
    );
    expect((await api('GET /segments/{id}', { params: { id: mine.id } })).status).toBe(404);
    const kinds = (await eventsOf(table, 'SegmentUpdated')).map((e) => e.detail.data.segment.filter);
    expect(kinds).toContainEqual({ ownerId: users.bob.sub });
  });

  it('deals stored before the lead-source index and tag copies join them after a rebuild with apply', async () => {
    const stored = (await api('GET /deals/{id}', { params: { id: ids.small! } })).body;
    const legacy = { ...stored, id: 'deal_legacy2', tags: ['legacy'], leadSource: 'web' };
    const { gsi6pk: _p, gsi6sk: _s, layout: _l, ...oldLayout } = dealItem(legacy);
    await table.services.store.transact([{ pattern: dealPatterns.dealWritten, put: oldLayout }]);
    const legacyTag = await segment({ name: 'Legacy', entity: 'deal', filter: { tag: 'legacy' } });
    expect((await members(legacyTag.id)).body.items).toEqual([]);
    const result = await rebuildReportTotals(table.services, { apply: true });
    expect(result.reindexed).toBe(1);
    expect(names((await members(legacyTag.id)).body.items)).toEqual(['deal_legacy2']);
    const web = await api('GET /deals', { query: { leadSource: 'web', status: 'open' } });
    expect(names(web.body.items)).toEqual(['deal_legacy2', 'small']);
  });
});

describe('ranges, any of several tags, custom fields', () => {
  beforeAll(async () => {
    for (const field of [
      { entity: 'deal', key: 'seats', label: 'Seats', type: 'number' },
      {
        entity: 'deal',
        key: 'modules',
        label: 'Modules',
        type: 'multi-select',
        options: ['crm', 'pm', 'bi'],
      },
      { entity: 'contact', key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'] },
      { entity: 'contact', key: 'renewal', label: 'Renewal', type: 'date' },
    ]) {
      const res = await api('POST /custom-fields', { body: field, as: users.admin });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    await deal('r-small', {
      value: { amount: 5_000, currency: 'EUR' },
      expectedCloseDate: '2027-01-10',
      tags: ['q1'],
      customFields: { seats: 5, modules: ['crm'] },
    });
    await deal('r-mid', {
      value: { amount: 50_000, currency: 'EUR' },
      expectedCloseDate: '2027-02-10',
      tags: ['q2'],
      customFields: { seats: 50, modules: ['crm', 'pm'] },
    });
    await deal('r-usd', {
      value: { amount: 50_000, currency: 'USD' },
      expectedCloseDate: '2027-02-11',
      tags: ['q1', 'q2'],
      customFields: { seats: 500, modules: ['bi'] },
    });
    for (const [name, tier, renewal, tags] of [
      ['gus', 'gold', '2027-03-01', ['north']],
      ['hal', 'silver', '2027-06-01', ['south']],
      ['ivy', 'gold', '2027-09-01', ['north', 'south']],
    ] as const) {
      const res = await api('POST /contacts', {
        body: { firstName: name, tags, customFields: { tier, renewal } },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids[name] = res.body.id;
    }
  });

  const run = async (entity: string, filter: Record<string, unknown>) => {
    const { id } = await segment({ name: `s-${JSON.stringify(filter)}`, entity, filter });
    const all: { id: string }[] = [];
    let cursor: string | undefined;
    do {
      const res = await members(id, { limit: '1', ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      all.push(...res.body.items);
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    return names(all);
  };

  it('value and close-date ranges, in one currency', async () => {
    expect(await run('deal', { valueMin: 10_000, currency: 'EUR', tagsAny: ['q1', 'q2'] })).toEqual([
      'r-mid',
    ]);
    expect(await run('deal', { expectedCloseFrom: '2027-02-01', expectedCloseTo: '2027-02-28' })).toEqual([
      'r-mid',
      'r-usd',
    ]);
  });

  it('any of several tags: each record once, across pages', async () => {
    expect(await run('deal', { tagsAny: ['q1', 'q2'] })).toEqual(['r-mid', 'r-small', 'r-usd']);
    expect(await run('contact', { tagsAny: ['north', 'south'] })).toEqual(['gus', 'hal', 'ivy']);
  });

  it('custom fields: a number range, a multi-select option, a select any-of, a date range', async () => {
    expect(
      await run('deal', { tagsAny: ['q1', 'q2'], customFields: { seats: { min: 10, max: 100 } } }),
    ).toEqual(['r-mid']);
    expect(await run('deal', { customFields: { modules: 'crm' } })).toEqual(['r-mid', 'r-small']);
    expect(await run('deal', { customFields: { modules: { anyOf: ['pm', 'bi'] } } })).toEqual([
      'r-mid',
      'r-usd',
    ]);
    expect(await run('contact', { customFields: { tier: 'gold', renewal: { max: '2027-06-30' } } })).toEqual([
      'gus',
    ]);
    expect(await run('contact', { tagsAny: ['south'], customFields: { tier: { anyOf: ['gold'] } } })).toEqual(
      ['ivy'],
    );
  });

  it('bad filters are refused naming the field, and nothing is saved', async () => {
    const before = await itemCount(table);
    const refused = async (entity: string, filter: Record<string, unknown>) => {
      const res = await api('POST /segments', { body: { name: 'bad', entity, filter } });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      return (res.body.errors as { path: string }[]).map((e) => e.path);
    };
    expect(await refused('deal', { valueMin: 10 })).toEqual(['filter.currency']);
    expect(await refused('deal', { valueMin: 10, valueMax: 5, currency: 'EUR' })).toEqual([
      'filter.valueMax',
    ]);
    expect(await refused('deal', { expectedCloseFrom: '2027-03-01', expectedCloseTo: '2027-01-01' })).toEqual(
      ['filter.expectedCloseTo'],
    );
    expect(await refused('contact', { valueMin: 10, currency: 'EUR' })).toEqual([
      'filter.valueMin',
      'filter.currency',
    ]);
    expect(await refused('deal', { tag: 'q1', tagsAny: ['q2'] })).toEqual(['filter.tagsAny']);
    expect(await refused('deal', { customFields: { nope: 1 } })).toEqual(['filter.customFields.nope']);
    expect(await refused('deal', { customFields: { seats: { min: 10, max: 1 } } })).toEqual([
      'filter.customFields.seats',
    ]);
    expect(await refused('deal', { customFields: { seats: 'many' } })).toEqual(['filter.customFields.seats']);
    expect(await refused('deal', { customFields: { modules: 'erp' } })).toEqual([
      'filter.customFields.modules',
    ]);
    expect(await refused('contact', { customFields: { tier: { min: '2027-01-01' } } })).toEqual([
      'filter.customFields.tier',
    ]);
    expect(await itemCount(table)).toBe(before);
  });
});
