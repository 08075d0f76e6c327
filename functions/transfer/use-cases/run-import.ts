import { stringify } from 'csv-stringify/sync';
import { Domain } from '../../../domain/crm/company.js';
import { Email } from '../../../domain/crm/contact.js';
import { emit } from '../../../domain/events.js';
import type { FieldIssue } from '../../../domain/shared/errors.js';
import { newEventId } from '../../../domain/shared/ids.js';
import { checkHeader, describeHeaderProblem, layoutOf, readRow } from '../../../domain/transfer/columns.js';
import {
  type ImportJobState,
  MAX_FILE_BYTES,
  MAX_ROWS,
  NO_ROWS,
  type RowCounts,
} from '../../../domain/transfer/jobs.js';
import { rejectedRowsKey, skippedRowsKey, uploadKey } from '../../lib/files/file-keys.js';
import type { FileStore } from '../../lib/files/file-store.js';
import { logger } from '../../lib/logger.js';
import type { Services } from '../../lib/services.js';
import { LeaseLost } from '../../lib/table/entities/transfer-jobs.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { CsvFileProblem, readCsv } from './csv-reader.js';
import { RowWriter } from './row-writers.js';

// Runs one import: claim the job, check the whole file (encoding, quotes, header, size) before
// writing anything, then write it row by row with a few writers in parallel, reporting progress
// as it goes, and finish with the rejected rows as a CSV (row, field, reason) beside the upload,
// and the skipped ones (row, reason): duplicates left alone, and later rows of the file that
// repeat an earlier row's email (contacts) or domain (companies): the first row wins.
// A file that cannot be read fails the job and writes nothing; a row that cannot be written is
// rejected and the others land.

export interface ImportOptions {
  /** Rows written at the same time; each writer has its own report-totals shard. */
  writers?: number;
  /** How often progress is written (rows). */
  progressEvery?: number;
}

export type ImportOutcome =
  | { ran: false; reason: string }
  | { ran: true; status: 'completed' | 'failed'; rows: RowCounts };

const iso = () => new Date().toISOString();

interface Rejection {
  row: number;
  field: string;
  reason: string;
}

interface Skip {
  row: number;
  reason: string;
}

/**
 * What makes two rows of one file the same record: a contact's emails, a company's domain, as
 * stored (only valid ones: a row with an invalid one is rejected for it, not taken for a twin).
 */
function duplicateKeys(kind: string, input: Record<string, unknown>): [what: string, key: string][] {
  if (kind === 'contacts') {
    return ((input.emails as unknown[] | undefined) ?? []).flatMap((e) => {
      const email = Email.safeParse(e);
      return email.success ? [['email', `email:${email.data}`] as [string, string]] : [];
    });
  }
  if (kind === 'companies') {
    const domain = Domain.safeParse(input.domain);
    return domain.success && domain.data ? [['domain', `domain:${domain.data}`]] : [];
  }
  return [];
}

export async function runImport(
  s: Pick<
    Services,
    | 'companies'
    | 'contacts'
    | 'customFields'
    | 'deals'
    | 'duplicates'
    | 'imports'
    | 'leadRouting'
    | 'pipelines'
    | 'profiles'
    | 'store'
  >,
  files: FileStore,
  importId: string,
  options: ImportOptions = {},
): Promise<ImportOutcome> {
  const job = await s.imports.claim(importId, iso());
  if (!job) return { ran: false, reason: 'the import is finished, or another attempt is running it' };
  const log = logger.createChild({ persistentKeys: { importId, attempt: job.attempt } });
  const rows: RowCounts = { ...NO_ROWS };
  try {
    const size = await files.size(uploadKey(importId));
    if (size > MAX_FILE_BYTES) {
      throw new CsvFileProblem(
        'The file is too large',
        `the file has ${size} bytes; an import reads at most ${MAX_FILE_BYTES} (about ${MAX_ROWS} rows)`,
      );
    }
    const layout = layoutOf(job.kind, (await s.customFields.read()).fields);

    // pass 1: is the whole file readable?
    let header: string[] | undefined;
    let total = 0;
    for await (const record of readCsv(await files.read(uploadKey(importId)))) {
      if (record.row === 1) {
        header = record.cells.map((c) => c.trim());
        const problem = checkHeader(layout, header);
        if (problem)
          throw new CsvFileProblem('The header is wrong', describeHeaderProblem(layout, problem), 1);
        continue;
      }
      if (++total > MAX_ROWS) {
        throw new CsvFileProblem(
          'Too many rows',
          `one import takes at most ${MAX_ROWS} rows; split the file (row ${record.row} is the first one too many)`,
        );
      }
    }
    if (!header) throw new CsvFileProblem('The file is empty', 'the file has no header row');
    rows.total = total;
    await s.imports.progress(job, 'importing', rows, iso());
    log.info('file checked', { rows: total });

    // pass 2: write row by row
    const writer = new RowWriter(s, job);
    const rejected: Rejection[] = [];
    const reject = (row: number, issues: FieldIssue[]) => {
      rows.rejected++;
      for (const i of issues) rejected.push({ row, field: layout.columnOf(i.path), reason: i.message });
    };
    const skippedRows: Skip[] = [];
    const skip = (row: number, reason: string) => {
      rows.skipped++;
      skippedRows.push({ row, reason });
    };
    // in one file, the first row with an email (a domain) wins; a later one is not written
    const firstRowOf = new Map<string, number>();
    const lanes = Array.from({ length: options.writers ?? 8 }, (_, lane) => lane);
    const free = [...lanes];
    const running = new Set<Promise<void>>();
    let failure: unknown;
    const every = options.progressEvery ?? 500;
    let reported = 0;
    for await (const record of readCsv(await files.read(uploadKey(importId)))) {
      if (record.row === 1) continue;
      if (failure) throw failure;
      rows.read++;
      if (record.cells.length > header.length) {
        reject(record.row, [
          { path: '', message: `has ${record.cells.length} cells; the header has ${header.length} columns` },
        ]);
        continue;
      }
      const cells = Object.fromEntries(header.map((name, i) => [name, record.cells[i] ?? '']));
      const { input, issues } = readRow(layout, cells);
      if (issues.length) {
        reject(record.row, issues);
        continue;
      }
      const twin = duplicateKeys(job.kind, input).find(([, key]) => firstRowOf.has(key));
      if (twin) {
        const [what, key] = twin;
        skip(
          record.row,
          `has the same ${what} as row ${firstRowOf.get(key)} (${key.slice(key.indexOf(':') + 1)}): in one file the first row wins`,
        );
        continue;
      }
      for (const [, key] of duplicateKeys(job.kind, input)) firstRowOf.set(key, record.row);
      while (free.length === 0) await Promise.race(running);
      const lane = free.pop()!;
      const task = writer
        .write(job.kind, record.row, input, lane)
        .then((outcome) => {
          if (typeof outcome === 'string') rows[outcome]++;
          else if ('skipped' in outcome) skip(record.row, outcome.skipped);
          else reject(record.row, outcome.rejected);
        })
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => {
          free.push(lane);
          running.delete(task);
        });
      running.add(task);
      if (rows.read - reported >= every) {
        reported = rows.read;
        await s.imports.progress(job, 'importing', rows, iso());
      }
    }
    await Promise.all(running);
    if (failure) throw failure;

    if (rejected.length > 0) {
      rejected.sort((a, b) => a.row - b.row);
      await files.write(
        rejectedRowsKey(importId),
        stringify(rejected, { header: true, columns: ['row', 'field', 'reason'] }),
      );
    }
    if (skippedRows.length > 0) {
      skippedRows.sort((a, b) => a.row - b.row);
      await files.write(
        skippedRowsKey(importId),
        stringify(skippedRows, { header: true, columns: ['row', 'reason'] }),
      );
    }
    await finish(s, job, 'completed', rows);
    log.info('import completed', { ...rows });
    return { ran: true, status: 'completed', rows };
  } catch (error) {
    if (error instanceof LeaseLost) return { ran: false, reason: error.message };
    if (error instanceof CsvFileProblem) {
      await finish(
        s,
        job,
        'failed',
        { ...NO_ROWS, total: rows.total },
        {
          title: error.title,
          detail: error.detail,
          ...(error.line ? { line: error.line } : {}),
        },
      );
      log.info('import failed: the file cannot be read', { detail: error.detail });
      return { ran: true, status: 'failed', rows: { ...NO_ROWS, total: rows.total } };
    }
    // an accident (a throttled table, a timeout): give the job back so a retry can run it again
    await s.imports.giveBack(job, iso()).catch(() => undefined);
    throw error;
  }
}

async function finish(
  s: Pick<Services, 'imports' | 'store'>,
  job: ImportJobState,
  status: 'completed' | 'failed',
  rows: RowCounts,
  error?: { title: string; detail: string; line?: number },
): Promise<void> {
  const now = iso();
  const ctx = { now, actor: job.actor, correlationId: job.id, newId: () => '', newEventId };
  await new UnitOfWork()
    .add(s.imports.finish(job, { status, rows, ...(error ? { error } : {}) }, now))
    .events([
      emit(ctx, 'ImportFinished', {
        importId: job.id,
        kind: job.kind,
        status,
        rows,
        ...(error ? { error } : {}),
      }),
    ])
    .commit(s.store);
}
