import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../infra/local/runtime.js';
import { type RunningLocal, startLocal } from '../support/local-runtime.js';

// CSV import and export, and the reports, on the local runtime as a user drives them: the
// `handoff` CLI asks the API for an import, uploads the file to the local S3 through the
// presigned link, S3's "Object Created" event crosses the bus to the import function, and the
// CLI follows the job to its summary. Then the reports a manager reads match a rebuild.

let local: RunningLocal;
let manager: string;
const dir = mkdtempSync(join(tmpdir(), 'handoff-csv-'));

beforeAll(async () => {
  local = await startLocal();
  manager = await local.token({ user: 'mia', groups: ['manager'] });
  await local.api('GET', '/me', { token: manager });
}, 180_000);

afterAll(async () => {
  await local?.stop();
});

/** Runs the CLI as a user would (asynchronously: the test's own connections stay alive meanwhile). */
function handoff(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin/handoff.mjs'), ...args, '--api', local.apiUrl, '--token', manager],
      { cwd: dir, env: { ...process.env, NO_COLOR: '1' } },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('CSV on the local runtime', () => {
  it('npx handoff import: upload, the S3 event starts the import, progress, summary, rejected rows', async () => {
    const lines = ['firstName,lastName,email,tags'];
    // every 20th row is refused; every odd one is tagged vip (the export below reads them back)
    for (let i = 1; i <= 100; i++) {
      lines.push(
        i % 20 === 0
          ? `Bad${i},,not-an-email,`
          : `Person${i},Doe,person${i}@example.com,${i % 2 ? 'vip' : ''}`,
      );
    }
    writeFileSync(join(dir, 'people.csv'), `${lines.join('\n')}\n`);
    const run = await handoff('import', 'contacts', 'people.csv');
    expect(run.code, run.err + run.out).toBe(0);
    expect(run.out).toMatch(
      /^import imp_\w+ completed: 100 rows read, 95 created, 0 updated, 0 skipped, 5 rejected$/m,
    );
    expect(run.out).toContain('rejected rows (row, field, reason): people.rejected.csv');
    expect(readFileSync(join(dir, 'people.rejected.csv'), 'utf8').split('\n').slice(0, 2)).toEqual([
      'row,field,reason',
      '21,email,must be an email address',
    ]);
    const uploads = await local.busEvents('Object Created');
    expect(uploads[0]).toMatchObject({
      source: 'aws.s3',
      local: { matchedRules: [expect.stringMatching(/UploadArrived/)] },
    });
    // the job's end reaches integrators through the outbox, a moment later
    const finished = await local.waitForEvent('ImportFinished', () => true);
    expect(finished.detail.data.rows.created).toBe(95);
  });

  it('a file that cannot be read: the CLI says why and exits 1; nothing was written', async () => {
    writeFileSync(join(dir, 'broken.csv'), 'firstName,email\nAda,"ada@example.com\n');
    const run = await handoff('import', 'contacts', 'broken.csv');
    expect(run.code).toBe(1);
    expect(run.out).toMatch(
      /^import imp_\w+ failed, nothing was written: A quote never closes: the quoted value that starts on line 2 has no closing quote \(line 2\)$/m,
    );
  });

  it('npx handoff export: a tag of contacts to a file', async () => {
    const run = await handoff('export', 'contacts', '--tag', 'vip', '--out', 'vip.csv');
    expect(run.code, run.err).toBe(0);
    const rows = readFileSync(join(dir, 'vip.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toMatch(/^id,firstName,lastName,email,/);
    expect(rows).toHaveLength(1 + 50);
  });

  it('deals imported, reports read by a manager, and a rebuild that finds nothing to correct', async () => {
    writeFileSync(
      join(dir, 'deals.csv'),
      [
        'title,amount,currency,ownerId,stage,leadSource,nextAction,nextActionDue,expectedCloseDate',
        ...Array.from(
          { length: 40 },
          (_, i) =>
            `Deal ${i},${(i + 1) * 100}.00,EUR,mia,${['Lead', 'Qualified', 'Proposal', 'Negotiation'][i % 4]},${i % 3 ? 'web' : 'referral'},Call,2031-01-01T09:00:00Z,2031-0${1 + (i % 3)}-15`,
        ),
      ].join('\n'),
    );
    const run = await handoff('import', 'deals', 'deals.csv');
    expect(run.code, run.err + run.out).toBe(0);
    expect(run.out).toContain('40 created');
    const pipeline = await local.api('GET', '/reports/pipeline', { token: manager });
    expect(pipeline.status).toBe(200);
    expect(pipeline.body.total).toMatchObject({
      openDeals: 40,
      value: [{ currency: 'EUR', amount: 8_200_000 }],
    });
    const forecast = await local.api('GET', '/reports/forecast?from=2031-01&to=2031-03', { token: manager });
    expect(forecast.body.total.openDeals).toBe(40);
    const sources = await local.api('GET', '/reports/sources', { token: manager });
    expect(
      sources.body.sources.map((s: { leadSource: string; created: number }) => [s.leadSource, s.created]),
    ).toEqual([
      ['web', 26],
      ['referral', 14],
    ]);
    const conversion = await local.api('GET', '/reports/conversion', { token: manager });
    expect(conversion.body).toMatchObject({ created: 40, open: 40 });
    const rebuild = await fetch(`${local.controlUrl}/invoke`, {
      method: 'POST',
      body: JSON.stringify({ function: 'RebuildReports', payload: {} }),
    });
    expect(
      ((await rebuild.json()) as { result: { differences: number; dealsRead: number } }).result,
    ).toMatchObject({
      differences: 0,
      dealsRead: 40,
    });
  });
});
