import { beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../support/api.js';
import { crmApi, eventsOf, itemCount } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

let table: TestTable;
let api: ReturnType<typeof crmApi>;

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
});

const nextAction = { summary: 'Call back', dueAt: '2031-05-01T08:00:00Z' };
const value = { amount: 250_000, currency: 'USD' };

async function openDeal(owner = users.alice, extra: Record<string, unknown> = {}) {
  const res = await api('POST /deals', {
    as: owner,
    body: { title: 'Deal', value, ownerId: owner.sub, nextAction, ...extra },
  });
  expect(res.status).toBe(201);
  return res.body;
}

describe('pipelines', () => {
  it('the default pipeline exists from the first request', async () => {
    const list = await api('GET /pipelines', { as: users.dana });
    expect(list.status).toBe(200);
    expect(list.body.items[0]).toMatchObject({
      id: 'pl_default',
      isDefault: true,
      stages: [{ name: 'Lead' }, { name: 'Qualified' }, { name: 'Proposal' }, { name: 'Negotiation' }],
    });
  });

  it('several pipelines with ordered stages; a deal moves only within its own', async () => {
    const made = await api('POST /pipelines', {
      as: users.manager,
      body: {
        name: 'Partnerships',
        stages: [
          { name: 'Intro', probability: 5 },
          { name: 'Pilot', probability: 40, rotAfterDays: 30 },
          { name: 'Contract', probability: 80 },
        ],
      },
    });
    expect(made.status).toBe(201);
    const pipeline = made.body;
    expect(pipeline.stages[0].rotAfterDays).toBeNull();

    const deal = await openDeal(users.alice, { pipelineId: pipeline.id });
    expect(deal.stageId).toBe(pipeline.stages[0].id);
    const foreign = await api('POST /deals/{id}/move', {
      params: { id: deal.id },
      body: { stageId: 'st_proposal' },
      as: users.alice,
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors).toEqual([
      { path: 'stageId', message: `is not a stage of pipeline ${pipeline.id}` },
    ]);
    const ok = await api('POST /deals/{id}/move', {
      params: { id: deal.id },
      body: { stageId: pipeline.stages[2].id },
      as: users.alice,
    });
    expect(ok.status).toBe(200);

    const list = await api('GET /deals', {
      query: { pipelineId: pipeline.id, stageId: pipeline.stages[2].id },
    });
    expect(list.body.items.map((d: { id: string }) => d.id)).toEqual([deal.id]);
  });

  it('a deal naming a pipeline that does not exist is a 422 naming pipelineId, as for its company or stage; nothing is written', async () => {
    await openDeal(); // the default pipeline and the caller's profile exist
    const before = await itemCount(table);
    const res = await api('POST /deals', {
      as: users.alice,
      body: {
        title: 'Deal',
        value,
        ownerId: users.alice.sub,
        nextAction,
        pipelineId: 'pl_01ZZZZZZZZZZZZZZZZZZZZZZZZ',
      },
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ type: '/problems/validation-failed' });
    expect(res.body.errors).toEqual([
      { path: 'pipelineId', message: 'pipeline pl_01ZZZZZZZZZZZZZZZZZZZZZZZZ does not exist' },
    ]);
    expect(await itemCount(table)).toBe(before);
    const company = await api('POST /deals', {
      as: users.alice,
      body: {
        title: 'Deal',
        value,
        ownerId: users.alice.sub,
        nextAction,
        companyId: 'co_01ZZZZZZZZZZZZZZZZZZZZZZZZ',
      },
    });
    expect(company.status).toBe(422);
    expect(company.body.errors.map((e: { path: string }) => e.path)).toEqual(['companyId']);
  });

  it('stages can be renamed, re-weighted and added, never removed; sales cannot edit pipelines', async () => {
    const p = (
      await api('POST /pipelines', {
        as: users.manager,
        body: { name: 'P', stages: [{ name: 'One', probability: 10 }] },
      })
    ).body;
    expect(
      (await api('PATCH /pipelines/{id}', { params: { id: p.id }, body: { name: 'X' }, as: users.alice }))
        .status,
    ).toBe(403);
    const removed = await api('PATCH /pipelines/{id}', {
      params: { id: p.id },
      as: users.manager,
      body: { stages: [{ name: 'Two', probability: 50 }] },
    });
    expect(removed.status).toBe(422);
    expect(removed.body.errors[0].message).toContain('cannot be removed');
    const grown = await api('PATCH /pipelines/{id}', {
      params: { id: p.id },
      as: users.manager,
      body: {
        stages: [
          { id: p.stages[0].id, name: 'First', probability: 20 },
          { name: 'Second', probability: 60 },
        ],
      },
    });
    expect(grown.status).toBe(200);
    expect(grown.body.stages.map((s: { name: string }) => s.name)).toEqual(['First', 'Second']);
  });
});

describe('deals and roles', () => {
  it('sales change only their own deals; delivery reads but never writes; managers reassign', async () => {
    const deal = await openDeal(users.alice);
    const byBob = await api('POST /deals/{id}/move', {
      params: { id: deal.id },
      body: { stageId: 'st_qualified' },
      as: users.bob,
    });
    expect(byBob.status).toBe(403);
    expect(byBob.body.detail).toContain('owned by u-alice');
    expect((await api('GET /deals/{id}', { params: { id: deal.id }, as: users.bob })).status).toBe(200);
    const byDana = await api('PATCH /deals/{id}', {
      params: { id: deal.id },
      body: { title: 'x' },
      as: users.dana,
    });
    expect(byDana.status).toBe(403);
    const forOther = await api('POST /deals', {
      as: users.bob,
      body: { title: 'x', value, ownerId: users.alice.sub, nextAction },
    });
    expect(forOther.status).toBe(403);
    const selfReassign = await api('PATCH /deals/{id}', {
      params: { id: deal.id },
      body: { ownerId: users.bob.sub },
      as: users.alice,
    });
    expect(selfReassign.status).toBe(403);

    const reassigned = await api('PATCH /deals/{id}', {
      params: { id: deal.id },
      body: { ownerId: users.bob.sub },
      as: users.manager,
    });
    expect(reassigned.status).toBe(200);
    const owners = await eventsOf(table, 'DealOwnerChanged');
    expect(owners.at(-1)!.detail.data).toEqual({ dealId: deal.id, from: users.alice.sub, to: users.bob.sub });
    const bobs = await api('GET /deals', { query: { ownerId: users.bob.sub, status: 'open' } });
    expect(bobs.body.items.map((d: { id: string }) => d.id)).toContain(deal.id);
  });

  it('a user without a known role is refused everywhere; without a token it is a 401', async () => {
    const noRole = await api('GET /deals', { as: users.nobody });
    expect(noRole.status).toBe(403);
    expect(noRole.body.detail).toContain('none of the roles');
    const anonymous = await api('GET /deals', { as: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
  });
});

describe('next actions', () => {
  it('completing one requires setting the next; the done one lands in the history', async () => {
    const deal = await openDeal();
    const incomplete = await api('PUT /deals/{id}/next-action', {
      params: { id: deal.id },
      as: users.alice,
      body: { completeCurrent: true },
    });
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['dueAt', 'summary']);

    const set = await api('PUT /deals/{id}/next-action', {
      params: { id: deal.id },
      as: users.alice,
      body: {
        completeCurrent: true,
        outcome: 'Reached them',
        summary: 'Send contract',
        dueAt: '2031-05-03T08:00:00Z',
      },
    });
    expect(set.status).toBe(200);
    expect(set.body.nextAction).toEqual({ summary: 'Send contract', dueAt: '2031-05-03T08:00:00.000Z' });
    const events = await eventsOf(table, 'DealNextActionSet');
    expect(events.at(-1)!.detail.data).toMatchObject({
      previous: { summary: 'Call back' },
      completed: { summary: 'Call back', outcome: 'Reached them' },
    });
    const activities = await api('GET /activities', { query: { dealId: deal.id } });
    expect(activities.body.items).toEqual([
      expect.objectContaining({ type: 'task', subject: 'Call back', done: true, outcome: 'Reached them' }),
    ]);
  });

  it('a lost deal keeps its reason, drops its next action, and cannot move again', async () => {
    const deal = await openDeal();
    const noReason = await api('POST /deals/{id}/lost', {
      params: { id: deal.id },
      body: {},
      as: users.alice,
    });
    expect(noReason.status).toBe(422);
    const lost = await api('POST /deals/{id}/lost', {
      params: { id: deal.id },
      body: { reason: 'Budget cut' },
      as: users.alice,
    });
    expect(lost.body).toMatchObject({ status: 'lost', lostReason: 'Budget cut', nextAction: null });
    const setAgain = await api('PUT /deals/{id}/next-action', {
      params: { id: deal.id },
      as: users.alice,
      body: { summary: 'x', dueAt: '2031-01-01T00:00:00Z' },
    });
    expect(setAgain.status).toBe(409);
    expect((await eventsOf(table, 'DealClosedLost')).at(-1)!.detail.data).toMatchObject({
      reason: 'Budget cut',
      value,
    });
  });
});

describe('activities', () => {
  it('are logged on a deal or contact, completed once, and listed', async () => {
    const contact = (await api('POST /contacts', { body: { firstName: 'Katherine' } })).body;
    const deal = await openDeal(users.alice, { contactId: contact.id });
    const unlinked = await api('POST /activities', {
      as: users.alice,
      body: { type: 'call', subject: 'hi' },
    });
    expect(unlinked.status).toBe(422);
    const note = await api('POST /activities', {
      as: users.alice,
      body: { type: 'note', subject: 'Prefers email', contactId: contact.id },
    });
    expect(note.body.done).toBe(true);
    const call = await api('POST /activities', {
      as: users.alice,
      body: {
        type: 'call',
        subject: 'Discovery',
        dealId: deal.id,
        contactId: contact.id,
        dueAt: '2031-02-01T10:00:00Z',
      },
    });
    expect(call.body.done).toBe(false);
    const done = await api('PATCH /activities/{id}', {
      params: { id: call.body.id },
      body: { done: true },
      as: users.alice,
    });
    expect(done.body).toMatchObject({ done: true, version: 2 });
    expect(done.body.doneAt).toBeDefined();
    expect((await eventsOf(table, 'ActivityCompleted')).map((e) => e.detail.data.activity.id)).toContain(
      call.body.id,
    );

    const onBobsDeal = await api('POST /activities', {
      as: users.bob,
      body: { type: 'call', subject: 'x', dealId: deal.id },
    });
    expect(onBobsDeal.status).toBe(403);

    const mine = await api('GET /activities', { as: users.alice });
    expect(mine.body.items.map((a: { id: string }) => a.id)).toEqual(
      expect.arrayContaining([note.body.id, call.body.id]),
    );
    const byContact = await api('GET /activities', { query: { contactId: contact.id } });
    expect(byContact.body.items.map((a: { id: string }) => a.id).sort()).toEqual(
      [note.body.id, call.body.id].sort(),
    );
  });
});

describe('lists', () => {
  it('without filters lists every deal, newest first', async () => {
    const deal = await openDeal();
    const all = await api('GET /deals', { as: users.dana });
    expect(all.status).toBe(200);
    expect(all.body.items[0].id).toBe(deal.id);
  });

  it('page with opaque cursors; a forged or borrowed cursor is a 400 and reads nothing', async () => {
    const co = (await api('POST /companies', { body: { name: 'Pager' } })).body;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await openDeal(users.alice, { companyId: co.id })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await api('GET /deals', {
        query: { companyId: co.id, limit: '2', ...(cursor ? { cursor } : {}) },
      });
      seen.push(...page.body.items.map((d) => d.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(ids.sort());

    const first = await api('GET /deals', { query: { companyId: co.id, limit: '2' } });
    const issued: string = first.body.nextCursor;
    const [payload, sig] = issued.split('.') as [string, string];
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString());
    decoded.k.gsi4pk = 'COMPANY#co_someoneelse';
    const forged = `${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${sig}`;
    const res = await api('GET /deals', { query: { companyId: co.id, cursor: forged } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'cursor', message: 'is invalid' }]);
    const borrowed = await api('GET /deals', { query: { ownerId: users.alice.sub, cursor: issued } });
    expect(borrowed.status).toBe(400);
    expect((await api('GET /deals', { query: { cursor: 'garbage' } })).status).toBe(400);
  });
});
