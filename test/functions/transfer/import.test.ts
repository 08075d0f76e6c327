import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importIdOf } from '../../../functions/lib/files/file-keys.js';
import { createServices, type Services } from '../../../functions/lib/services.js';
import { transferJobPatterns } from '../../../functions/lib/table/entities/transfer-jobs.js';
import { runImport } from '../../../functions/transfer/use-cases/run-import.js';
import { users } from '../../support/api.js';
import { crmApi, eventsOf, itemCount, reportsApi } from '../../support/crm.js';
import { type TestFiles, testFiles } from '../../support/files.js';
import { type TestTable, testTable } from '../../support/table.js';

// CSV imports against DynamoDB Local and the local runtime's S3: a presigned upload, the
// import job reading the file twice (check, then write), its progress and its rejected-rows
// report; bad files that write nothing; rows that are idempotent when the job runs again.

let table: TestTable;
let s3: TestFiles;
let api: ReturnType<typeof crmApi>;

beforeAll(async () => {
  s3 = await testFiles();
  table = await testTable({ files: s3.files });
  api = crmApi(table);
  for (const as of [users.alice, users.bob, users.manager]) await api('GET /pipelines', { as });
});

afterAll(async () => {
  await s3?.close();
});

interface Imported {
  job: any;
  rejected: Record<string, string>[];
  skipped: Record<string, string>[];
}

/** What `npx handoff import` does: ask, upload, (the upload event starts the job), read the job. */
async function importCsv(
  kind: 'contacts' | 'companies' | 'deals',
  file: string | Buffer,
  options: { onDuplicate?: 'skip' | 'update'; as?: typeof users.alice; runner?: Services } = {},
): Promise<Imported> {
  const asked = await api('POST /imports', {
    as: options.as ?? users.manager,
    body: {
      kind,
      fileName: `${kind}.csv`,
      ...(options.onDuplicate ? { onDuplicate: options.onDuplicate } : {}),
    },
  });
  expect(asked.status, JSON.stringify(asked.body)).toBe(201);
  expect(asked.body).toMatchObject({ status: 'waiting-for-upload', upload: { method: 'PUT' } });
  const put = await fetch(asked.body.upload.url, {
    method: 'PUT',
    headers: asked.body.upload.headers,
    body: typeof file === 'string' ? file : new Uint8Array(file),
  });
  expect(put.status).toBe(200);
  const event = s3.events.at(-1)!;
  expect(importIdOf(event.key)).toBe(asked.body.id);
  await runImport(options.runner ?? table.services, s3.files, asked.body.id, { progressEvery: 100 });
  const job = (
    await api('GET /imports/{id}', { params: { id: asked.body.id }, as: options.as ?? users.manager })
  ).body;
  let rejected: Record<string, string>[] = [];
  if (job.rejectedRows) {
    const res = await fetch(job.rejectedRows.url);
    expect(res.headers.get('content-disposition')).toContain('rejected.csv');
    rejected = parse(await res.text(), { columns: true });
  }
  let skipped: Record<string, string>[] = [];
  if (job.skippedRows) {
    const res = await fetch(job.skippedRows.url);
    expect(res.headers.get('content-disposition')).toContain('skipped.csv');
    skipped = parse(await res.text(), { columns: true });
  }
  return { job, rejected, skipped };
}

describe('importing contacts', () => {
  it('valid rows land, every invalid row is reported with its reason, counts add up', async () => {
    const lines = ['firstName,lastName,email,phones,tags,custom.tier'];
    await api('POST /custom-fields', {
      body: { entity: 'contact', key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'] },
    });
    for (let i = 1; i <= 200; i++) {
      if (i % 10 === 0)
        lines.push(`,Nameless,nobody${i}@example.com,,,`); // no first name
      else if (i % 10 === 5) lines.push(`Bad,Mail,not-an-email-${i},,,`);
      else if (i % 10 === 7) lines.push(`Odd,Tier,odd${i}@example.com,,,platinum`);
      else
        lines.push(`Person${i},"Smith, Jr.",person${i}@example.com,+1 555 ${1000 + i},"lead;imported",gold`);
    }
    const before = await itemCount(table);
    const { job, rejected } = await importCsv('contacts', `${lines.join('\r\n')}\r\n`);
    expect(job).toMatchObject({
      status: 'completed',
      rows: { total: 200, read: 200, created: 140, updated: 0, skipped: 0, rejected: 60 },
    });
    expect(await itemCount(table)).toBeGreaterThan(before);
    expect(rejected).toHaveLength(60);
    expect(rejected[0]).toEqual({ row: '6', field: 'email', reason: 'must be an email address' });
    expect(rejected).toContainEqual({
      row: '8',
      field: 'custom.tier',
      reason: 'must be one of: gold, silver',
    });
    expect(rejected).toContainEqual({ row: '11', field: 'firstName', reason: 'is required' });
    const found = (await api('GET /contacts', { query: { email: 'person1@example.com' } })).body.items[0];
    expect(found).toMatchObject({
      firstName: 'Person1',
      lastName: 'Smith, Jr.',
      phones: ['+1 555 1001'],
      tags: ['lead', 'imported'],
      customFields: { tier: 'gold' },
    });
    expect((await eventsOf(table, 'ContactCreated')).length).toBeGreaterThanOrEqual(140);
    const [finished] = await eventsOf(table, 'ImportFinished');
    expect(finished!.detail.data).toMatchObject({
      importId: job.id,
      status: 'completed',
      rows: { created: 140 },
    });
  });

  it('a warm import function takes the values of a field defined since it last read the definitions', async () => {
    // an import function instance of its own: its first import reads and keeps the definitions
    const runner = createServices({ client: table.client, tableName: table.tableName, files: s3.files });
    const first = await importCsv('contacts', 'firstName,email\r\nWarm,warm-import@example.com\r\n', {
      runner,
    });
    expect(first.job).toMatchObject({ status: 'completed', rows: { created: 1 } });
    // an admin defines a field through the workspace API (another instance)
    const defined = await api('POST /custom-fields', {
      body: { entity: 'contact', key: 'region', label: 'Region', type: 'text' },
    });
    expect(defined.status).toBe(201);
    const { job, rejected } = await importCsv(
      'contacts',
      'firstName,email,custom.region\r\nNew,region-import@example.com,EMEA\r\n',
      { runner },
    );
    expect(rejected).toEqual([]);
    expect(job).toMatchObject({ status: 'completed', rows: { created: 1, rejected: 0 } });
    const found = (await api('GET /contacts', { query: { email: 'region-import@example.com' } })).body
      .items[0];
    expect(found.customFields).toEqual({ region: 'EMEA' });
  });

  it('a row matching an existing email is skipped, or updated when the import says so', async () => {
    const file = 'firstName,email,title\nPerson1,person1@example.com,CTO\nNew,new.person@example.com,\n';
    const skipped = await importCsv('contacts', file);
    expect(skipped.job.rows).toMatchObject({ created: 1, skipped: 1, updated: 0 });
    const person = (await api('GET /contacts', { query: { email: 'person1@example.com' } })).body.items[0];
    expect(skipped.skipped).toEqual([
      {
        row: '2',
        reason: `matches contact ${person.id}, and the import skips duplicates (onDuplicate: skip)`,
      },
    ]);
    const updated = await importCsv('contacts', file, { onDuplicate: 'update' });
    expect(updated.job.rows).toMatchObject({ created: 0, updated: 1, skipped: 1 });
    const newOne = (await api('GET /contacts', { query: { email: 'new.person@example.com' } })).body.items[0];
    expect(updated.skipped).toEqual([
      { row: '3', reason: `matches contact ${newOne.id}, which already has these values` },
    ]);
    expect((await api('GET /contacts/{id}', { params: { id: person.id } })).body).toMatchObject({
      title: 'CTO',
      tags: ['lead', 'imported'],
    });
  });

  it('rows repeating an earlier row of the file are reported, and the first one wins, in either mode', async () => {
    for (const onDuplicate of ['skip', 'update'] as const) {
      const file = [
        'firstName,email,title',
        `First,twin.${onDuplicate}@example.com,CEO`,
        `Other,solo.${onDuplicate}@example.com,`,
        `Second,TWIN.${onDuplicate}@example.com,Intern`,
      ].join('\n');
      const { job, skipped } = await importCsv('contacts', file, { onDuplicate });
      expect(job.rows).toMatchObject({ created: 2, skipped: 1, updated: 0, rejected: 0 });
      expect(skipped).toEqual([
        {
          row: '4',
          reason: `has the same email as row 2 (twin.${onDuplicate}@example.com): in one file the first row wins`,
        },
      ]);
      const twin = (await api('GET /contacts', { query: { email: `twin.${onDuplicate}@example.com` } })).body
        .items;
      expect(twin).toHaveLength(1);
      expect(twin[0]).toMatchObject({ firstName: 'First', title: 'CEO' });
    }
    // the same invalid email twice: two rejections, not a twin
    const bad = await importCsv('contacts', 'firstName,email\nA,not-an-email\nB,not-an-email\n');
    expect(bad.job.rows).toMatchObject({ created: 0, skipped: 0, rejected: 2 });
  });

  it('run again (a retry after a crash), an import finds what it wrote instead of writing it twice', async () => {
    const file = 'firstName,email\nRerun,rerun@example.com\nTwice,twice@example.com\n';
    const { job } = await importCsv('contacts', file);
    const contactsBefore = (await eventsOf(table, 'ContactCreated')).length;
    // the job is finished: a second delivery of the upload event does nothing
    expect(await runImport(table.services, s3.files, job.id)).toMatchObject({ ran: false });
    // a crash mid-way left the job held; once its lease lapses, a retry runs it from the start
    await table.services.store.updateIf(
      transferJobPatterns.importRun,
      {
        key: { pk: `IMPORT#${job.id}`, sk: 'IMPORT' },
        expression: 'SET #s = :importing, leaseUntil = :past',
        names: { '#s': 'status' },
        values: { ':importing': 'importing', ':past': '2000-01-01T00:00:00.000Z' },
      },
      { expression: 'attribute_exists(pk)' },
    );
    const again = await runImport(table.services, s3.files, job.id);
    expect(again).toMatchObject({ ran: true, status: 'completed', rows: { created: 2, rejected: 0 } });
    expect((await eventsOf(table, 'ContactCreated')).length).toBe(contactsBefore);
  });

  it('a failure of the table half-way (injected) gives the job back; the retry completes it once', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `Crash${i},crash${i}@example.com`);
    const asked = await api('POST /imports', { as: users.manager, body: { kind: 'contacts' } });
    await fetch(asked.body.upload.url, { method: 'PUT', body: `firstName,email\n${rows.join('\n')}\n` });
    const transact = table.services.store.transact.bind(table.services.store);
    let writes = 0;
    table.services.store.transact = async (w) => {
      if (++writes === 12)
        throw Object.assign(new Error('injected: throttled'), { name: 'ThrottlingException' });
      return transact(w);
    };
    try {
      await expect(runImport(table.services, s3.files, asked.body.id)).rejects.toThrow('injected');
    } finally {
      table.services.store.transact = transact;
    }
    const after = await runImport(table.services, s3.files, asked.body.id);
    expect(after).toMatchObject({ ran: true, status: 'completed', rows: { created: 30 } });
    const created = (await eventsOf(table, 'ContactCreated')).filter((e) =>
      e.detail.data.contact.emails[0]?.startsWith('crash'),
    );
    expect(created).toHaveLength(30);
  });
});

describe('files that cannot be read write nothing', () => {
  const failed = async (file: string | Buffer) => {
    const before = await itemCount(table);
    const { job } = await importCsv('contacts', file);
    expect(job.status).toBe('failed');
    expect(job.rows.created).toBe(0);
    // the job's own item and its ImportFinished event: no record
    expect(await itemCount(table)).toBe(before + 2);
    return job.error;
  };

  it('a wrong header names the unknown and missing columns', async () => {
    expect(await failed('first_name,e-mail\nAda,ada@example.com\n')).toEqual({
      title: 'The header is wrong',
      detail: expect.stringMatching(
        /^missing required column\(s\): firstName; unknown column\(s\): first_name, e-mail\. The columns are: id, firstName, lastName, email/,
      ),
      line: 1,
    });
  });

  it('a file that is not UTF-8 says so, with the line', async () => {
    const latin1 = Buffer.from(
      'firstName,email\nZoe,zoe@example.com\nRen\xe9e,renee@example.com\n',
      'latin1',
    );
    expect(await failed(latin1)).toEqual({
      title: 'The file is not UTF-8',
      detail: 'the bytes near line 3 are not UTF-8 text; save the file as "CSV UTF-8" and upload it again',
      line: 3,
    });
  });

  it('a quote that never closes names the line it opens on', async () => {
    expect(await failed('firstName,notes\nAda,"fine"\nGrace,"never closed\nAlan,x\n')).toEqual({
      title: 'A quote never closes',
      detail: 'the quoted value that starts on line 3 has no closing quote',
      line: 3,
    });
  });

  it('an empty file, and a file over 50,000 rows', async () => {
    expect((await failed('')).title).toBe('The file is empty');
    const big = `firstName\n${'x\n'.repeat(50_001)}`;
    expect(await failed(big)).toEqual({
      title: 'Too many rows',
      detail: 'one import takes at most 50000 rows; split the file (row 50002 is the first one too many)',
    });
  });

  it('property: whatever bytes are uploaded, the import completes or fails with a reason, never half-written', async () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('"', '""', '"a,b"', '\n', '\r\n', ',', 'ada@example.com', '\u00e9', ' '),
    );
    const file = fc.oneof(
      fc
        .array(fc.array(cell, { maxLength: 4 }), { maxLength: 8 })
        .map((rows) => ['firstName,email', ...rows.map((r) => r.join(','))].join('\n')),
      fc
        .uint8Array({ maxLength: 200 })
        .map((bytes) => Buffer.concat([Buffer.from('firstName,email\n'), bytes])),
    );
    await fc.assert(
      fc.asyncProperty(file, async (content) => {
        const { job } = await importCsv('contacts', content);
        expect(['completed', 'failed']).toContain(job.status);
        if (job.status === 'failed') expect(job.error.detail).toBeTruthy();
        else
          expect(job.rows.created + job.rows.updated + job.rows.skipped + job.rows.rejected).toBe(
            job.rows.read,
          );
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 25) },
    );
  });
});

describe('importing companies and deals', () => {
  it('companies: address columns, dedupe by domain', async () => {
    const file =
      'name,domain,city,country,tags\nGlobex,globex.example,Springfield,US,key account\nGlobex Two,globex.example,,,\nInitech,initech.example,Austin,usa,\n';
    const { job, rejected, skipped } = await importCsv('companies', file, { onDuplicate: 'update' });
    expect(job.rows).toMatchObject({ created: 1, updated: 0, skipped: 1, rejected: 1 });
    expect(rejected).toEqual([
      { row: '4', field: 'country', reason: 'must be an ISO 3166-1 alpha-2 country code, e.g. DE' },
    ]);
    expect(skipped).toEqual([
      { row: '3', reason: 'has the same domain as row 2 (globex.example): in one file the first row wins' },
    ]);
  });

  it('deals: amounts in major units, stages by name, contacts by email, routing, totals on the report', async () => {
    await api('PUT /lead-routing', {
      body: {
        rules: [
          {
            name: 'Web',
            match: { leadSources: ['web'] },
            assign: { type: 'round-robin', ownerIds: [users.alice.sub, users.bob.sub] },
          },
        ],
      },
    });
    const header =
      'title,amount,currency,ownerId,stage,leadSource,contactEmail,companyDomain,nextAction,nextActionDue,expectedCloseDate';
    const file = [
      header,
      `Big,1234.50,EUR,${users.manager.sub},Proposal,referral,person1@example.com,globex.example,Send proposal,2031-01-10T09:00:00Z,2031-02-15`,
      'Routed one,99,EUR,,Lead,web,,,Call,2031-01-11T09:00:00Z,',
      'Routed two,100,USD,,lead,web,,,Call,2031-01-11T09:00:00Z,',
      'Bad amount,1.234,EUR,,Lead,web,,,Call,2031-01-11T09:00:00Z,',
      'Bad stage,5,EUR,u-manager,Closing,web,,,Call,2031-01-11T09:00:00Z,',
      'No next action,5,EUR,u-manager,Lead,,nobody@nowhere.example,,,,',
      'Typo owner,5,EUR,ghost-user,Lead,,,,Call,2031-01-11T09:00:00Z,',
    ].join('\n');
    const { job, rejected } = await importCsv('deals', file);
    expect(job.rows).toMatchObject({ total: 7, created: 3, rejected: 4 });
    expect(rejected).toEqual([
      {
        row: '5',
        field: 'amount',
        reason: 'must be an amount in EUR such as 1234.56 (no thousands separators)',
      },
      {
        row: '6',
        field: 'stage',
        reason: 'is not a stage of pipeline Sales: Lead, Qualified, Proposal, Negotiation',
      },
      { row: '7', field: 'contactEmail', reason: 'no contact has the email nobody@nowhere.example' },
      { row: '7', field: 'nextAction', reason: 'an open deal must have a next action' },
      {
        row: '8',
        field: 'ownerId',
        reason: 'ghost-user is not a known user (people appear in GET /users once they have signed in)',
      },
    ]);
    const deals = (await api('GET /deals', { query: { leadSource: 'web' } })).body.items;
    expect(deals.map((d: { ownerId: string }) => d.ownerId).sort()).toEqual([users.alice.sub, users.bob.sub]);
    const big = (await api('GET /deals', { query: { leadSource: 'referral' } })).body.items[0];
    expect(big).toMatchObject({ value: { amount: 123_450, currency: 'EUR' }, stageId: 'st_proposal' });
    expect(big.contactId).toBeDefined();
    expect(big.companyId).toBeDefined();
    const pipeline = await reportsApi(table)('GET /reports/pipeline', { as: users.manager });
    const proposal = pipeline.body.stages.find((s: { stageId: string }) => s.stageId === 'st_proposal');
    expect(proposal.value).toContainEqual({ currency: 'EUR', amount: 123_450 });
  });

  it('sales import only what they may write: deals owned by someone else are rejected', async () => {
    const file = `title,amount,currency,ownerId,nextAction,nextActionDue\nMine,1,EUR,${users.alice.sub},Call,2031-01-01T09:00:00Z\nBob's,1,EUR,${users.bob.sub},Call,2031-01-01T09:00:00Z\n`;
    const { job, rejected } = await importCsv('deals', file, { as: users.alice });
    expect(job.rows).toMatchObject({ created: 1, rejected: 1 });
    expect(rejected[0]).toMatchObject({ row: '3', field: '(row)' });
    expect(rejected[0]!.reason).toMatch(/sales can create only deals they own/);
  });
});

describe('who sees an import', () => {
  it('its maker, managers and admins; delivery may not import', async () => {
    const { job } = await importCsv('contacts', 'firstName\nSolo\n', { as: users.alice });
    expect((await api('GET /imports/{id}', { params: { id: job.id }, as: users.bob })).status).toBe(403);
    expect((await api('GET /imports/{id}', { params: { id: job.id }, as: users.manager })).status).toBe(200);
    const mine = await api('GET /imports', { as: users.alice });
    expect(mine.body.items[0].id).toBe(job.id);
    expect((await api('POST /imports', { as: users.dana, body: { kind: 'contacts' } })).status).toBe(403);
  });
});
