import { beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../support/api.js';
import { crmApi, eventsOf, itemCount, signIn } from '../../support/crm.js';
import { handoffFacts } from '../../support/handoff.js';
import { type TestTable, testTable } from '../../support/table.js';

// Won and lost reasons on DynamoDB Local: with no list any reason is taken; once admins define
// the lists, a deal is won or lost for one of them (spelled as listed) or "other" with a detail.

let table: TestTable;
let api: ReturnType<typeof crmApi>;
let stakeholder: string;

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
  await signIn(api, users.alice);
  stakeholder = (await api('POST /contacts', { body: { firstName: 'Grace' } })).body.id;
});

async function openDeal() {
  const res = await api('POST /deals', {
    as: users.alice,
    body: {
      title: 'Deal',
      value: { amount: 1, currency: 'EUR' },
      ownerId: users.alice.sub,
      contactId: stakeholder,
      nextAction: { summary: 'Call', dueAt: '2031-01-01T09:00:00Z' },
    },
  });
  return res.body.id as string;
}

const lose = (id: string, body: Record<string, unknown>) =>
  api('POST /deals/{id}/lost', { as: users.alice, params: { id }, body });

describe('won and lost reasons', () => {
  it('any reason is taken while there is no list', async () => {
    expect((await api('GET /deal-reasons', { as: users.alice })).body).toEqual({
      lost: [],
      won: [],
      version: 0,
    });
    const lost = await lose(await openDeal(), { reason: 'They went quiet' });
    expect(lost.body.lostReason).toBe('They went quiet');
  });

  it('only admins define the lists; a list names each reason once and never "other"', async () => {
    const body = { lost: ['Budget', 'Timing', 'Competitor'], won: ['Price', 'Relationship'] };
    expect((await api('PUT /deal-reasons', { as: users.manager, body })).status).toBe(403);
    const twice = await api('PUT /deal-reasons', { body: { lost: ['Budget', ' budget '], won: [] } });
    expect(twice.status).toBe(422);
    expect(twice.body.errors).toEqual([{ path: 'lost', message: 'names the same reason twice' }]);
    const other = await api('PUT /deal-reasons', { body: { lost: ['Other'], won: [] } });
    expect(other.status).toBe(422);
    const ok = await api('PUT /deal-reasons', { body });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ...body, version: 1, updatedBy: users.admin.sub });
    expect((await eventsOf(table, 'DealReasonsChanged')).at(-1)!.detail.data).toEqual(body);
  });

  it('a loss is for a listed reason (as spelled there), or "other" with a detail; else 422, nothing written', async () => {
    const id = await openDeal();
    const before = await itemCount(table);
    const unknown = await lose(id, { reason: 'Too expensive' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([
      { path: 'reason', message: 'must be one of: Budget, Timing, Competitor, or "other" with a detail' },
    ]);
    const bare = await lose(id, { reason: 'other' });
    expect(bare.body.errors).toEqual([
      { path: 'reasonDetail', message: 'is required with the reason "other"' },
    ]);
    expect(await itemCount(table)).toBe(before);
    const listed = await lose(id, { reason: 'budget' });
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ status: 'lost', lostReason: 'Budget' });
    const otherDeal = await openDeal();
    const other = await lose(otherDeal, { reason: 'Other', reasonDetail: 'Merged with a competitor' });
    expect(other.body).toMatchObject({ lostReason: 'other', lostReasonDetail: 'Merged with a competitor' });
  });

  it('a win may say why, from the won list', async () => {
    const id = await openDeal();
    const wrong = await api('POST /deals/{id}/won', {
      as: users.alice,
      params: { id },
      body: { handoff: handoffFacts(stakeholder), reason: 'Luck' },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors).toEqual([
      { path: 'reason', message: 'must be one of: Price, Relationship, or "other" with a detail' },
    ]);
    const won = await api('POST /deals/{id}/won', {
      as: users.alice,
      params: { id },
      body: { handoff: handoffFacts(stakeholder), reason: 'relationship' },
    });
    expect(won.status).toBe(200);
    expect(won.body.wonReason).toBe('Relationship');
  });
});
