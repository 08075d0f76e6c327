import { beforeAll, describe, expect, it } from 'vitest';
import { MergeUnfinished, mergeContactInto } from '../../../functions/crm/use-cases/merge-records.js';
import { context } from '../../domain/support.js';
import { users } from '../../support/api.js';
import { crmApi, deliveryApi, eventsOf, itemCount, signIn } from '../../support/crm.js';
import { servicesOf, type TestTable, testTable } from '../../support/table.js';

// Likely duplicates (found as records are written, listed from an index) and merging them, on
// DynamoDB Local: everything linked moves to the survivor in steps that are safe to repeat, and
// the duplicate answers 410 naming the survivor.

let table: TestTable;
let api: ReturnType<typeof crmApi>;

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
  await signIn(api, users.alice, users.bob);
});

const nextAction = { summary: 'Call', dueAt: '2031-03-01T09:00:00Z' };

async function contact(body: Record<string, unknown>) {
  const res = await api('POST /contacts', { body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; version: number };
}

async function company(body: Record<string, unknown>) {
  const res = await api('POST /companies', { body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
}

const pairs = async (kind: 'contacts' | 'companies') =>
  (await api(`GET /${kind}/duplicates`, { as: users.dana })).body.items as {
    records: { id: string }[];
    reasons: string[];
  }[];

const pairOf = (list: Awaited<ReturnType<typeof pairs>>, a: string, b: string) =>
  list.find((p) => p.records.some((r) => r.id === a) && p.records.some((r) => r.id === b));

describe('likely duplicates', () => {
  it('the same mailbox (plus-addressing, Gmail dots) or the same name at the same company', async () => {
    const acme = await company({ name: 'Acme' });
    const jane = await contact({ firstName: 'Jane', lastName: 'Doe', emails: ['jane.doe+news@gmail.com'] });
    const janeAgain = await contact({ firstName: 'J.', lastName: 'Doe', emails: ['JaneDoe@googlemail.com'] });
    const tom = await contact({ firstName: 'Tom', lastName: 'Ng', companyId: acme.id });
    const tomAgain = await contact({ firstName: 'tom', lastName: 'NG ', companyId: acme.id });
    const otherTom = await contact({ firstName: 'Tom', lastName: 'Ng' });
    const list = await pairs('contacts');
    expect(pairOf(list, jane.id, janeAgain.id)?.reasons).toEqual(['same mailbox janedoe@gmail.com']);
    expect(pairOf(list, tom.id, tomAgain.id)?.reasons).toEqual(['same name at the same company']);
    expect(pairOf(list, tom.id, otherTom.id)).toBeUndefined();
    // a change that takes the shared key away takes the pair away
    await api('PATCH /contacts/{id}', { params: { id: tomAgain.id }, body: { firstName: 'Tomas' } });
    expect(pairOf(await pairs('contacts'), tom.id, tomAgain.id)).toBeUndefined();
  });

  it('companies: the same domain, or the same name without its legal form', async () => {
    const a = await company({ name: 'Initech, Inc.', domain: 'initech.example' });
    const b = await company({ name: 'INITECH' });
    const c = await company({ name: 'Initrode', domain: 'initech.example' });
    const list = await pairs('companies');
    expect(pairOf(list, a.id, b.id)?.reasons).toEqual(['same name (initech)']);
    expect(pairOf(list, a.id, c.id)?.reasons).toEqual(['same domain initech.example']);
    expect(pairOf(list, b.id, c.id)).toBeUndefined();
  });
});

describe('merging contacts', () => {
  let survivor: { id: string; version: number };
  let duplicate: { id: string; version: number };
  let dealId: string;

  beforeAll(async () => {
    survivor = await contact({
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: ['ada@analytical.example'],
      tags: ['vip'],
      notes: 'Prefers mornings.',
    });
    duplicate = await contact({
      firstName: 'Ada',
      emails: ['ada+work@analytical.example', 'countess@lovelace.example'],
      phones: ['+44 20 7946 0000'],
      title: 'Countess',
      tags: ['poet'],
      notes: 'Met at the Babbage demo.',
    });
    dealId = (
      await api('POST /deals', {
        body: {
          title: 'Engine',
          value: { amount: 1, currency: 'GBP' },
          ownerId: users.alice.sub,
          nextAction,
          contactId: duplicate.id,
        },
      })
    ).body.id;
    await api('POST /activities', { body: { type: 'call', subject: 'Intro call', contactId: duplicate.id } });
  });

  it('managers and admins only; not into itself; both must exist', async () => {
    const before = await itemCount(table);
    const as = (who: typeof users.alice) =>
      api('POST /contacts/{id}/merge', {
        params: { id: survivor.id },
        body: { duplicateId: duplicate.id },
        as: who,
      });
    expect((await as(users.alice)).status).toBe(403);
    const self = await api('POST /contacts/{id}/merge', {
      params: { id: survivor.id },
      body: { duplicateId: survivor.id },
    });
    expect(self.status).toBe(422);
    expect(self.body.errors).toEqual([
      { path: 'duplicateId', message: 'is the record itself; name its duplicate' },
    ]);
    const missing = await api('POST /contacts/{id}/merge', {
      params: { id: survivor.id },
      body: { duplicateId: 'ct_missing' },
    });
    expect(missing.status).toBe(404);
    expect(await itemCount(table)).toBe(before);
  });

  it('stopped at its deadline, it answers in progress; asked again, it finishes', async () => {
    const ctx = context({ userId: users.manager.sub, roles: ['manager'] }, new Date().toISOString());
    await expect(
      mergeContactInto(table.services, survivor.id, duplicate.id, ctx, Date.now() - 1),
    ).rejects.toBeInstanceOf(MergeUnfinished);
    expect((await api('GET /contacts/{id}', { params: { id: duplicate.id } })).status).toBe(200);
  });

  it('moves deals, activities and deal history; unites emails, phones, tags and notes; the duplicate answers 410', async () => {
    const res = await api('POST /contacts/{id}/merge', {
      params: { id: survivor.id },
      body: { duplicateId: duplicate.id },
      as: users.manager,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: survivor.id,
      lastName: 'Lovelace',
      title: 'Countess',
      emails: ['ada@analytical.example', 'ada+work@analytical.example', 'countess@lovelace.example'],
      phones: ['+44 20 7946 0000'],
      tags: ['vip', 'poet'],
    });
    expect(res.body.notes).toMatch(
      /^Prefers mornings\.\n\nNotes of Ada \(ct_\w+\), merged \d{4}-\d{2}-\d{2}:\nMet at the Babbage demo\.$/,
    );

    const gone = await api('GET /contacts/{id}', { params: { id: duplicate.id } });
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ type: '/problems/gone', mergedInto: survivor.id });
    expect((await api('GET /contacts/{id}/timeline', { params: { id: duplicate.id } })).status).toBe(410);
    expect(
      (await api('GET /contacts', { query: { email: 'countess@lovelace.example' } })).body.items[0].id,
    ).toBe(survivor.id);

    const deal = (await api('GET /deals/{id}', { params: { id: dealId } })).body;
    expect(deal.contactId).toBe(survivor.id);
    const timeline = (await api('GET /contacts/{id}/timeline', { params: { id: survivor.id } })).body.items;
    expect(timeline.map((e: { kind: string }) => e.kind).sort()).toEqual(['activity', 'deal-change']);

    const [merged] = await eventsOf(table, 'ContactsMerged');
    expect(merged!.detail.data).toEqual({
      survivorId: survivor.id,
      mergedId: duplicate.id,
      moved: { deals: 1, activities: 2 },
    });
    expect(pairOf(await pairs('contacts'), survivor.id, duplicate.id)).toBeUndefined();
  });

  it('asked again, it changes nothing; a new link to the duplicate is refused, naming the survivor', async () => {
    const again = await api('POST /contacts/{id}/merge', {
      params: { id: survivor.id },
      body: { duplicateId: duplicate.id },
      as: users.manager,
    });
    expect(again.status).toBe(200);
    expect(await eventsOf(table, 'ContactsMerged')).toHaveLength(1);
    const linked = await api('POST /deals', {
      body: {
        title: 'x',
        value: { amount: 1, currency: 'GBP' },
        ownerId: users.alice.sub,
        nextAction,
        contactId: duplicate.id,
      },
    });
    expect(linked.status).toBe(422);
    expect(linked.body.errors).toEqual([
      { path: 'contactId', message: `contact ${duplicate.id} was merged into ${survivor.id}; use that one` },
    ]);
    const other = await contact({ firstName: 'Other' });
    const elsewhere = await api('POST /contacts/{id}/merge', {
      params: { id: other.id },
      body: { duplicateId: duplicate.id },
      as: users.manager,
    });
    expect(elsewhere.status).toBe(410);
  });

  it('a failure half-way (injected DynamoDB failure) is finished by the same request again', async () => {
    const s = await contact({ firstName: 'Grace', emails: ['grace@navy.example'] });
    const d = await contact({ firstName: 'Grace', emails: ['grace+cobol@navy.example'] });
    await api('POST /activities', { body: { type: 'note', subject: 'COBOL', contactId: d.id } });
    // the CRM API's own store (its function's services)
    const store = servicesOf(table, 'CrmApi').store;
    const transact = store.transact.bind(store);
    let failed = false;
    store.transact = async (writes) => {
      const retiring = writes.some((w) => 'put' in w && w.put.mergedInto);
      if (retiring && !failed) {
        failed = true;
        throw Object.assign(new Error('injected: service unavailable'), { name: 'InternalServerError' });
      }
      return transact(writes);
    };
    try {
      const first = await api('POST /contacts/{id}/merge', {
        params: { id: s.id },
        body: { duplicateId: d.id },
        as: users.manager,
      });
      expect(first.status).toBe(500);
      // the activity had moved already; the duplicate still stands
      expect((await api('GET /contacts/{id}', { params: { id: d.id } })).status).toBe(200);
      const second = await api('POST /contacts/{id}/merge', {
        params: { id: s.id },
        body: { duplicateId: d.id },
        as: users.manager,
      });
      expect(second.status).toBe(200);
    } finally {
      store.transact = transact;
    }
    expect((await api('GET /contacts/{id}', { params: { id: d.id } })).status).toBe(410);
    const timeline = (await api('GET /contacts/{id}/timeline', { params: { id: s.id } })).body.items;
    expect(timeline.map((e: { activity?: { subject: string } }) => e.activity?.subject)).toEqual(['COBOL']);
  });
});

describe('merging companies', () => {
  it('moves contacts, deals and projects; contacts now at the same company become likely duplicates', async () => {
    const survivor = await company({
      name: 'Globex Corporation',
      domain: 'globex.example',
      tags: ['key account'],
    });
    const duplicate = await company({ name: 'Globex', phone: '+1 555 0100', notes: 'Hank runs it.' });
    const hank = await contact({ firstName: 'Hank', lastName: 'Scorpio', companyId: survivor.id });
    const hankAgain = await contact({ firstName: 'Hank', lastName: 'Scorpio', companyId: duplicate.id });
    const deal = (
      await api('POST /deals', {
        body: {
          title: 'Doomsday',
          value: { amount: 1, currency: 'USD' },
          ownerId: users.alice.sub,
          nextAction,
          companyId: duplicate.id,
        },
      })
    ).body;
    const project = (
      await deliveryApi(table)('POST /projects', {
        body: { name: 'Volcano base', kickoffDate: '2031-04-01', customer: { companyId: duplicate.id } },
      })
    ).body;
    expect(pairOf(await pairs('companies'), survivor.id, duplicate.id)?.reasons).toEqual([
      'same name (globex)',
    ]);

    const res = await api('POST /companies/{id}/merge', {
      params: { id: survivor.id },
      body: { duplicateId: duplicate.id },
      as: users.admin,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ domain: 'globex.example', phone: '+1 555 0100', tags: ['key account'] });
    expect((await api('GET /companies/{id}', { params: { id: duplicate.id } })).status).toBe(410);
    expect((await api('GET /contacts/{id}', { params: { id: hankAgain.id } })).body.companyId).toBe(
      survivor.id,
    );
    expect((await api('GET /deals/{id}', { params: { id: deal.id } })).body.companyId).toBe(survivor.id);
    expect(
      (await deliveryApi(table)('GET /projects/{id}', { params: { id: project.id } })).body.customer
        .companyId,
    ).toBe(survivor.id);
    const [merged] = await eventsOf(table, 'CompaniesMerged');
    expect(merged!.detail.data.moved).toEqual({ contacts: 1, deals: 1, projects: 1 });
    expect(pairOf(await pairs('contacts'), hank.id, hankAgain.id)?.reasons).toEqual([
      'same name at the same company',
    ]);
    expect(pairOf(await pairs('companies'), survivor.id, duplicate.id)).toBeUndefined();
  });
});
