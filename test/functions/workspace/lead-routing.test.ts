import { beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../support/api.js';
import { crmApi, eventsOf, itemCount } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// Lead routing on DynamoDB Local: admin-defined rules give a deal created without an owner one
// (round-robin or fixed, by lead source or company domain), with a DealOwnerChanged naming the
// rule; with no rule matching, an owner is required as before.

let table: TestTable;
let api: ReturnType<typeof crmApi>;

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
  // people become known users with their first successful request
  for (const as of [users.alice, users.bob, users.manager, users.admin]) await api('GET /pipelines', { as });
});

const nextAction = { summary: 'First call', dueAt: '2031-02-01T09:00:00Z' };
const lead = (extra: Record<string, unknown> = {}) => ({
  title: 'Inbound lead',
  value: { amount: 5_000, currency: 'EUR' },
  nextAction,
  ...extra,
});

const rules = [
  {
    name: 'Web leads to the inside team',
    match: { leadSources: ['web', 'webinar'] },
    assign: { type: 'round-robin', ownerIds: [users.alice.sub, users.bob.sub] },
  },
  {
    name: 'Acme accounts to Mia',
    match: { companyDomains: ['acme.example'] },
    assign: { type: 'fixed', ownerId: users.manager.sub },
  },
];

describe('lead routing', () => {
  it('starts empty; only admins change it, and every owner must be a known user', async () => {
    const empty = await api('GET /lead-routing', { as: users.alice });
    expect(empty.body).toEqual({ rules: [], version: 0 });
    const before = await itemCount(table);
    expect((await api('PUT /lead-routing', { as: users.manager, body: { rules } })).status).toBe(403);
    const unknown = await api('PUT /lead-routing', {
      body: { rules: [{ ...rules[1], assign: { type: 'fixed', ownerId: 'u-ghost' } }] },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([
      {
        path: 'rules.0.assign',
        message: 'u-ghost is not a known user (people appear in GET /users once they have signed in)',
      },
    ]);
    const malformed = await api('PUT /lead-routing', {
      body: {
        rules: [
          { name: 'No condition', match: {}, assign: { type: 'round-robin', ownerIds: [users.alice.sub] } },
        ],
      },
    });
    expect(malformed.status).toBe(422);
    expect(malformed.body.errors).toEqual([
      { path: 'rules.0.match', message: 'a rule matches by leadSources, companyDomains or both' },
      { path: 'rules.0.assign.ownerIds', message: 'a round-robin needs at least two owners' },
    ]);
    expect(await itemCount(table)).toBe(before);
  });

  it('round-robin by lead source: owners take turns; the deal says which rule gave it', async () => {
    const put = await api('PUT /lead-routing', { body: { rules } });
    expect(put.status).toBe(200);
    expect(put.headers.etag).toBe('"1"');
    const [web] = put.body.rules;
    expect(web.id).toMatch(/^rule_/);

    const owners: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api('POST /deals', { as: users.manager, body: lead({ leadSource: 'Web' }) });
      expect(res.status).toBe(201);
      owners.push(res.body.ownerId);
    }
    expect(owners).toEqual([users.alice.sub, users.bob.sub, users.alice.sub]);
    const changed = (await eventsOf(table, 'DealOwnerChanged')).map((e) => e.detail.data);
    expect(changed.at(-1)).toEqual({
      dealId: expect.stringMatching(/^deal_/),
      from: null,
      to: users.alice.sub,
      rule: web.id,
      ruleName: 'Web leads to the inside team',
    });
  });

  it('concurrent leads never share a turn', async () => {
    const made = await Promise.all(
      Array.from({ length: 6 }, () =>
        api('POST /deals', { as: users.admin, body: lead({ leadSource: 'webinar' }) }),
      ),
    );
    const owners = made.map((r) => r.body.ownerId);
    expect(owners.filter((o) => o === users.alice.sub)).toHaveLength(3);
    expect(owners.filter((o) => o === users.bob.sub)).toHaveLength(3);
  });

  it("by company domain (a subdomain too), or else the contact's email domain", async () => {
    const company = (await api('POST /companies', { body: { name: 'Acme EU', domain: 'eu.acme.example' } }))
      .body;
    const byCompany = await api('POST /deals', { as: users.alice, body: lead({ companyId: company.id }) });
    expect(byCompany.status).toBe(201);
    // a sales rep may log a lead that routing hands to someone else
    expect(byCompany.body.ownerId).toBe(users.manager.sub);
    const contact = (
      await api('POST /contacts', { body: { firstName: 'Wile', emails: ['wile@acme.example'] } })
    ).body;
    const byEmail = await api('POST /deals', { body: lead({ contactId: contact.id }) });
    expect(byEmail.body.ownerId).toBe(users.manager.sub);
  });

  it('with no rule matching, an owner is required as before; an owner given wins over rules', async () => {
    const before = await itemCount(table);
    const none = await api('POST /deals', { body: lead({ leadSource: 'trade show' }) });
    expect(none.status).toBe(422);
    expect(none.body.errors).toEqual([
      {
        path: 'ownerId',
        message: 'an open deal must have an owner: send ownerId (no lead-routing rule assigned one)',
      },
    ]);
    expect(await itemCount(table)).toBe(before);
    const given = await api('POST /deals', { body: lead({ leadSource: 'web', ownerId: users.bob.sub }) });
    expect(given.body.ownerId).toBe(users.bob.sub);
  });

  it('rules sent back with their id keep their turn; a stale If-Match is a 412', async () => {
    const current = await api('GET /lead-routing', { as: users.manager });
    const stale = await api('PUT /lead-routing', {
      body: { rules: current.body.rules },
      headers: { 'If-Match': '"0"' },
    });
    expect(stale.status).toBe(412);
    const kept = await api('PUT /lead-routing', {
      body: { rules: [...current.body.rules].reverse() },
      headers: { 'If-Match': current.headers.etag! },
    });
    expect(kept.status).toBe(200);
    expect(kept.body.rules.map((r: { id: string }) => r.id)).toEqual(
      [...current.body.rules].reverse().map((r: { id: string }) => r.id),
    );
    // turns so far: 3 + 6 (9 taken: alice had the 9th), so bob is next
    const next = await api('POST /deals', { body: lead({ leadSource: 'web' }) });
    expect(next.body.ownerId).toBe(users.bob.sub);
    expect((await eventsOf(table, 'LeadRoutingChanged')).length).toBe(2);
  });
});
