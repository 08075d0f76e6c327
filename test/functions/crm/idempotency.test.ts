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

describe('Idempotency-Key on POST', () => {
  const body = { name: 'Retry Corp' };

  it('a retry with the same key returns the first response and writes nothing', async () => {
    const first = await api('POST /companies', { body, headers: { 'Idempotency-Key': 'k-1' } });
    expect(first.status).toBe(201);
    const count = await itemCount(table);
    const retry = await api('POST /companies', { body, headers: { 'Idempotency-Key': 'k-1' } });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await itemCount(table)).toBe(count);
    expect(await eventsOf(table, 'CompanyCreated')).toHaveLength(1);
  });

  it('the same key with a different body is a 422, and nothing is written', async () => {
    const count = await itemCount(table);
    const other = await api('POST /companies', {
      body: { name: 'Other' },
      headers: { 'Idempotency-Key': 'k-1' },
    });
    expect(other.status).toBe(422);
    expect(other.body.errors[0].path).toBe('Idempotency-Key');
    expect(await itemCount(table)).toBe(count);
  });

  it('keys are per caller: another user with the same key makes their own record', async () => {
    const mine = await api('POST /companies', {
      body,
      headers: { 'Idempotency-Key': 'k-2' },
      as: users.alice,
    });
    const theirs = await api('POST /companies', {
      body,
      headers: { 'Idempotency-Key': 'k-2' },
      as: users.bob,
    });
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('a refused request is not remembered: the corrected retry with the same key goes through', async () => {
    const refused = await api('POST /companies', {
      body: { name: '' },
      headers: { 'Idempotency-Key': 'k-3' },
    });
    expect(refused.status).toBe(422);
    const corrected = await api('POST /companies', {
      body: { name: 'Fixed' },
      headers: { 'Idempotency-Key': 'k-3' },
    });
    expect(corrected.status).toBe(201);
  });

  it('concurrent duplicates create one record', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        api('POST /companies', { body: { name: 'Once' }, headers: { 'Idempotency-Key': 'k-4' } }),
      ),
    );
    const ids = new Set(results.filter((r) => r.status === 201).map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const created = (await eventsOf(table, 'CompanyCreated')).filter(
      (e) => e.detail.data.company.name === 'Once',
    );
    expect(created).toHaveLength(1);
  });
});
