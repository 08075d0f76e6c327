import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../../functions/lib/services.js';
import { users } from '../../support/api.js';
import { crmApi, deliveryApi, eventsOf, itemCount } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// Custom fields on DynamoDB Local: admins define them per entity, every write validates the
// values with the built-in fields (one 422 for all), reads and events carry them, and a
// definition changed by another function instance is never validated against a stale copy.

let table: TestTable;
let api: ReturnType<typeof crmApi>;

const define = (body: Record<string, unknown>) => api('POST /custom-fields', { body });

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
  for (const field of [
    {
      entity: 'contact',
      key: 'tier',
      label: 'Tier',
      type: 'select',
      required: true,
      options: ['gold', 'silver'],
    },
    { entity: 'contact', key: 'linkedin', label: 'LinkedIn', type: 'url' },
    { entity: 'contact', key: 'birthday', label: 'Birthday', type: 'date' },
    { entity: 'contact', key: 'assistant', label: 'Assistant', type: 'email' },
    { entity: 'deal', key: 'budget', label: 'Budget', type: 'money' },
    { entity: 'deal', key: 'channels', label: 'Channels', type: 'multi-select', options: ['email', 'phone'] },
    { entity: 'deal', key: 'priority', label: 'Priority', type: 'number' },
    { entity: 'deal', key: 'nda', label: 'NDA signed', type: 'boolean' },
    { entity: 'deal', key: 'notes_url', label: 'Notes', type: 'text' },
    { entity: 'project', key: 'po_number', label: 'PO number', type: 'text', required: true },
  ]) {
    const res = await define(field);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
});

describe('defining custom fields', () => {
  it('admins only; a key once per entity; options for selects only; a bad key is named', async () => {
    expect(
      (
        await api('POST /custom-fields', {
          as: users.manager,
          body: { entity: 'deal', key: 'x', label: 'X', type: 'text' },
        })
      ).status,
    ).toBe(403);
    const twice = await define({ entity: 'contact', key: 'tier', label: 'Tier', type: 'text' });
    expect(twice.status).toBe(409);
    const bad = await define({ entity: 'deal', key: 'Bad Key', label: 'X', type: 'select' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([
      { path: 'key', message: 'must be 1-40 lower-case letters, digits or _, starting with a letter' },
      { path: 'options', message: 'a select field needs its options' },
    ]);
    const list = await api('GET /custom-fields', { as: users.dana, query: { entity: 'deal' } });
    expect(list.status).toBe(200);
    expect(list.body.fields.map((f: { key: string }) => f.key)).toEqual([
      'budget',
      'channels',
      'priority',
      'nda',
      'notes_url',
    ]);
    expect(list.headers.etag).toBe(`"${list.body.version}"`);
  });

  it('the OpenAPI document shows the values as an open map and the definitions route', () => {
    const document = JSON.parse(readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'));
    expect(document.components.schemas.CustomFields).toMatchObject({
      type: 'object',
      additionalProperties: {},
    });
    expect(document.components.schemas.Contact.properties.customFields).toEqual({
      $ref: '#/components/schemas/CustomFields',
    });
    expect(document.paths['/custom-fields'].get).toBeDefined();
  });
});

describe('values on every write', () => {
  it('a required field missing is named with the built-in fields, in one 422 that writes nothing', async () => {
    const before = await itemCount(table);
    const res = await api('POST /contacts', { body: { lastName: 'Lovelace' } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { path: 'firstName', message: 'is required' },
      { path: 'customFields.tier', message: 'is required' },
    ]);
    expect(await itemCount(table)).toBe(before);
  });

  it('values are checked by type, stored, read back and carried by the events', async () => {
    const res = await api('POST /contacts', {
      body: {
        firstName: 'Ada',
        customFields: { tier: 'gold', linkedin: 'https://example.com/in/ada', assistant: 'Bob@Example.com' },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.customFields).toEqual({
      tier: 'gold',
      linkedin: 'https://example.com/in/ada',
      assistant: 'bob@example.com',
    });
    const read = await api('GET /contacts/{id}', { params: { id: res.body.id } });
    expect(read.body.customFields.tier).toBe('gold');
    const [created] = (await eventsOf(table, 'ContactCreated')).filter(
      (e) => e.detail.data.contact.id === res.body.id,
    );
    expect(created!.detail.data.contact.customFields).toEqual(res.body.customFields);

    const deal = await api('POST /deals', {
      body: {
        title: 'Custom',
        value: { amount: 1, currency: 'EUR' },
        ownerId: users.admin.sub,
        nextAction: { summary: 'Call', dueAt: '2031-01-01T09:00:00Z' },
        customFields: {
          budget: { amount: 50_000, currency: 'EUR' },
          channels: ['email'],
          priority: 2.5,
          nda: true,
        },
      },
    });
    expect(deal.status).toBe(201);
    expect(deal.body.customFields).toEqual({
      budget: { amount: 50_000, currency: 'EUR' },
      channels: ['email'],
      priority: 2.5,
      nda: true,
    });
  });

  it('a patch merges values key by key; null removes one; a required one cannot be removed', async () => {
    const contact = (
      await api('POST /contacts', {
        body: { firstName: 'Grace', customFields: { tier: 'silver', birthday: '1906-12-09' } },
      })
    ).body;
    const patched = await api('PATCH /contacts/{id}', {
      params: { id: contact.id },
      body: { customFields: { linkedin: 'https://example.com/in/grace', birthday: null } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.customFields).toEqual({ tier: 'silver', linkedin: 'https://example.com/in/grace' });
    const updated = (await eventsOf(table, 'ContactUpdated')).at(-1)!;
    expect(updated.detail.data.changed).toEqual(['customFields']);
    const removeRequired = await api('PATCH /contacts/{id}', {
      params: { id: contact.id },
      body: { customFields: { tier: null } },
    });
    expect(removeRequired.status).toBe(422);
    expect(removeRequired.body.errors).toEqual([
      { path: 'customFields.tier', message: 'is required and cannot be removed' },
    ]);
    const unrelated = await api('PATCH /contacts/{id}', {
      params: { id: contact.id },
      body: { title: 'Admiral' },
    });
    expect(unrelated.status).toBe(200);
  });

  it('unknown keys and wrong values are refused like any other field', async () => {
    const res = await api('PATCH /deals/{id}', {
      params: { id: 'deal_nothere' },
      body: {
        customFields: {
          channels: ['fax'],
          nda: 'yes',
          colour: 'red',
          budget: { amount: 1.5, currency: 'EUR' },
        },
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'customFields', message: 'unknown field(s): colour' },
        { path: 'customFields.channels.0', message: 'must be one of: email, phone' },
        { path: 'customFields.nda', message: 'must be true or false' },
        { path: 'customFields.budget.amount', message: 'must be an integer amount in minor units (cents)' },
      ]),
    );
  });

  it('property: a value of the wrong type for any field is a 422 that writes nothing', async () => {
    const deal = (
      await api('POST /deals', {
        body: {
          title: 'Typed',
          value: { amount: 1, currency: 'EUR' },
          ownerId: users.admin.sub,
          nextAction: { summary: 'Call', dueAt: '2031-01-01T09:00:00Z' },
        },
      })
    ).body;
    const wrong: Record<string, fc.Arbitrary<unknown>> = {
      budget: fc.oneof(
        fc.string(),
        fc.integer(),
        fc.record({ amount: fc.string(), currency: fc.constant('EUR') }),
      ),
      channels: fc.oneof(
        fc.string(),
        fc.array(
          fc.string().filter((s) => s !== 'email' && s !== 'phone'),
          { minLength: 1 },
        ),
      ),
      priority: fc.oneof(fc.string(), fc.boolean(), fc.array(fc.integer())),
      nda: fc.oneof(
        fc.string(),
        fc.integer(),
        fc.constant(null).map(() => 'true'),
      ),
      notes_url: fc.oneof(fc.integer(), fc.boolean(), fc.constant('   ')),
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(wrong)).chain((key) => wrong[key]!.map((value) => ({ key, value }))),
        async ({ key, value }) => {
          const before = await itemCount(table);
          const res = await api('PATCH /deals/{id}', {
            params: { id: deal.id },
            body: { customFields: { [key]: value } },
          });
          expect(res.status).toBe(422);
          expect(
            res.body.errors.some((e: { path: string }) => e.path.startsWith(`customFields.${key}`)),
          ).toBe(true);
          expect(await itemCount(table)).toBe(before);
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 40) },
    );
  });

  it('projects too, through the delivery API', async () => {
    const delivery = deliveryApi(table);
    const missing = await delivery('POST /projects', {
      body: { name: 'Rollout', kickoffDate: '2031-03-03' },
    });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([{ path: 'customFields.po_number', message: 'is required' }]);
    const made = await delivery('POST /projects', {
      body: { name: 'Rollout', kickoffDate: '2031-03-03', customFields: { po_number: 'PO-4711' } },
    });
    expect(made.status).toBe(201);
    expect(made.body.customFields).toEqual({ po_number: 'PO-4711' });
  });
});

describe('definitions changed by another instance', () => {
  it('a write is checked against the definitions current when it commits, not a stale copy', async () => {
    // this instance reads (and keeps) the company definitions
    expect((await api('POST /companies', { body: { name: 'Before' } })).status).toBe(201);
    // an admin, through another function instance, makes a company field required
    const other = crmApi({
      ...table,
      services: createServices({ client: table.client, tableName: table.tableName }),
    });
    expect(
      (
        await other('POST /custom-fields', {
          body: { entity: 'company', key: 'region', label: 'Region', type: 'text', required: true },
        })
      ).status,
    ).toBe(201);
    const before = await itemCount(table);
    const stale = await api('POST /companies', { body: { name: 'After' } });
    expect(stale.status).toBe(422);
    expect(stale.body.errors).toEqual([{ path: 'customFields.region', message: 'is required' }]);
    expect(await itemCount(table)).toBe(before);
    const fine = await api('POST /companies', { body: { name: 'After', customFields: { region: 'EMEA' } } });
    expect(fine.status).toBe(201);
  });
});

describe('a field defined in another instance is accepted at once', () => {
  /** A function instance of its own (its own kept definitions), as a warm Lambda is. */
  const instance = () =>
    crmApi({ ...table, services: createServices({ client: table.client, tableName: table.tableName }) });

  it('a warm CRM instance takes values of a field defined since, and refuses a retired one', async () => {
    const crm = instance();
    const workspace = instance();
    // the CRM instance serves a request: it reads and keeps the definitions as they are now
    const first = await crm('POST /contacts', {
      body: { firstName: 'Warm', customFields: { tier: 'gold' } },
    });
    expect(first.status).toBe(201);
    const deal = {
      title: 'Warm deal',
      value: { amount: 1, currency: 'EUR' },
      ownerId: users.admin.sub,
      nextAction: { summary: 'Call', dueAt: '2031-01-01T09:00:00Z' },
    };
    expect((await crm('POST /deals', { body: deal })).status).toBe(201);

    // an admin defines fields through the workspace API (another instance)
    for (const field of [
      { entity: 'contact', key: 'nickname', label: 'Nickname', type: 'text' },
      { entity: 'deal', key: 'campaign', label: 'Campaign', type: 'select', options: ['spring', 'fall'] },
    ])
      expect((await workspace('POST /custom-fields', { body: field })).status).toBe(201);

    // at once, the CRM instance takes them
    const contact = await crm('POST /contacts', {
      body: { firstName: 'Ada', customFields: { tier: 'gold', nickname: 'Countess' } },
    });
    expect(contact.status, JSON.stringify(contact.body)).toBe(201);
    expect(contact.body.customFields).toEqual({ tier: 'gold', nickname: 'Countess' });
    const stored = await table.services.contacts.get(contact.body.id);
    expect(stored?.customFields).toEqual({ tier: 'gold', nickname: 'Countess' });
    const made = await crm('POST /deals', { body: { ...deal, customFields: { campaign: 'spring' } } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect((await crm('GET /deals/{id}', { params: { id: made.body.id } })).body.customFields).toEqual({
      campaign: 'spring',
    });
    // a wrong value of the new field is still named, with the definitions read again
    const wrong = await crm('POST /deals', { body: { ...deal, customFields: { campaign: 'winter' } } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors).toEqual([
      { path: 'customFields.campaign', message: 'must be one of: spring, fall' },
    ]);

    // retired by the admin: named right after, it is refused and nothing is written
    expect(
      (
        await workspace('DELETE /custom-fields/{entity}/{key}', {
          params: { entity: 'contact', key: 'nickname' },
        })
      ).status,
    ).toBe(204);
    const before = await itemCount(table);
    const retired = await crm('POST /contacts', {
      body: { firstName: 'Late', customFields: { tier: 'gold', nickname: 'Too late' } },
    });
    expect(retired.status).toBe(422);
    expect(retired.body.errors).toEqual([{ path: 'customFields', message: 'unknown field(s): nickname' }]);
    expect(await itemCount(table)).toBe(before);
    // the value stored before the field was retired stays on its record; no write may touch the key
    expect((await crm('GET /contacts/{id}', { params: { id: contact.body.id } })).body.customFields).toEqual({
      tier: 'gold',
      nickname: 'Countess',
    });
    const remove = await crm('PATCH /contacts/{id}', {
      params: { id: contact.body.id },
      body: { customFields: { nickname: null } },
    });
    expect(remove.status).toBe(422);
    expect(remove.body.errors).toEqual([{ path: 'customFields', message: 'unknown field(s): nickname' }]);
  });

  it('a warm instance saves a segment on a field defined since', async () => {
    const crm = instance();
    const workspace = instance();
    expect(
      (
        await crm('POST /segments', {
          body: { name: 'Gold', entity: 'contact', filter: { customFields: { tier: { anyOf: ['gold'] } } } },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await workspace('POST /custom-fields', {
          body: { entity: 'contact', key: 'score', label: 'Score', type: 'number' },
        })
      ).status,
    ).toBe(201);
    const scored = await crm('POST /segments', {
      body: { name: 'Scored', entity: 'contact', filter: { customFields: { score: { min: 10 } } } },
    });
    expect(scored.status, JSON.stringify(scored.body)).toBe(201);
    const unknown = await crm('POST /segments', {
      body: { name: 'Nope', entity: 'contact', filter: { customFields: { shoe_size: { min: 10 } } } },
    });
    expect(unknown.status).toBe(422);
  });
});

describe('the order of the fields', () => {
  const dealKeys = async () =>
    (await api('GET /custom-fields', { query: { entity: 'deal' } })).body.fields.map(
      (f: { key: string }) => f.key,
    );

  it('an admin moves a field to a position among its entity’s fields; the list follows, the others keep theirs', async () => {
    const before = await api('GET /custom-fields');
    const keys = await dealKeys();
    const last = keys.at(-1)!;
    const moved = await api('PATCH /custom-fields/{entity}/{key}', {
      params: { entity: 'deal', key: last },
      body: { position: 0 },
      headers: { 'If-Match': before.headers.etag! },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ entity: 'deal', key: last });
    expect(Number(moved.headers.etag!.replaceAll('"', ''))).toBe(before.body.version + 1);
    expect(await dealKeys()).toEqual([last, ...keys.slice(0, -1)]);
    const after = await api('GET /custom-fields');
    const others = (body: { fields: { entity: string; key: string }[] }) =>
      body.fields.filter((f) => f.entity !== 'deal').map((f) => `${f.entity}.${f.key}`);
    expect(others(after.body)).toEqual(others(before.body));
    const [event] = (await eventsOf(table, 'CustomFieldChanged')).slice(-1);
    expect(event!.detail.data).toMatchObject({ field: { key: last }, changed: ['position'], position: 0 });

    // to the end, with a label change in the same request
    const back = await api('PATCH /custom-fields/{entity}/{key}', {
      params: { entity: 'deal', key: last },
      body: { position: keys.length - 1, label: 'Moved back' },
    });
    expect(back.status).toBe(200);
    expect(await dealKeys()).toEqual(keys);
    expect((await eventsOf(table, 'CustomFieldChanged')).at(-1)!.detail.data).toMatchObject({
      changed: ['label', 'position'],
      position: keys.length - 1,
    });
    // where it is already: nothing changes
    const same = await api('PATCH /custom-fields/{entity}/{key}', {
      params: { entity: 'deal', key: last },
      body: { position: keys.length - 1 },
    });
    expect(same.status).toBe(200);
    expect(same.headers.etag).toBe(back.headers.etag);
  });

  it('a position past the last field is a 422 naming it; a stale If-Match is a 412; sales may not reorder', async () => {
    const keys = await dealKeys();
    const version = (await api('GET /custom-fields')).body.version;
    const past = await api('PATCH /custom-fields/{entity}/{key}', {
      params: { entity: 'deal', key: keys[0] },
      body: { position: keys.length },
    });
    expect(past.status).toBe(422);
    expect(past.body.errors).toEqual([
      {
        path: 'position',
        message: `must be from 0 to ${keys.length - 1}: the deal has ${keys.length} custom fields`,
      },
    ]);
    const negative = await api('PATCH /custom-fields/{entity}/{key}', {
      params: { entity: 'deal', key: keys[0] },
      body: { position: -1 },
    });
    expect(negative.status).toBe(422);
    expect(negative.body.errors[0].path).toBe('position');
    const stale = await api('PATCH /custom-fields/{entity}/{key}', {
      params: { entity: 'deal', key: keys[0] },
      body: { position: 1 },
      headers: { 'If-Match': `"${version - 1}"` },
    });
    expect(stale.status).toBe(412);
    const sales = await api('PATCH /custom-fields/{entity}/{key}', {
      as: users.alice,
      params: { entity: 'deal', key: keys[0] },
      body: { position: 1 },
    });
    expect(sales.status).toBe(403);
    expect((await api('GET /custom-fields')).body.version).toBe(version);
    expect(await dealKeys()).toEqual(keys);
  });
});
