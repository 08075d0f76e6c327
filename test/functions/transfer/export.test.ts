import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport } from '../../../functions/transfer/use-cases/run-export.js';
import { runImport } from '../../../functions/transfer/use-cases/run-import.js';
import { users } from '../../support/api.js';
import { crmApi, eventsOf, itemCount, signIn } from '../../support/crm.js';
import { type TestFiles, testFiles } from '../../support/files.js';
import { type TestTable, testTable } from '../../support/table.js';

// CSV exports against DynamoDB Local and the local S3: a segment or a list filter, written by
// the export job with the columns an import reads, so that an export imports again unchanged.

let table: TestTable;
let s3: TestFiles;
let api: ReturnType<typeof crmApi>;

beforeAll(async () => {
  s3 = await testFiles();
  table = await testTable({ files: s3.files });
  api = crmApi(table);
  await signIn(api, users.alice, users.bob);
  await api('POST /custom-fields', {
    body: { entity: 'contact', key: 'budget', label: 'Budget', type: 'money' },
  });
  const acme = (await api('POST /companies', { body: { name: 'Acme', domain: 'acme.example' } })).body;
  for (const [firstName, tags, extra] of [
    [
      'Ada',
      ['vip'],
      {
        emails: ['ada@example.com', 'ada@home.example'],
        customFields: { budget: { amount: 150_000, currency: 'EUR' } },
      },
    ],
    ['Grace', ['vip'], { companyId: acme.id, notes: 'Line one\nline two, with "quotes"' }],
    ['Alan', [], {}],
  ] as const) {
    expect((await api('POST /contacts', { body: { firstName, tags, ...extra } })).status).toBe(201);
  }
  await api('POST /deals', {
    body: {
      title: 'Engine',
      value: { amount: 1_234_567, currency: 'JPY' },
      ownerId: users.alice.sub,
      nextAction: { summary: 'Call', dueAt: '2031-01-01T09:00:00Z' },
      tags: ['vip'],
    },
  });
});

afterAll(async () => {
  await s3?.close();
});

async function exported(body: Record<string, unknown>, as = users.dana) {
  const asked = await api('POST /exports', { body, as });
  expect(asked.status, JSON.stringify(asked.body)).toBe(201);
  expect(asked.body).toMatchObject({ status: 'queued', download: null });
  const [requested] = (await eventsOf(table, 'ExportRequested')).filter(
    (e) => e.detail.data.exportId === asked.body.id,
  );
  expect(requested).toBeDefined();
  await runExport(table.services, s3.files, asked.body.id);
  const job = (await api('GET /exports/{id}', { params: { id: asked.body.id }, as })).body;
  expect(job.status).toBe('completed');
  const text = await (await fetch(job.download.url)).text();
  return { job, text, rows: parse(text, { columns: true }) as Record<string, string>[] };
}

describe('exports', () => {
  it('a filter with a value range and any of several tags: one Query per tag, each deal once', async () => {
    const { rows } = await exported({
      kind: 'deals',
      filter: { tagsAny: ['vip', 'enterprise'], currency: 'JPY', valueMin: 1_000_000 },
    });
    expect(rows.map((r) => r.title)).toEqual(['Engine']);
    const none = await exported({ kind: 'deals', filter: { currency: 'JPY', valueMin: 2_000_000 } });
    expect(none.rows).toEqual([]);
  });

  it("a segment's contacts, with lists joined by ; and custom fields as custom.<key>", async () => {
    const vip = (
      await api('POST /segments', { body: { name: 'VIP', entity: 'contact', filter: { tag: 'vip' } } })
    ).body;
    const { job, rows } = await exported({ kind: 'contacts', segmentId: vip.id });
    expect(job.rows).toBe(2);
    const ada = rows.find((r) => r.firstName === 'Ada')!;
    expect(ada).toMatchObject({
      email: 'ada@example.com',
      otherEmails: 'ada@home.example',
      tags: 'vip',
      'custom.budget': '1500.00 EUR',
    });
    expect(rows.find((r) => r.firstName === 'Grace')!.notes).toBe('Line one\nline two, with "quotes"');
  });

  it('a list filter; deals with amounts in major units of their currency', async () => {
    const { rows } = await exported({ kind: 'deals', filter: { tag: 'vip', status: 'open' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      title: 'Engine',
      amount: '1234567',
      currency: 'JPY',
      nextAction: 'Call',
    });
  });

  it('an export imports again unchanged: every row matches its record by id and changes nothing', async () => {
    const { text } = await exported({ kind: 'contacts' });
    const asked = await api('POST /imports', {
      as: users.manager,
      body: { kind: 'contacts', onDuplicate: 'update' },
    });
    await fetch(asked.body.upload.url, { method: 'PUT', body: text });
    const before = await itemCount(table);
    const outcome = await runImport(table.services, s3.files, asked.body.id);
    expect(outcome).toMatchObject({
      status: 'completed',
      rows: { read: 3, created: 0, updated: 0, skipped: 3 },
    });
    // nothing but the import's ImportFinished event
    expect(await itemCount(table)).toBe(before + 1);
  });

  it('bad questions: a segment of another kind, a filter no index answers, an unknown segment', async () => {
    const before = await itemCount(table);
    const deals = (await api('POST /segments', { body: { name: 'Deals', entity: 'deal', filter: {} } })).body;
    const after = await itemCount(table);
    const other = await api('POST /exports', { body: { kind: 'contacts', segmentId: deals.id } });
    expect(other.status).toBe(422);
    expect(other.body.errors).toEqual([
      { path: 'segmentId', message: `segment ${deals.id} lists deals, not contacts` },
    ]);
    const unindexed = await api('POST /exports', { body: { kind: 'deals', filter: { stageId: 'st_lead' } } });
    expect(unindexed.status).toBe(422);
    expect(unindexed.body.errors[0].path).toBe('filter.stageId');
    expect(
      (await api('POST /exports', { body: { kind: 'contacts', segmentId: 'seg_missing' } })).status,
    ).toBe(404);
    expect(
      (await api('POST /exports', { body: { kind: 'contacts', filter: {}, segmentId: deals.id } })).status,
    ).toBe(422);
    expect(await itemCount(table)).toBe(after);
    expect(after).toBeGreaterThan(before);
  });
});
