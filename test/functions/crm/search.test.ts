import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { nameWords } from '../../../domain/shared/text.js';
import { users } from '../../support/api.js';
import { crmApi, signIn } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// Search as people type, on DynamoDB Local: any word of a name by its start, whatever the
// accents and case ("dur" → Durand, "muller" → Müller, "strasse" → Straße), one Query of the
// name-word copies; each record once, across pages.

let table: TestTable;
let api: ReturnType<typeof crmApi>;

const names = (res: { body: { items: { firstName?: string; lastName?: string; name?: string }[] } }) =>
  res.body.items.map((i) => i.name ?? [i.firstName, i.lastName].filter(Boolean).join(' '));

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
  for (const [firstName, lastName] of [
    ['Marie', 'Durand'],
    ['Anna', 'Andersen'],
    ['Jean-Luc', "O'Neil"],
    ['Zoë', 'Dupont'],
    ['Søren', 'Kierkegaard'],
  ]) {
    expect((await api('POST /contacts', { body: { firstName, lastName } })).status).toBe(201);
  }
  for (const name of ['Zürich Müller AG', 'Große Straße GmbH', 'Acme', 'Durable Goods Inc']) {
    expect((await api('POST /companies', { body: { name } })).status).toBe(201);
  }
});

describe('contacts', () => {
  it('by the start of any part of the name, first or last', async () => {
    expect(names(await api('GET /contacts', { query: { q: 'dur' } }))).toEqual(['Marie Durand']);
    expect(names(await api('GET /contacts', { query: { q: 'DU' } }))).toEqual(['Zoë Dupont', 'Marie Durand']);
    expect(names(await api('GET /contacts', { query: { q: 'luc' } }))).toEqual(["Jean-Luc O'Neil"]);
    expect(names(await api('GET /contacts', { query: { q: 'neil' } }))).toEqual(["Jean-Luc O'Neil"]);
    expect(names(await api('GET /contacts', { query: { q: 'zoe' } }))).toEqual(['Zoë Dupont']);
    expect(names(await api('GET /contacts', { query: { q: 'soren' } }))).toEqual(['Søren Kierkegaard']);
    expect(names(await api('GET /contacts', { query: { q: 'xyz' } }))).toEqual([]);
  });

  it('a full name in order, with several words', async () => {
    expect(names(await api('GET /contacts', { query: { q: 'marie dur' } }))).toEqual(['Marie Durand']);
    expect(names(await api('GET /contacts', { query: { q: 'durand marie' } }))).toEqual([]);
  });

  it('a record matching on two of its words is listed once, across pages too', async () => {
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await api('GET /contacts', {
        query: { q: 'an', limit: '1', ...(cursor ? { cursor } : {}) },
      });
      expect(res.status).toBe(200);
      all.push(...names(res));
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    expect(all).toEqual(['Anna Andersen']);
  });

  it('a renamed contact is found by its new name only; a deleted one not at all', async () => {
    const c = (await api('POST /contacts', { body: { firstName: 'Temp', lastName: 'Oldname' } })).body;
    await api('PATCH /contacts/{id}', { params: { id: c.id }, body: { lastName: 'Newname' } });
    expect(names(await api('GET /contacts', { query: { q: 'oldname' } }))).toEqual([]);
    expect(names(await api('GET /contacts', { query: { q: 'newn' } }))).toEqual(['Temp Newname']);
    await api('DELETE /contacts/{id}', { params: { id: c.id } });
    expect(names(await api('GET /contacts', { query: { q: 'temp' } }))).toEqual([]);
  });
});

describe('companies', () => {
  it('by the start of any word, ü, ß and the rest folded as typed', async () => {
    expect(names(await api('GET /companies', { query: { q: 'muller' } }))).toEqual(['Zürich Müller AG']);
    expect(names(await api('GET /companies', { query: { q: 'zurich' } }))).toEqual(['Zürich Müller AG']);
    expect(names(await api('GET /companies', { query: { q: 'strasse' } }))).toEqual(['Große Straße GmbH']);
    expect(names(await api('GET /companies', { query: { q: 'STRAßE' } }))).toEqual(['Große Straße GmbH']);
    expect(names(await api('GET /companies', { query: { q: 'dur' } }))).toEqual(['Durable Goods Inc']);
    expect(names(await api('GET /companies', { query: { q: 'große str' } }))).toEqual(['Große Straße GmbH']);
  });
});

describe('name words', () => {
  it('property: every word of a name finds it by any prefix of its folded form', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }),
        (parts) => {
          const words = nameWords(...parts);
          for (const word of words) {
            expect(nameWords(word)).toEqual([word]);
            expect(word).toBe(word.toLowerCase());
          }
          expect([...words].sort()).toEqual(words);
        },
      ),
    );
  });
});

describe('deals', () => {
  it('by the start of any word of the title, all words given, narrowed by the other filters', async () => {
    await signIn(api, users.alice, users.bob);
    const deal = async (title: string, ownerId: string) =>
      expect(
        (
          await api('POST /deals', {
            body: {
              title,
              value: { amount: 100, currency: 'EUR' },
              ownerId,
              nextAction: { summary: 'Call', dueAt: '2031-01-01T09:00:00Z' },
            },
          })
        ).status,
      ).toBe(201);
    await deal('Zürich Rollout 2031', users.alice.sub);
    await deal('Rollout phase two', users.bob.sub);
    await deal('Support renewal', users.alice.sub);
    const titles = async (query: Record<string, string>) =>
      (await api('GET /deals', { query })).body.items.map((d: { title: string }) => d.title);
    // the same word: by id, so in the order they were made
    expect(await titles({ q: 'roll' })).toEqual(['Zürich Rollout 2031', 'Rollout phase two']);
    expect(await titles({ q: 'zurich' })).toEqual(['Zürich Rollout 2031']);
    expect(await titles({ q: 'roll zur' })).toEqual(['Zürich Rollout 2031']);
    expect(await titles({ q: 'roll', ownerId: users.bob.sub })).toEqual(['Rollout phase two']);
    expect(await titles({ q: 'ren' })).toEqual(['Support renewal']);
    const blank = await api('GET /deals', { query: { q: '--' } });
    expect(blank.status).toBe(400);
    expect(blank.body.errors).toEqual([{ path: 'q', message: 'has no letters or digits to search for' }]);
  });
});

describe('a name or title of many words', () => {
  it('is written within one transaction (DynamoDB takes at most 100 items): its first twelve words are searchable', async () => {
    // 66 different words in 200 characters: a..z, then two-letter ones
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const title = [...letters]
      .concat(Array.from({ length: 40 }, (_, i) => `${letters[Math.floor(i / 26)]}${letters[i % 26]}`))
      .join(' ');
    const res = await api('POST /deals', {
      body: {
        title,
        value: { amount: 1, currency: 'EUR' },
        ownerId: users.admin.sub,
        tags: Array.from({ length: 20 }, (_, i) => `tag${i}`),
        nextAction: { summary: 'Call', dueAt: '2031-01-01T09:00:00Z' },
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(
      (await api('GET /deals', { query: { q: 'k' } })).body.items.map((d: { id: string }) => d.id),
    ).toEqual([res.body.id]);
    // past the first twelve words, a title is not searched
    expect((await api('GET /deals', { query: { q: 'bn' } })).body.items).toEqual([]);
    const renamed = await api('PATCH /deals/{id}', {
      params: { id: res.body.id },
      body: {
        title: Array.from(
          { length: 66 },
          (_, i) => `${letters[Math.floor(i / 26) + 5]}${letters[i % 26]}`,
        ).join(' '),
      },
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
  });
});
