import { beforeAll, describe, expect, it } from 'vitest';
import { renameCompanyOnDeals } from '../../../functions/crm/use-cases/rename-company-deals.js';
import { users } from '../../support/api.js';
import { crmApi, eventsOf, signIn } from '../../support/crm.js';
import { servicesOf, type TestTable, testTable } from '../../support/table.js';

// A deal carries its company's name (what a card shows without reading the company), on
// DynamoDB Local: written with the deal, changed with its company link, and kept current when
// the company is renamed, across more deals than one page, in every list that reads copies.

let table: TestTable;
let api: ReturnType<typeof crmApi>;
const DEALS = 60;

const deal = (companyId?: string, title = 'Deal') =>
  api('POST /deals', {
    as: users.alice,
    body: {
      title,
      value: { amount: 100, currency: 'EUR' },
      ownerId: users.alice.sub,
      nextAction: { summary: 'Call', dueAt: '2031-01-01T09:00:00Z' },
      tags: ['named'],
      ...(companyId ? { companyId } : {}),
    },
  });

/** Every deal of a list, page by page. */
async function all(query: Record<string, string>) {
  const found: { id: string; companyName?: string; companyId?: string }[] = [];
  let cursor: string | undefined;
  do {
    const res = await api('GET /deals', { query: { ...query, limit: '100', ...(cursor ? { cursor } : {}) } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    found.push(...res.body.items);
    cursor = res.body.nextCursor ?? undefined;
  } while (cursor);
  return found;
}

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
  await signIn(api, users.alice);
});

describe('written with the deal', () => {
  it('a deal made with a company has its name; changing or clearing the link changes it', async () => {
    const acme = (await api('POST /companies', { body: { name: 'Acme' } })).body;
    const globex = (await api('POST /companies', { body: { name: 'Globex' } })).body;
    const made = await deal(acme.id);
    expect(made.status).toBe(201);
    expect(made.body.companyName).toBe('Acme');
    expect((await api('GET /deals/{id}', { params: { id: made.body.id } })).body.companyName).toBe('Acme');
    const moved = await api('PATCH /deals/{id}', {
      params: { id: made.body.id },
      body: { companyId: globex.id },
    });
    expect(moved.body.companyName).toBe('Globex');
    const [event] = (await eventsOf(table, 'DealUpdated')).filter(
      (e) => e.detail.data.deal.id === made.body.id,
    );
    expect(event!.detail.data.deal.companyName).toBe('Globex');
    const cleared = await api('PATCH /deals/{id}', {
      params: { id: made.body.id },
      body: { companyId: null },
    });
    expect(cleared.body.companyName).toBeUndefined();
    expect((await deal()).body.companyName).toBeUndefined();
  });

  it('a company that does not exist is still a 422 naming companyId, nothing written', async () => {
    const res = await deal('company_01J0000000000000000000000Z');
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'companyId' })]);
  });
});

describe('kept current when the company is renamed', () => {
  let companyId: string;

  beforeAll(async () => {
    companyId = (await api('POST /companies', { body: { name: 'Initech' } })).body.id;
    for (let i = 0; i < DEALS; i++) expect((await deal(companyId, `Deal ${i}`)).status).toBe(201);
  });

  it(`across ${DEALS} deals (more than two pages of 25), in the deal and in the copies lists read`, async () => {
    const renamed = await api('PATCH /companies/{id}', {
      params: { id: companyId },
      body: { name: 'Initrode' },
    });
    expect(renamed.status).toBe(200);
    const [event] = (await eventsOf(table, 'CompanyUpdated')).filter(
      (e) => e.detail.data.company.id === companyId,
    );
    expect(event!.detail.data.changed).toContain('name');
    // RefreshCopies, as the CompanyRenamed rule invokes it with that event
    const report = await renameCompanyOnDeals(servicesOf(table, 'RefreshCopies'), companyId);
    expect(report).toEqual({ name: 'Initrode', read: DEALS, renamed: DEALS });
    const byCompany = await all({ companyId });
    expect(byCompany).toHaveLength(DEALS);
    expect(new Set(byCompany.map((d) => d.companyName))).toEqual(new Set(['Initrode']));
    // lists that read the deals' copies: by tag, sorted by value, by title word
    const queries: Record<string, string>[] = [
      { tag: 'named' },
      { sort: 'value', currency: 'EUR' },
      { q: 'deal' },
    ];
    for (const query of queries) {
      const mine = (await all(query)).filter((d) => d.companyId === companyId);
      expect(mine, JSON.stringify(query)).toHaveLength(DEALS);
      expect(new Set(mine.map((d) => d.companyName)), JSON.stringify(query)).toEqual(new Set(['Initrode']));
    }
    const search = await api('GET /search', { query: { q: 'deal', limit: '20' } });
    expect(search.body.deals.length).toBeGreaterThan(0);
    expect(search.body.deals.map((d: { companyName?: string }) => d.companyName)).not.toContain('Initech');
  });

  it('running it again (a retry, a replay) writes nothing', async () => {
    const again = await renameCompanyOnDeals(servicesOf(table, 'RefreshCopies'), companyId);
    expect(again).toEqual({ name: 'Initrode', read: DEALS, renamed: 0 });
  });

  it('an old event delivered late names the current name, never the old one', async () => {
    await api('PATCH /companies/{id}', { params: { id: companyId }, body: { name: 'Initrode Global' } });
    // the first rename's event arrives after the second: the company is read as it is now
    const report = await renameCompanyOnDeals(servicesOf(table, 'RefreshCopies'), companyId);
    expect(report.name).toBe('Initrode Global');
    expect(new Set((await all({ companyId })).map((d) => d.companyName))).toEqual(
      new Set(['Initrode Global']),
    );
  });

  it("a deal's version goes up, so an edit decided on the old name is decided again, not written over it", async () => {
    const [first] = await all({ companyId });
    const read = await api('GET /deals/{id}', { params: { id: first!.id } });
    await api('PATCH /companies/{id}', { params: { id: companyId }, body: { name: 'Initrode Worldwide' } });
    await renameCompanyOnDeals(servicesOf(table, 'RefreshCopies'), companyId);
    const stale = await api('PATCH /deals/{id}', {
      params: { id: first!.id },
      headers: { 'if-match': read.headers.etag! },
      body: { title: 'Renamed deal' },
    });
    expect(stale.status).toBe(412);
    const fresh = await api('PATCH /deals/{id}', {
      params: { id: first!.id },
      body: { title: 'Renamed deal' },
    });
    expect(fresh.status).toBe(200);
    expect(fresh.body.companyName).toBe('Initrode Worldwide');
  });
});
