import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { searchWords } from '../../../domain/shared/text.js';
import { users } from '../../support/api.js';
import { crmApi, signIn } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// GET /search on DynamoDB Local: deals by title words, contacts by name, email or phone, companies
// by name or domain, folded as people type ("mue" Müller, "juergen" Jürgen, "weiss" Weiß), each
// kind one Query of its copies or index.

let table: TestTable;
let api: ReturnType<typeof crmApi>;

interface Results {
  deals: { title: string; companyName?: string }[];
  contacts: { name: string; matched: string }[];
  companies: { name: string; matched: string }[];
}

const find = async (q: string, limit?: number) => {
  const res = await api<Results>('GET /search', { query: { q, ...(limit ? { limit: String(limit) } : {}) } });
  expect(res.status).toBe(200);
  return {
    deals: res.body.deals.map((d) => d.title),
    contacts: res.body.contacts.map((c) => c.name),
    companies: res.body.companies.map((c) => c.name),
    raw: res.body,
  };
};

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
  await signIn(api, users.alice);
  const company = async (name: string, domain?: string) =>
    (await api('POST /companies', { body: { name, ...(domain ? { domain } : {}) } })).body;
  const weiss = await company('Weiß Logistik', 'weiss-logistik.de');
  await company('Müller & Söhne GmbH', 'mueller-soehne.de');
  await company('Acme', 'acme.example');
  for (const [firstName, lastName, email, phone] of [
    ['Jürgen', 'Müller', 'j.mueller@example.com', '+49 30 1234567'],
    ['Anna', 'Weiß', 'anna@weiss-logistik.de', '+49 89 7654321'],
    ['Björn', 'Öztürk', 'bjoern@example.org', '0171 5550123'],
    ['Marie', 'Durand', 'marie@durand.fr', '+33 1 23 45 67 89'],
  ] as const) {
    const res = await api('POST /contacts', {
      body: { firstName, lastName, emails: [email], phones: [phone] },
    });
    expect(res.status).toBe(201);
  }
  for (const title of ['Größere Übergabe 2031', 'Müller rollout', 'Durand renewal']) {
    const res = await api('POST /deals', {
      body: {
        title,
        value: { amount: 1000, currency: 'EUR' },
        ownerId: users.alice.sub,
        nextAction: { summary: 'Call', dueAt: '2031-01-01T09:00:00Z' },
        ...(title.startsWith('Größere') ? { companyId: weiss.id } : {}),
      },
      as: users.alice,
    });
    expect(res.status).toBe(201);
  }
});

describe('folding as people type', () => {
  it('"mue" finds Müller as a contact, a company and a deal; "mul" too', async () => {
    for (const q of ['mue', 'mul', 'MÜ', 'Mueller']) {
      const found = await find(q);
      expect(found.contacts, q).toEqual(['Jürgen Müller']);
      expect(found.companies, q).toEqual(['Müller & Söhne GmbH']);
      expect(found.deals, q).toEqual(['Müller rollout']);
    }
  });

  it('"juergen" and "jurgen" find Jürgen; "bjoern oez" finds Björn Öztürk', async () => {
    expect((await find('juergen')).contacts).toEqual(['Jürgen Müller']);
    expect((await find('jurgen')).contacts).toEqual(['Jürgen Müller']);
    expect((await find('bjoern oez')).contacts).toEqual(['Björn Öztürk']);
    expect((await find('oztu bjo')).contacts).toEqual(['Björn Öztürk']);
  });

  it('"weiss" finds Weiß (a contact, a company) and "groess ueberg" a deal', async () => {
    const found = await find('weiss');
    expect(found.contacts).toEqual(['Anna Weiß']);
    expect(found.companies).toEqual(['Weiß Logistik']);
    expect((await find('groess ueberg')).deals).toEqual(['Größere Übergabe 2031']);
    expect((await find('grosse uber')).deals).toEqual(['Größere Übergabe 2031']);
  });
});

describe('contacts by email and phone, companies by domain', () => {
  it('an email by its start', async () => {
    const found = await find('j.mueller@');
    expect(found.contacts).toEqual(['Jürgen Müller']);
    expect(found.raw.contacts[0]!.matched).toBe('email');
    expect((await find('anna@weiss')).contacts).toEqual(['Anna Weiß']);
  });

  it("a phone number by its digits' start, however it is typed", async () => {
    expect((await find('+49 30 123')).contacts).toEqual(['Jürgen Müller']);
    expect((await find('4930')).contacts).toEqual(['Jürgen Müller']);
    expect((await find('0171 555')).contacts).toEqual(['Björn Öztürk']);
    const both = await find('+49');
    expect(both.contacts.sort()).toEqual(['Anna Weiß', 'Jürgen Müller']);
    expect(both.raw.contacts.every((c) => c.matched === 'phone')).toBe(true);
  });

  it('a domain by its start, with or without www. or https://', async () => {
    for (const q of ['mueller-s', 'www.mueller-soehne.de', 'https://mueller-soehne']) {
      const found = await find(q);
      expect(found.companies, q).toEqual(['Müller & Söhne GmbH']);
    }
    expect((await find('acme.ex')).raw.companies).toEqual([
      expect.objectContaining({ name: 'Acme', matched: 'domain' }),
    ]);
  });

  it('each record once, by name first: "weiss" finds Anna by her name, not again by her email', async () => {
    const found = await find('weiss');
    expect(found.raw.contacts).toEqual([expect.objectContaining({ name: 'Anna Weiß', matched: 'name' })]);
    expect(found.raw.companies).toEqual([
      expect.objectContaining({ name: 'Weiß Logistik', matched: 'name' }),
    ]);
  });
});

describe('the answer', () => {
  it("a deal hit carries its company's name", async () => {
    const found = await find('größere');
    expect(found.raw.deals).toEqual([
      expect.objectContaining({ title: 'Größere Übergabe 2031', companyName: 'Weiß Logistik' }),
    ]);
  });

  it('at most `limit` of each kind', async () => {
    for (const name of ['Limo One', 'Limo Two', 'Limo Three'])
      await api('POST /companies', { body: { name } });
    expect((await find('limo', 2)).companies).toHaveLength(2);
    expect((await find('limo')).companies).toHaveLength(3);
  });

  it('nothing to search for is a 422 naming q; no q, or a limit out of range, a 400', async () => {
    const res = await api('GET /search', { query: { q: '--' } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'q' })]);
    expect((await api('GET /search', { query: {} })).status).toBe(400);
    expect((await api('GET /search', { query: { q: 'a', limit: '500' } })).status).toBe(400);
  });

  it('a renamed contact is found by its new name, in both spellings, and no longer by the old', async () => {
    const c = (await api('POST /contacts', { body: { firstName: 'Temp', lastName: 'Schröder' } })).body;
    expect((await find('schroe')).contacts).toEqual(['Temp Schröder']);
    await api('PATCH /contacts/{id}', { params: { id: c.id }, body: { lastName: 'Künzel' } });
    expect((await find('schroe')).contacts).toEqual([]);
    expect((await find('schro')).contacts).toEqual([]);
    expect((await find('kuen')).contacts).toEqual(['Temp Künzel']);
    expect((await find('kun')).contacts).toEqual(['Temp Künzel']);
  });
});

describe('property: a name is found by any prefix of any of its words, in both spellings', () => {
  it('words of letters with and without umlauts', async () => {
    const letter = fc.constantFrom(...'abcdeghmnorstuwzäöüß'.split(''));
    const word = fc.array(letter, { minLength: 2, maxLength: 8 }).map((l) => l.join(''));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(word, { minLength: 1, maxLength: 3 }), fc.nat(), async (parts, pick) => {
        const name = `Zq${++n} ${parts.join(' ')}`;
        const created = await api('POST /companies', { body: { name } });
        expect(created.status).toBe(201);
        // both spellings of the chosen word, each by one of its prefixes
        const raw = parts[pick % parts.length]!;
        const spellings = searchWords(raw);
        for (const spelling of spellings) {
          const prefix = spelling.slice(0, 1 + (pick % spelling.length));
          const res = await api<Results>('GET /search', { query: { q: `zq${n} ${prefix}`, limit: '20' } });
          expect(res.status).toBe(200);
          expect(
            res.body.companies.map((c) => c.name),
            `${name} by "${prefix}"`,
          ).toContain(name);
        }
      }),
      { numRuns: 25 },
    );
  });
});
