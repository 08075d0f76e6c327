import { beforeAll, describe, expect, it } from 'vitest';
import { projectIdForDeal } from '../../../domain/shared/ids.js';
import { handOff } from '../../../functions/handoff/use-cases/create-project-from-win.js';
import { users } from '../../support/api.js';
import { crmApi, deliveryApi, eventsOf, itemCount, reportsApi, signIn } from '../../support/crm.js';
import { asDelivered, dealReadyToWin, handoffFacts } from '../../support/handoff.js';
import { type TestTable, testTable } from '../../support/table.js';

// Links never dangle, on DynamoDB Local: a contact or company any deal refers to (open or
// closed) is not deleted, and the 409 counts exactly what refers to it; an admin may detach
// the links first (each a recorded change); a reopened deal re-checks every link it has.

let table: TestTable;
let api: ReturnType<typeof crmApi>;

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
  await signIn(api, users.admin, users.manager, users.alice);
});

const nextAction = { summary: 'Call', dueAt: '2031-01-01T09:00:00Z' };

async function deal(extra: Record<string, unknown>) {
  const res = await api('POST /deals', {
    body: {
      title: 'Deal',
      value: { amount: 100, currency: 'EUR' },
      ownerId: users.alice.sub,
      nextAction,
      ...extra,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
}

const lose = (id: string) => api('POST /deals/{id}/lost', { params: { id }, body: { reason: 'Budget' } });

describe('deleting a contact', () => {
  it('is refused while any deal refers to it, open or closed, with the exact counts', async () => {
    const c = (await api('POST /contacts', { body: { firstName: 'Grace' } })).body;
    const deals = [
      await deal({ contactId: c.id }),
      await deal({ contactId: c.id }),
      await deal({ contactId: c.id }),
    ];
    await lose(deals[1]!.id);
    await lose(deals[2]!.id);
    const before = await itemCount(table);
    const refused = await api('DELETE /contacts/{id}', { as: users.manager, params: { id: c.id } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ openDeals: 1, closedDeals: 2 });
    expect(refused.body.detail).toBe(
      `contact ${c.id} is the primary contact of 1 open and 2 closed deal(s); reassign them first, or (admins) delete with ?detach=true to clear those links`,
    );
    expect(await itemCount(table)).toBe(before);
    // all closed, it is still refused: the lost deals keep their contact
    await lose(deals[0]!.id);
    const allClosed = await itemCount(table);
    const closed = await api('DELETE /contacts/{id}', { as: users.manager, params: { id: c.id } });
    expect(closed.status).toBe(409);
    expect(closed.body).toMatchObject({ openDeals: 0, closedDeals: 3 });
    // detaching is an admin's choice
    const notAdmin = await api('DELETE /contacts/{id}', {
      as: users.manager,
      params: { id: c.id },
      query: { detach: 'true' },
    });
    expect(notAdmin.status).toBe(403);
    expect(await itemCount(table)).toBe(allClosed);
  });

  it('with detach=true (admins) clears every link, records each, then deletes', async () => {
    const c = (await api('POST /contacts', { body: { firstName: 'Linus' } })).body;
    const open = await deal({ contactId: c.id });
    const lost = await deal({ contactId: c.id });
    await lose(lost.id);
    const res = await api('DELETE /contacts/{id}', { params: { id: c.id }, query: { detach: 'true' } });
    expect(res.status).toBe(204);
    expect((await api('GET /contacts/{id}', { params: { id: c.id } })).status).toBe(404);
    for (const { id } of [open, lost]) {
      const d = (await api('GET /deals/{id}', { params: { id } })).body;
      expect(d.contactId).toBeUndefined();
      expect(d.version).toBeGreaterThan(1);
    }
    const updates = (await eventsOf(table, 'DealUpdated')).filter((e) =>
      [open.id, lost.id].includes(e.detail.data.deal.id),
    );
    expect(updates.map((e) => e.detail.data.changed)).toEqual([['contactId'], ['contactId']]);
    const deleted = (await eventsOf(table, 'ContactDeleted')).find((e) => e.detail.data.contactId === c.id);
    expect(deleted!.detail.data.detached).toEqual({ deals: 2 });
    expect((await api('GET /deals', { query: { contactId: c.id } })).body.items).toEqual([]);
  });
});

describe('deleting a company', () => {
  it('counts every contact, open and closed deal and project that refers to it', async () => {
    const co = (await api('POST /companies', { body: { name: 'Counted Ltd' } })).body;
    for (const firstName of ['A', 'B', 'C'])
      await api('POST /contacts', { body: { firstName, companyId: co.id } });
    await deal({ companyId: co.id });
    await lose((await deal({ companyId: co.id })).id);
    const refused = await api('DELETE /companies/{id}', { params: { id: co.id } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ contacts: 3, openDeals: 1, closedDeals: 1, projects: 0 });
    expect(refused.body.detail).toContain('3 contact(s), 1 open and 1 closed deal(s) and 0 project(s)');

    const res = await api('DELETE /companies/{id}', { params: { id: co.id }, query: { detach: 'true' } });
    expect(res.status).toBe(204);
    expect((await api('GET /contacts', { query: { companyId: co.id } })).body.items).toEqual([]);
    expect((await api('GET /deals', { query: { companyId: co.id } })).body.items).toEqual([]);
    const deleted = (await eventsOf(table, 'CompanyDeleted')).find((e) => e.detail.data.companyId === co.id);
    expect(deleted!.detail.data.detached).toEqual({ contacts: 3, deals: 2 });
  });

  it('is never deleted while a project is delivered to it, detach or not', async () => {
    const co = (await api('POST /companies', { body: { name: 'Customer Ltd' } })).body;
    const project = await deliveryApi(table)('POST /projects', {
      as: users.manager,
      body: { name: 'Rollout', kickoffDate: '2031-03-03', customer: { companyId: co.id } },
    });
    expect(project.status, JSON.stringify(project.body)).toBe(201);
    const res = await api('DELETE /companies/{id}', { params: { id: co.id }, query: { detach: 'true' } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ projects: 1 });
    expect((await api('GET /companies/{id}', { params: { id: co.id } })).status).toBe(200);
  });
});

describe('reopening a deal', () => {
  it('after its contact was deleted (detached), it reopens without one', async () => {
    const c = (await api('POST /contacts', { body: { firstName: 'Gone' } })).body;
    const stakeholder = (await api('POST /contacts', { body: { firstName: 'Stays' } })).body;
    const d = await deal({ contactId: c.id });
    const won = await api('POST /deals/{id}/won', {
      params: { id: d.id },
      body: { handoff: handoffFacts(stakeholder.id) },
    });
    expect(won.status).toBe(200);
    // the contact is deleted by detaching the deal: the deal no longer names it, reopen is fine
    await api('DELETE /contacts/{id}', { params: { id: c.id }, query: { detach: 'true' } });
    const reopened = await api('POST /deals/{id}/reopen', { params: { id: d.id }, body: { nextAction } });
    expect(reopened.status).toBe(200);
    expect(reopened.body.contactId).toBeUndefined();
  });

  it('whose owner was deactivated since is a 422 naming the owner', async () => {
    await signIn(api, users.bob);
    const d = (
      await api('POST /deals', {
        body: { title: 'Bob’s', value: { amount: 1, currency: 'EUR' }, ownerId: users.bob.sub, nextAction },
      })
    ).body;
    await lose(d.id);
    await api('PATCH /users/{id}', { params: { id: users.bob.sub }, body: { active: false } });
    const before = await itemCount(table);
    const reopened = await api('POST /deals/{id}/reopen', { params: { id: d.id }, body: { nextAction } });
    expect(reopened.status).toBe(422);
    expect(reopened.body.errors).toEqual([
      { path: 'ownerId', message: 'u-bob is deactivated; choose an active user (GET /users?active=true)' },
    ]);
    expect(await itemCount(table)).toBe(before);
  });
});

describe('deleting a deal (admins)', () => {
  it('reverses its totals, keeps its activities and the project made from it (marked), in one write', async () => {
    const {
      api: crm,
      deal,
      contact,
      company,
    } = await dealReadyToWin(table, { expectedCloseDate: '2031-05-20' });
    const note = await crm('POST /activities', {
      as: users.alice,
      body: { type: 'note', subject: 'Kept after the deal goes', dealId: deal.id },
    });
    expect(note.status).toBe(201);
    const reports = reportsApi(table);
    const won = await crm('POST /deals/{id}/won', {
      as: users.alice,
      params: { id: deal.id },
      body: { handoff: handoffFacts(contact.id) },
    });
    expect(won.status).toBe(200);
    const event = (await eventsOf(table, 'DealClosedWon')).find((e) => e.detail.data.deal.id === deal.id)!;
    expect(await handOff(table.services, asDelivered(event), () => undefined)).toBe('created');
    const month = won.body.closedAt.slice(0, 7);
    const wonIn = async () =>
      (await reports('GET /reports/forecast', { as: users.manager, query: { from: month, to: month } })).body
        .months[0].won as { deals: number; value: { currency: string; amount: number }[] };
    const wonBefore = await wonIn();
    expect(wonBefore.deals).toBeGreaterThanOrEqual(1);

    // only admins; everyone else closes it as lost
    expect((await api('DELETE /deals/{id}', { as: users.manager, params: { id: deal.id } })).status).toBe(
      403,
    );
    const res = await api('DELETE /deals/{id}', { params: { id: deal.id } });
    expect(res.status).toBe(204);
    expect((await api('GET /deals/{id}', { params: { id: deal.id } })).status).toBe(404);

    // the totals are as if it had never been: the win left the month it closed in
    const wonAfter = await wonIn();
    expect(wonAfter.deals).toBe(wonBefore.deals - 1);
    const kept = await crm('GET /activities/{id}', { params: { id: note.body.id } });
    expect(kept.status).toBe(200);
    expect(kept.body.dealId).toBeUndefined();
    expect(kept.body.companyId).toBe(company.id);
    const project = await deliveryApi(table)('GET /projects/{id}', {
      params: { id: projectIdForDeal(deal.id) },
      as: users.dana,
    });
    expect(project.status).toBe(200);
    expect(project.body.dealDeletedAt).toBeDefined();
    expect(project.body.notes.at(-1).text).toContain(`deal ${deal.id}`);
    const [deleted] = (await eventsOf(table, 'DealDeleted')).filter((e) => e.detail.data.deal.id === deal.id);
    expect(deleted!.detail.data.projectId).toBe(projectIdForDeal(deal.id));
    // its changes left the company's timeline; its activities (the note among them) stayed
    const timeline = await api('GET /companies/{id}/timeline', { params: { id: company.id } });
    expect(timeline.body.items.filter((e: { kind: string }) => e.kind === 'deal-change')).toEqual([]);
    expect(timeline.body.items.map((e: { activity?: { id: string } }) => e.activity?.id)).toContain(
      note.body.id,
    );
  });
});
