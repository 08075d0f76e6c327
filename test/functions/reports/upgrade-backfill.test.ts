import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { searchWords } from '../../../domain/shared/text.js';
import { rebuildReportTotals } from '../../../functions/reports/use-cases/rebuild-report-totals.js';
import { rewriteOlderRecords } from '../../../functions/reports/use-cases/rewrite-older-records.js';
import { users } from '../../support/api.js';
import { crmApi, signIn } from '../../support/crm.js';
import { servicesOf, type TestTable, testTable } from '../../support/table.js';

// Upgrading a deployment with data (docs/operations.md): records written before global search
// and due lists lack the copies and index keys those read. Here they are made as an older
// version left them (on DynamoDB Local, by hand: the item without its new keys, the new copies
// gone); RebuildReports with `apply` writes them again, after which search finds them in both
// spellings, by email, phone and domain, the deal carries its company's name, and the badge
// counts the late next action and CRM task.

let table: TestTable;
let api: ReturnType<typeof crmApi>;
const T0 = '2030-03-12T07:00:00.000Z';
const ids: Record<string, string> = {};

const raw = (key: Record<string, string>) =>
  table.services.store.doc
    .send(new GetCommand({ TableName: table.tableName, Key: key }))
    .then((r) => r.Item!);
const put = (item: Record<string, unknown>) =>
  table.services.store.doc.send(new PutCommand({ TableName: table.tableName, Item: item }));
const remove = (pk: string, sk: string) =>
  table.services.store.doc.send(new DeleteCommand({ TableName: table.tableName, Key: { pk, sk } }));
const without = (item: Record<string, unknown>, ...names: string[]) =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !names.includes(k)));

const search = async (q: string) => (await api('GET /search', { at: T0, query: { q } })).body;

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
  await signIn(api, users.alice);
  const company = await api('POST /companies', {
    body: { name: 'Müller & Söhne', domain: 'mueller-soehne.de' },
  });
  const contact = await api('POST /contacts', {
    body: {
      firstName: 'Jürgen',
      lastName: 'Weiß',
      emails: ['jw@mueller-soehne.de'],
      phones: ['+49 30 1234567'],
    },
  });
  const deal = await api('POST /deals', {
    as: users.alice,
    at: T0,
    body: {
      title: 'Größere Übergabe',
      value: { amount: 1, currency: 'EUR' },
      ownerId: users.alice.sub,
      companyId: company.body.id,
      nextAction: { summary: 'Call', dueAt: '2030-03-11T09:00:00.000Z' },
    },
  });
  const task = await api('POST /activities', {
    as: users.alice,
    at: T0,
    body: {
      type: 'task',
      subject: 'Send the offer',
      dealId: deal.body.id,
      dueAt: '2030-03-11T10:00:00.000Z',
    },
  });
  for (const res of [company, contact, deal, task]) expect(res.status, JSON.stringify(res.body)).toBe(201);
  Object.assign(ids, { company: company.body.id, contact: contact.body.id, deal: deal.body.id });

  // as an older version stored them
  const c = await raw({ pk: `COMPANY#${ids.company}`, sk: 'COMPANY' });
  await put(without(c, 'layout', 'gsi6pk', 'gsi6sk'));
  for (const w of searchWords(c.name)) await remove('WORDS#company', `${w}#${ids.company}`);
  const p = await raw({ pk: `CONTACT#${ids.contact}`, sk: 'CONTACT' });
  await put(without(p, 'layout'));
  const guard = await raw({ pk: 'EMAIL#jw@mueller-soehne.de', sk: 'CONTACT' });
  await put(without(guard, 'gsi6pk', 'gsi6sk'));
  await remove('PHONES#contact', `49301234567#${ids.contact}`);
  for (const w of searchWords('Jürgen', 'Weiß')) await remove('WORDS#contact', `${w}#${ids.contact}`);
  const d = await raw({ pk: `DEAL#${ids.deal}`, sk: 'DEAL' });
  await put({ ...without(d, 'companyName'), layout: 4 });
  for (const w of searchWords(d.title)) await remove('WORDS#deal', `${w}#${ids.deal}`);
  await remove(`DUE-LIST#${users.alice.sub}`, `2030-03-11T09:00:00.000Z#overdue-next-action#${ids.deal}`);
  await remove(`DUE-LIST#${users.alice.sub}`, `2030-03-11T10:00:00.000Z#overdue-activity#${task.body.id}`);
});

describe('before the rebuild', () => {
  it('search and the badge miss them', async () => {
    expect(await search('mue')).toMatchObject({ deals: [], contacts: [], companies: [] });
    expect((await search('jw@mue')).contacts).toEqual([]);
    const badge = await api('GET /followups/summary', { as: users.alice, at: T0 });
    expect(badge.body.total).toBe(0);
  });
});

describe('RebuildReports with apply', () => {
  it('writes them again: found by both spellings, email, phone and domain; named; counted', async () => {
    const rebuilder = servicesOf(table, 'RebuildReports');
    const totals = await rebuildReportTotals(rebuilder, { apply: true });
    expect(totals.reindexed).toBe(1);
    expect(await rewriteOlderRecords(rebuilder)).toEqual({ contacts: 1, companies: 1, dueEntries: 1 });

    expect((await search('mue')).companies.map((x: { name: string }) => x.name)).toEqual(['Müller & Söhne']);
    expect((await search('juergen')).contacts.map((x: { name: string }) => x.name)).toEqual(['Jürgen Weiß']);
    expect((await search('weiss')).contacts.map((x: { name: string }) => x.name)).toEqual(['Jürgen Weiß']);
    expect((await search('jw@mue')).contacts.map((x: { name: string }) => x.name)).toEqual(['Jürgen Weiß']);
    expect((await search('+49 30')).contacts.map((x: { name: string }) => x.name)).toEqual(['Jürgen Weiß']);
    expect((await search('mueller-s')).companies.map((x: { name: string }) => x.name)).toEqual([
      'Müller & Söhne',
    ]);
    expect((await search('groesser')).deals).toEqual([
      expect.objectContaining({ title: 'Größere Übergabe', companyName: 'Müller & Söhne' }),
    ]);
    const badge = await api('GET /followups/summary', { as: users.alice, at: T0 });
    expect(badge.body).toMatchObject({ lateNextActions: 1, overdueTasks: 1, total: 2 });
  });

  it('a second run writes no record again', async () => {
    const rebuilder = servicesOf(table, 'RebuildReports');
    expect((await rebuildReportTotals(rebuilder, { apply: true })).reindexed).toBe(0);
    expect(await rewriteOlderRecords(rebuilder)).toMatchObject({ contacts: 0, companies: 0 });
  });
});
