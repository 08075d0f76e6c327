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

describe('companies', () => {
  it('are created, read, changed with If-Match, searched by name prefix and tag', async () => {
    const made = await api('POST /companies', {
      body: { name: 'Zoë Industries', tags: ['partner', 'Partner'] },
    });
    expect(made.status).toBe(201);
    expect(made.body.tags).toEqual(['partner']);
    const id = made.body.id;

    const stale = await api('PATCH /companies/{id}', {
      params: { id },
      body: { phone: '+49 30 1234567' },
      headers: { 'If-Match': '"7"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.currentVersion).toBe(1);

    const changed = await api('PATCH /companies/{id}', {
      params: { id },
      body: { phone: '+49 30 1234567', notes: 'Key account' },
      headers: { 'If-Match': made.headers.etag! },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).toBe('"2"');
    const cleared = await api('PATCH /companies/{id}', { params: { id }, body: { notes: null } });
    expect(cleared.body.notes).toBeUndefined();
    const updates = await eventsOf(table, 'CompanyUpdated');
    expect(updates.map((e) => e.detail.data.changed)).toEqual([['phone', 'notes'], ['notes']]);

    await api('POST /companies', { body: { name: 'Zenith' } });
    await api('POST /companies', { body: { name: 'Other Co' } });
    const byPrefix = await api('GET /companies', { query: { q: 'zoe' }, as: users.dana });
    expect(byPrefix.body.items.map((c: { name: string }) => c.name)).toEqual(['Zoë Industries']);
    const byZ = await api('GET /companies', { query: { q: 'Z' } });
    expect(byZ.body.items.map((c: { name: string }) => c.name)).toEqual(['Zenith', 'Zoë Industries']);
    const byTag = await api('GET /companies', { query: { tag: 'partner' } });
    expect(byTag.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
  });

  it('cannot be deleted while a contact refers to it; can be once it is free', async () => {
    const company = (await api('POST /companies', { body: { name: 'Linked Ltd' } })).body;
    const contact = (await api('POST /contacts', { body: { firstName: 'Ada', companyId: company.id } })).body;
    const refused = await api('DELETE /companies/{id}', { params: { id: company.id } });
    expect(refused.status).toBe(409);
    expect(refused.body.contacts).toBe(1);
    await api('PATCH /contacts/{id}', { params: { id: contact.id }, body: { companyId: null } });
    expect((await api('DELETE /companies/{id}', { params: { id: company.id } })).status).toBe(204);
    expect((await api('GET /companies/{id}', { params: { id: company.id } })).status).toBe(404);
    expect((await eventsOf(table, 'CompanyDeleted')).map((e) => e.detail.data.companyId)).toContain(
      company.id,
    );
  });

  it('refuses a contact linked to a company that does not exist', async () => {
    const res = await api('POST /contacts', { body: { firstName: 'Ghost', companyId: 'co_NOPE' } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'companyId', message: 'company co_NOPE does not exist' }]);
  });
});

describe('contacts', () => {
  it('keep emails unique: a second contact with a used email is a 409 naming the first', async () => {
    const first = await api('POST /contacts', {
      body: { firstName: 'Linus', lastName: 'T', emails: ['linus@kernel.example'] },
      as: users.alice,
    });
    const before = await itemCount(table);
    const second = await api('POST /contacts', {
      body: { firstName: 'Someone', emails: ['other@x.example', 'LINUS@kernel.example'] },
      as: users.bob,
    });
    expect(second.status).toBe(409);
    expect(second.body.existingContactId).toBe(first.body.id);
    expect(second.body.detail).toContain(first.body.id);
    expect(second.body.detail).toContain('Linus T');
    expect(await itemCount(table)).toBe(before);
    // the refused contact's other address was not claimed either
    expect((await api('GET /contacts', { query: { email: 'other@x.example' } })).body.items).toEqual([]);
  });

  it('move an email between contacts only once it is released', async () => {
    const a = (await api('POST /contacts', { body: { firstName: 'A', emails: ['shared@x.example'] } })).body;
    const b = (await api('POST /contacts', { body: { firstName: 'B' } })).body;
    const taken = await api('PATCH /contacts/{id}', {
      params: { id: b.id },
      body: { emails: ['shared@x.example'] },
    });
    expect(taken.status).toBe(409);
    await api('PATCH /contacts/{id}', { params: { id: a.id }, body: { emails: [] } });
    const moved = await api('PATCH /contacts/{id}', {
      params: { id: b.id },
      body: { emails: ['shared@x.example'] },
    });
    expect(moved.status).toBe(200);
    const found = await api('GET /contacts', { query: { email: 'shared@x.example' } });
    expect(found.body.items.map((c: { id: string }) => c.id)).toEqual([b.id]);
  });

  it('are found by name prefix, company and tag, and the copies follow every change', async () => {
    const co = (await api('POST /companies', { body: { name: 'Tagged Inc' } })).body;
    const c = (
      await api('POST /contacts', {
        body: {
          firstName: 'Margaret',
          lastName: 'Hamilton',
          tags: ['apollo'],
          companyId: co.id,
          emails: ['mh@nasa.example'],
        },
      })
    ).body;
    expect(
      (await api('GET /contacts', { query: { q: 'marg' } })).body.items.map((x: { id: string }) => x.id),
    ).toEqual([c.id]);
    expect(
      (await api('GET /contacts', { query: { companyId: co.id } })).body.items.map(
        (x: { id: string }) => x.id,
      ),
    ).toEqual([c.id]);
    await api('PATCH /contacts/{id}', {
      params: { id: c.id },
      body: { title: 'Director', tags: ['apollo', 'software'] },
    });
    const tagged = await api('GET /contacts', { query: { tag: 'software' } });
    expect(tagged.body.items).toHaveLength(1);
    expect(tagged.body.items[0].title).toBe('Director');
    const byEmail = await api('GET /contacts', { query: { email: 'mh@nasa.example' } });
    expect(byEmail.body.items[0].title).toBe('Director');
    await api('PATCH /contacts/{id}', { params: { id: c.id }, body: { tags: ['software'] } });
    expect((await api('GET /contacts', { query: { tag: 'apollo' } })).body.items).toEqual([]);
  });

  it('answer 404 for an id that does not exist and for a timeline of nobody', async () => {
    expect((await api('GET /contacts/{id}', { params: { id: 'ct_01NOPE' } })).status).toBe(404);
    const timeline = await api('GET /contacts/{id}/timeline', { params: { id: 'ct_01NOPE' } });
    expect(timeline.status).toBe(404);
    expect(timeline.body.detail).toBe('contact ct_01NOPE does not exist');
  });

  it('cannot be deleted while the primary contact of an open deal', async () => {
    const c = (await api('POST /contacts', { body: { firstName: 'Busy' } })).body;
    await api('POST /deals', {
      body: {
        title: 'Busy deal',
        value: { amount: 100, currency: 'USD' },
        ownerId: users.admin.sub,
        nextAction: { summary: 'call', dueAt: '2031-01-01T00:00:00Z' },
        contactId: c.id,
      },
    });
    const refused = await api('DELETE /contacts/{id}', { params: { id: c.id } });
    expect(refused.status).toBe(409);
    expect(refused.body.openDeals).toBe(1);
  });
});
