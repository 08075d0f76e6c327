import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../support/api.js';
import { crmApi, itemCount, signIn } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// Deals sorted and bounded as a sales team asks, on DynamoDB Local: by expected close, value (in
// one currency), last activity and stage age, within close-date and value ranges, each a Query
// of the deals' ordered copies (one per status, merged when no status is named), every page
// continuing exactly where the last one stopped.

let table: TestTable;
let api: ReturnType<typeof crmApi>;
const ids: Record<string, string> = {};
const nextAction = { summary: 'Call', dueAt: '2031-03-01T09:00:00Z' };

async function deal(title: string, amount: number, currency: string, extra: Record<string, unknown> = {}) {
  const res = await api('POST /deals', {
    body: { title, value: { amount, currency }, nextAction, ownerId: users.alice.sub, ...extra },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  ids[title] = res.body.id;
}

const titles = (res: { status: number; body: { items: { title: string }[] } }) => {
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items.map((d) => d.title);
};

/** Every page of a list, one deal per page: the merge must neither skip nor repeat. */
async function allPages(query: Record<string, string>, limit = '1'): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const res = await api('GET /deals', { query: { ...query, limit, ...(cursor ? { cursor } : {}) } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    seen.push(...titles(res));
    cursor = res.body.nextCursor ?? undefined;
  } while (cursor);
  return seen;
}

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
  await signIn(api, users.alice, users.bob);
  // created in this order: Alpha has been in its stage longest
  await deal('Alpha', 500_000, 'EUR', { expectedCloseDate: '2027-03-10', tags: ['vip'] });
  await deal('Bravo', 120_000, 'EUR', { expectedCloseDate: '2027-01-20', ownerId: users.bob.sub });
  await deal('Charlie', 900_000, 'USD', { expectedCloseDate: '2027-02-05', tags: ['vip'] });
  await deal('Delta', 300_000, 'EUR', { tags: ['renewal'] });
  await deal('Echo', 750_000, 'EUR', { expectedCloseDate: '2027-02-14' });
  await deal('Foxtrot', 120_000, 'EUR', { expectedCloseDate: '2027-02-14' });
  const lost = await api('POST /deals/{id}/lost', { params: { id: ids.Echo! }, body: { reason: 'price' } });
  expect(lost.status, JSON.stringify(lost.body)).toBe(200);
});

describe('sorted', () => {
  it('by expected close, undated last; descending, the latest first', async () => {
    expect(await allPages({ sort: 'expectedCloseDate' })).toEqual([
      'Bravo',
      'Charlie',
      'Echo',
      'Foxtrot',
      'Alpha',
      'Delta',
    ]);
    expect(await allPages({ sort: '-expectedCloseDate', status: 'open' })).toEqual([
      'Delta',
      'Alpha',
      'Foxtrot',
      'Charlie',
      'Bravo',
    ]);
  });

  it('by value within one currency: the largest first, equal values in a stable order', async () => {
    const byValue = await allPages({ sort: '-value', currency: 'EUR' });
    expect(byValue.slice(0, 3)).toEqual(['Echo', 'Alpha', 'Delta']);
    expect(byValue.slice(3).sort()).toEqual(['Bravo', 'Foxtrot']);
    expect(byValue).toHaveLength(5);
    expect(await allPages({ sort: 'value', currency: 'USD' })).toEqual(['Charlie']);
    // the same order on pages of two
    expect(await allPages({ sort: '-value', currency: 'EUR' }, '2')).toEqual(byValue);
  });

  it('by stage age: open deals only, the longest in its stage first', async () => {
    expect(await allPages({ sort: '-stageAge' })).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta', 'Foxtrot']);
    expect(await allPages({ sort: 'stageAge' }, '3')).toEqual([
      'Foxtrot',
      'Delta',
      'Charlie',
      'Bravo',
      'Alpha',
    ]);
  });

  it('by last activity: a deal something was just logged on moves, never-touched deals first', async () => {
    for (const title of ['Delta', 'Alpha']) {
      const res = await api('POST /activities', {
        body: { type: 'call', dealId: ids[title], subject: `Called about ${title}` },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const deal = await api('GET /deals/{id}', { params: { id: ids.Alpha! } });
    expect(deal.body.lastActivityAt).toEqual(expect.any(String));
    const order = await allPages({ sort: 'lastActivityAt', status: 'open' });
    expect(order.slice(-2)).toEqual(['Delta', 'Alpha']);
    expect(order.slice(0, 3).sort()).toEqual(['Bravo', 'Charlie', 'Foxtrot']);
    expect((await allPages({ sort: '-lastActivityAt', status: 'open' })).slice(0, 2)).toEqual([
      'Alpha',
      'Delta',
    ]);
  });

  it('narrowed by the other filters: owner, tag', async () => {
    expect(await allPages({ sort: 'expectedCloseDate', ownerId: users.alice.sub, status: 'open' })).toEqual([
      'Charlie',
      'Foxtrot',
      'Alpha',
      'Delta',
    ]);
    expect(await allPages({ sort: '-stageAge', tag: 'vip' })).toEqual(['Alpha', 'Charlie']);
  });
});

describe('bounded', () => {
  it('by expected close, inclusive at both ends, undated deals outside any range', async () => {
    expect(
      titles(
        await api('GET /deals', {
          query: { expectedCloseFrom: '2027-02-05', expectedCloseTo: '2027-02-14' },
        }),
      ),
    ).toEqual(['Charlie', 'Echo', 'Foxtrot']);
    expect(titles(await api('GET /deals', { query: { expectedCloseFrom: '2027-03-01' } }))).toEqual([
      'Alpha',
    ]);
    expect(
      titles(await api('GET /deals', { query: { expectedCloseTo: '2027-02-13', status: 'open' } })),
    ).toEqual(['Bravo', 'Charlie']);
  });

  it('by value in one currency, and both ranges together', async () => {
    expect(
      titles(
        await api('GET /deals', { query: { valueMin: '120000', valueMax: '500000', currency: 'EUR' } }),
      ).sort(),
    ).toEqual(['Alpha', 'Bravo', 'Delta', 'Foxtrot']);
    expect(
      titles(
        await api('GET /deals', {
          query: {
            valueMin: '200000',
            currency: 'EUR',
            expectedCloseFrom: '2027-01-01',
            sort: '-expectedCloseDate',
          },
        }),
      ),
    ).toEqual(['Alpha', 'Echo']);
    expect(titles(await api('GET /deals', { query: { currency: 'USD' } }))).toEqual(['Charlie']);
  });

  it('a title search narrowed by a range', async () => {
    await deal('Alpha Two', 50_000, 'EUR', { expectedCloseDate: '2028-01-01' });
    expect(titles(await api('GET /deals', { query: { q: 'alpha', expectedCloseTo: '2027-12-31' } }))).toEqual(
      ['Alpha'],
    );
    const removed = await api('DELETE /deals/{id}', { params: { id: ids['Alpha Two']! }, as: users.admin });
    expect(removed.status).toBe(204);
  });
});

describe('bad input: a 4xx naming the field, nothing read or written', () => {
  it.each([
    [{ sort: 'value' }, 'currency'],
    [{ valueMin: '10' }, 'currency'],
    [{ valueMin: '500', valueMax: '10', currency: 'EUR' }, 'valueMax'],
    [{ expectedCloseFrom: '2027-05-01', expectedCloseTo: '2027-01-01' }, 'expectedCloseTo'],
    [{ sort: 'stageAge', status: 'won' }, 'sort'],
    [{ sort: 'probability' }, 'sort'],
    [{ sort: 'value', currency: 'EURO' }, 'currency'],
    [{ valueMin: '-1', currency: 'EUR' }, 'valueMin'],
    [{ q: 'alpha', sort: 'value', currency: 'EUR' }, 'sort'],
  ])('%j', async (query, field) => {
    const before = await itemCount(table);
    const res = await api('GET /deals', { query: query as Record<string, string> });
    expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(res.body.errors)).toContain(field);
    expect(await itemCount(table)).toBe(before);
  });
});

describe('property: any mix of sort, status and ranges', () => {
  const date = fc
    .date({ min: new Date('2026-12-01'), max: new Date('2027-04-30'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
  const query = fc.record(
    {
      sort: fc.constantFrom(
        'expectedCloseDate',
        '-expectedCloseDate',
        'value',
        '-value',
        'lastActivityAt',
        '-stageAge',
        'stageAge',
        'nope',
      ),
      status: fc.constantFrom('open', 'won', 'lost'),
      currency: fc.constantFrom('EUR', 'USD', 'XXX1'),
      valueMin: fc.oneof(
        fc.integer({ min: 0, max: 1_000_000 }).map(String),
        fc.constantFrom('-5', '1.5', 'lots'),
      ),
      valueMax: fc.integer({ min: 0, max: 1_000_000 }).map(String),
      expectedCloseFrom: date,
      expectedCloseTo: date,
      limit: fc.constantFrom('1', '2', '50'),
    },
    { requiredKeys: [] },
  );

  it('is a 200 whose deals lie in the ranges, in the order asked, or a 4xx problem; never a 5xx', async () => {
    const before = await itemCount(table);
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const res = await api('GET /deals', { query: q });
        expect(res.status, JSON.stringify({ q, body: res.body })).not.toBeGreaterThanOrEqual(500);
        if (res.status !== 200) {
          expect(res.headers['content-type']).toContain('application/problem+json');
          return;
        }
        const items = res.body.items as {
          status: string;
          value: { amount: number; currency: string };
          expectedCloseDate?: string;
        }[];
        for (const d of items) {
          if (q.status) expect(d.status).toBe(q.status);
          if (q.currency) expect(d.value.currency).toBe(q.currency);
          if (q.valueMin) expect(d.value.amount).toBeGreaterThanOrEqual(Number(q.valueMin));
          if (q.valueMax) expect(d.value.amount).toBeLessThanOrEqual(Number(q.valueMax));
          if (q.expectedCloseFrom) expect(d.expectedCloseDate! >= q.expectedCloseFrom).toBe(true);
          if (q.expectedCloseTo) expect(d.expectedCloseDate! <= q.expectedCloseTo).toBe(true);
        }
        const by = q.sort?.replace('-', '');
        if (by === 'value' || by === 'expectedCloseDate') {
          const keys = items.map((d) => (by === 'value' ? d.value.amount : (d.expectedCloseDate ?? '~')));
          const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          expect(keys).toEqual(q.sort!.startsWith('-') ? sorted.reverse() : sorted);
        }
      }),
      { numRuns: 60 },
    );
    expect(await itemCount(table)).toBe(before);
  });
});
