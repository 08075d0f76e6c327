import { beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../support/api.js';
import { crmApi, eventsOf, itemCount, outbox } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// The sales side as a user walks it, through the CRM function's handler on DynamoDB Local:
// company → contact → a deal refused without a next action → a deal with owner and next
// action → moved through stages → won refused with each missing handoff field named → won
// with all of them → one DealClosedWon in the outbox, written with the state change.

let table: TestTable;
let api: ReturnType<typeof crmApi>;

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
});

describe('the sales story', () => {
  let companyId: string;
  let contactId: string;
  let dealId: string;

  it('adds a company and a contact at it', async () => {
    const company = await api('POST /companies', {
      as: users.alice,
      body: { name: 'Acme GmbH', domain: 'ACME.example', tags: ['Prospect'] },
    });
    expect(company.status).toBe(201);
    expect(company.body).toMatchObject({
      name: 'Acme GmbH',
      domain: 'acme.example',
      tags: ['prospect'],
      version: 1,
    });
    expect(company.headers.etag).toBe('"1"');
    companyId = company.body.id;

    const contact = await api('POST /contacts', {
      as: users.alice,
      body: {
        firstName: 'Grace',
        lastName: 'Hopper',
        emails: ['Grace@Acme.example'],
        companyId,
        title: 'CTO',
      },
    });
    expect(contact.status).toBe(201);
    expect(contact.body.emails).toEqual(['grace@acme.example']);
    contactId = contact.body.id;

    const byEmail = await api('GET /contacts', { query: { email: 'grace@acme.example' }, as: users.dana });
    expect(byEmail.body.items.map((c: { id: string }) => c.id)).toEqual([contactId]);
  });

  it('refuses an open deal without an owner or a next action, and writes nothing', async () => {
    const before = await itemCount(table);
    const refused = await api('POST /deals', {
      as: users.manager,
      body: { title: 'Acme rollout', value: { amount: 4_800_000, currency: 'EUR' }, contactId, companyId },
    });
    expect(refused.status).toBe(422);
    expect(refused.headers['content-type']).toBe('application/problem+json');
    expect(refused.body.errors).toEqual([
      {
        path: 'ownerId',
        message: 'an open deal must have an owner: send ownerId (no lead-routing rule assigned one)',
      },
      { path: 'nextAction', message: 'an open deal must have a next action' },
    ]);
    // the default pipeline may have been written by the first deal request; nothing else
    expect(await itemCount(table)).toBeLessThanOrEqual(before + 1);
    expect(await eventsOf(table, 'DealCreated')).toEqual([]);
  });

  it('opens a deal with an owner and a next action in the default pipeline', async () => {
    const deal = await api('POST /deals', {
      as: users.alice,
      body: {
        title: 'Acme rollout',
        value: { amount: 4_800_000, currency: 'EUR' },
        ownerId: users.alice.sub,
        nextAction: { summary: 'Send the proposal', dueAt: '2030-01-10T09:00:00Z' },
        contactId,
        companyId,
        leadSource: 'Referral',
      },
    });
    expect(deal.status).toBe(201);
    expect(deal.body).toMatchObject({
      status: 'open',
      pipelineId: 'pl_default',
      stageId: 'st_lead',
      ownerId: users.alice.sub,
      leadSource: 'referral',
      nextAction: { summary: 'Send the proposal', dueAt: '2030-01-10T09:00:00.000Z' },
    });
    dealId = deal.body.id;
  });

  it('moves the deal through the stages and keeps the history with entry times', async () => {
    for (const stageId of ['st_qualified', 'st_proposal', 'st_negotiation']) {
      const moved = await api('POST /deals/{id}/move', {
        params: { id: dealId },
        body: { stageId },
        as: users.alice,
      });
      expect(moved.status).toBe(200);
      expect(moved.body.stageId).toBe(stageId);
    }
    const deal = await api('GET /deals/{id}', { params: { id: dealId }, as: users.bob });
    expect(deal.body.stageHistory.map((v: { stageId: string }) => v.stageId)).toEqual([
      'st_lead',
      'st_qualified',
      'st_proposal',
      'st_negotiation',
    ]);
    expect(deal.body.stageHistory.slice(0, 3).every((v: { leftAt?: string }) => v.leftAt)).toBe(true);
    expect(deal.headers.etag).toBe('"4"');
    const changes = await eventsOf(table, 'DealStageChanged');
    expect(changes.map((e) => [e.detail.data.from, e.detail.data.to])).toEqual([
      ['st_lead', 'st_qualified'],
      ['st_qualified', 'st_proposal'],
      ['st_proposal', 'st_negotiation'],
    ]);
  });

  it('refuses to win without the handoff facts, naming every missing field, and changes nothing', async () => {
    const eventsBefore = (await outbox(table)).length;
    const refused = await api('POST /deals/{id}/won', { params: { id: dealId }, body: {}, as: users.alice });
    expect(refused.status).toBe(422);
    expect(refused.body.type).toBe('/problems/handoff-incomplete');
    expect(refused.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'handoff.keyConstraints',
      'handoff.kickoffDate',
      'handoff.mainStakeholderContactId',
      'handoff.promisedTimeline',
      'handoff.scopeSummary',
    ]);

    const partly = await api('POST /deals/{id}/won', {
      params: { id: dealId },
      as: users.alice,
      body: {
        handoff: {
          scopeSummary: 'Roll out to 3 sites',
          promisedTimeline: { dueDate: '2030-03-31' },
          keyConstraints: [],
          mainStakeholderContactId: 'ct_DOESNOTEXIST',
          kickoffDate: '2030-02-30',
        },
      },
    });
    expect(partly.status).toBe(422);
    expect(partly.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'handoff.keyConstraints', message: 'list at least one key constraint' },
        { path: 'handoff.kickoffDate', message: 'must be a calendar date YYYY-MM-DD' },
        { path: 'handoff.mainStakeholderContactId', message: 'contact ct_DOESNOTEXIST does not exist' },
      ]),
    );
    const deal = await api('GET /deals/{id}', { params: { id: dealId } });
    expect(deal.body.status).toBe('open');
    expect(deal.body.version).toBe(4);
    expect((await outbox(table)).length).toBe(eventsBefore);
  });

  it('wins with every fact and writes exactly one DealClosedWon with the state change', async () => {
    const handoff = {
      scopeSummary: 'Roll out the platform to 3 sites',
      promisedTimeline: { dueDate: '2030-03-31', notes: 'before the fiscal year ends' },
      keyConstraints: ['on-premises only', 'no weekend work'],
      mainStakeholderContactId: contactId,
      kickoffDate: '2030-02-03',
    };
    const won = await api('POST /deals/{id}/won', {
      params: { id: dealId },
      body: { handoff },
      as: users.alice,
    });
    expect(won.status).toBe(200);
    expect(won.body).toMatchObject({ status: 'won', handoff, nextAction: null, wins: 1, version: 5 });

    const closed = await eventsOf(table, 'DealClosedWon');
    expect(closed).toHaveLength(1);
    const data = closed[0]!.detail.data;
    expect(data.deal).toEqual(won.body);
    expect(data.customer.company?.name).toBe('Acme GmbH');
    expect(data.customer.mainStakeholder).toMatchObject({ id: contactId, firstName: 'Grace' });
    expect(data.handoff).toEqual(handoff);
    expect(closed[0]!.detail.actor.userId).toBe(users.alice.sub);

    const again = await api('POST /deals/{id}/move', {
      params: { id: dealId },
      body: { stageId: 'st_lead' },
      as: users.alice,
    });
    expect(again.status).toBe(409);
    const lost = await api('POST /deals/{id}/lost', {
      params: { id: dealId },
      body: { reason: 'x' },
      as: users.alice,
    });
    expect(lost.status).toBe(409);
    expect(await eventsOf(table, 'DealClosedWon')).toHaveLength(1);
  });

  it("shows the deal's changes and the completed next action on the contact's timeline, newest first", async () => {
    const timeline = await api('GET /contacts/{id}/timeline', { params: { id: contactId }, as: users.dana });
    expect(timeline.status).toBe(200);
    const kinds = timeline.body.items.map(
      (e: { kind: string; change?: string; activity?: { subject: string } }) =>
        e.kind === 'activity' ? `activity:${e.activity!.subject}` : `deal:${e.change}`,
    );
    // winning completes the next action at the same instant, so those two may come in either order
    expect(kinds.slice(0, 2).sort()).toEqual(['activity:Send the proposal', 'deal:won']);
    expect(kinds.slice(2)).toEqual(['deal:moved', 'deal:moved', 'deal:moved', 'deal:created']);
  });
});
