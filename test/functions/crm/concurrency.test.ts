import { beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../support/api.js';
import { crmApi, eventsOf } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// Optimistic locking under real concurrency on DynamoDB Local: no accepted move is lost, and
// the ones that cannot be applied are refused with 409 or 412, never half-applied.

let table: TestTable;
let api: ReturnType<typeof crmApi>;

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
});

async function openDeal() {
  const res = await api('POST /deals', {
    as: users.alice,
    body: {
      title: 'Contended',
      value: { amount: 1, currency: 'EUR' },
      ownerId: users.alice.sub,
      nextAction: { summary: 'x', dueAt: '2031-01-01T00:00:00Z' },
    },
  });
  return res.body as { id: string };
}

const STAGES = ['st_qualified', 'st_proposal', 'st_negotiation', 'st_lead'];

describe('20 concurrent stage moves on one deal', () => {
  it('every accepted move is in the stage history and the events; the rest get 409', async () => {
    const deal = await openDeal();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api('POST /deals/{id}/move', {
          params: { id: deal.id },
          body: { stageId: STAGES[i % 4] },
          as: users.alice,
        }),
      ),
    );
    const accepted = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.status === 409 || r.status === 412)).toBe(true);

    const final = (await api('GET /deals/{id}', { params: { id: deal.id } })).body;
    expect(final.version).toBe(1 + accepted.length);
    expect(final.stageHistory).toHaveLength(1 + accepted.length);
    // the history is a chain: each visit starts where the previous one left
    const events = (await eventsOf(table, 'DealStageChanged')).filter(
      (e) => e.detail.data.dealId === deal.id,
    );
    expect(events).toHaveLength(accepted.length);
    let stage = 'st_lead';
    for (const e of events) {
      expect(e.detail.data.from).toBe(stage);
      stage = e.detail.data.to;
    }
    expect(final.stageId).toBe(stage);
    expect(final.stageHistory.map((v: { stageId: string }) => v.stageId)).toEqual([
      'st_lead',
      ...events.map((e) => e.detail.data.to),
    ]);
    // every accepted answer is one of the versions in the chain
    expect(new Set(accepted.map((r) => r.body.version)).size).toBe(accepted.length);
  });

  it('with If-Match on the same version, exactly one wins and 19 get 412', async () => {
    const deal = await openDeal();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api('POST /deals/{id}/move', {
          params: { id: deal.id },
          body: { stageId: STAGES[i % 3] },
          headers: { 'If-Match': '"1"' },
          as: users.alice,
        }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 412)).toHaveLength(19);
    const final = (await api('GET /deals/{id}', { params: { id: deal.id } })).body;
    expect(final.version).toBe(2);
    expect(final.stageHistory).toHaveLength(2);
  });
});
