import { beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../support/api.js';
import { crmApi, signIn } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// The complete history, on DynamoDB Local: an activity on a deal lands on the timelines of the
// deal, its contact and its company, written once with the activity; a deal's changes (created,
// moved, next action set, lost) appear on the same three. Newest first, paged.

let table: TestTable;
let api: ReturnType<typeof crmApi>;
const ids: Record<string, string> = {};
const id = (name: string) => ids[name]!;

type Entry = { kind: string; change?: string; activity?: { subject: string }; at: string };
const describeEntry = (e: Entry) =>
  e.kind === 'activity' ? `activity:${e.activity!.subject}` : `deal:${e.change}`;

async function timeline(route: string, id: string): Promise<string[]> {
  const all: Entry[] = [];
  let cursor: string | undefined;
  do {
    const res = await api(route, { params: { id }, query: { limit: '2', ...(cursor ? { cursor } : {}) } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    all.push(...res.body.items);
    cursor = res.body.nextCursor ?? undefined;
  } while (cursor);
  const instants = all.map((e) => e.at);
  expect([...instants].sort().reverse()).toEqual(instants);
  return all.map(describeEntry);
}

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
  await signIn(api, users.alice);
  ids.acme = (await api('POST /companies', { body: { name: 'Acme' } })).body.id;
  ids.grace = (await api('POST /contacts', { body: { firstName: 'Grace', companyId: id('acme') } })).body.id;
  ids.other = (await api('POST /contacts', { body: { firstName: 'Other' } })).body.id;
  const at = (minute: number) => `2030-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
  const deal = await api('POST /deals', {
    at: at(0),
    body: {
      title: 'Rollout',
      value: { amount: 1_000, currency: 'EUR' },
      ownerId: users.alice.sub,
      contactId: id('grace'),
      companyId: id('acme'),
      nextAction: { summary: 'Intro call', dueAt: '2030-01-02T09:00:00Z' },
    },
  });
  ids.deal = deal.body.id;
  const call = await api('POST /activities', {
    at: at(1),
    body: { type: 'call', subject: 'Discovery call', dealId: ids.deal, occurredAt: at(1) },
  });
  expect(call.status, JSON.stringify(call.body)).toBe(201);
  expect(call.body).toMatchObject({ contactId: id('grace'), companyId: id('acme') });
  await api('PUT /deals/{id}/next-action', {
    at: at(2),
    params: { id: id('deal') },
    body: { summary: 'Send proposal', dueAt: '2030-01-05T09:00:00Z', completeCurrent: true, outcome: 'Done' },
  });
  await api('POST /deals/{id}/move', {
    at: at(3),
    params: { id: id('deal') },
    body: { stageId: 'st_qualified' },
  });
  await api('POST /activities', {
    at: at(4),
    body: { type: 'note', subject: 'Grace prefers mornings', contactId: id('grace'), occurredAt: at(4) },
  });
  await api('POST /activities', {
    at: at(5),
    body: { type: 'email', subject: 'To someone else', contactId: id('other'), occurredAt: at(5) },
  });
  await api('POST /deals/{id}/lost', { at: at(6), params: { id: id('deal') }, body: { reason: 'Budget' } });
});

describe('timelines', () => {
  it("a deal's: its changes and its activities, newest first", async () => {
    expect(await timeline('GET /deals/{id}/timeline', ids.deal!)).toEqual([
      'deal:lost',
      'deal:moved',
      // the same instant: the completed next action (a done task), then the new one set
      'activity:Intro call',
      'deal:next-action-set',
      'activity:Discovery call',
      'deal:created',
    ]);
  });

  it("its contact's and its company's carry the same, with their own notes", async () => {
    const contact = await timeline('GET /contacts/{id}/timeline', ids.grace!);
    expect(contact).toEqual([
      'deal:lost',
      'activity:Grace prefers mornings',
      'deal:moved',
      'activity:Intro call',
      'deal:next-action-set',
      'activity:Discovery call',
      'deal:created',
    ]);
    // the company's: its deal's history and every activity of its deal and contacts
    expect(await timeline('GET /companies/{id}/timeline', ids.acme!)).toEqual(contact);
    // someone else's email is on nobody's timeline here
    expect(contact).not.toContain('activity:To someone else');
  });

  it('the next action set is on the timeline with what it is', async () => {
    const res = await api('GET /deals/{id}/timeline', { params: { id: id('deal') } });
    const set = res.body.items.find((e: Entry) => e.change === 'next-action-set');
    expect(set).toMatchObject({
      by: users.admin.sub,
      nextAction: { summary: 'Send proposal', dueAt: '2030-01-05T09:00:00.000Z' },
    });
  });

  it('of a deal or company that does not exist is a 404', async () => {
    const deal = await api('GET /deals/{id}/timeline', { params: { id: 'deal_01NOPE' } });
    expect(deal.status).toBe(404);
    const company = await api('GET /companies/{id}/timeline', { params: { id: 'co_01NOPE' } });
    expect(company.status).toBe(404);
  });
});
