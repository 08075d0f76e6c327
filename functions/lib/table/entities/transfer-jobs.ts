import { NotFound } from '../../../../domain/shared/errors.js';
import type { JobError } from '../../../../domain/transfer/jobs.js';
import {
  ExportJob,
  ImportJob,
  type ImportJobState,
  NO_ROWS,
  type RowCounts,
} from '../../../../domain/transfer/jobs.js';
import { entityOf, type Item, type Key, notExists, type Write } from '../item.js';
import { type Page, type PageRequest, pageOf } from '../page.js';
import { partitions } from '../partitions.js';
import { get, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';

const importKey = (id: string): Key => ({ pk: `IMPORT#${id}`, sk: 'IMPORT' });
const exportKey = (id: string): Key => ({ pk: `EXPORT#${id}`, sk: 'EXPORT' });

// Import and export jobs. A job is claimed by one runner at a time with a lease it renews as it
// reports progress: a second delivery of the same trigger finds the lease held and leaves; a
// runner that died lets its lease lapse, and the retry starts the job again (each row's write is
// idempotent, so starting again writes nothing twice).

const readImport = entityOf<ImportJob & Record<string, unknown>>(ImportJob);
const readExport = entityOf<ExportJob & Record<string, unknown>>(ExportJob);
/** The job as the API shows it: without the runner's own bookkeeping. */
const asImport = (item: Record<string, unknown>): ImportJob => {
  const { actor: _a, attempt: _n, leaseUntil: _l, ...job } = readImport(item);
  return job as ImportJob;
};
const asExport = (item: Record<string, unknown>): ExportJob => {
  const { actor: _a, attempt: _n, leaseUntil: _l, ...job } = readExport(item);
  return job as ExportJob;
};

export const LEASE_MS = 60_000;

export const transferJobPatterns = patterns({
  importById: get({
    entity: 'import job',
    pattern: 'an import and its progress',
    usedBy: '`GET /imports/{id}`',
    functions: ['TransferApi'],
    keyCondition: '`pk = IMPORT#<id>, sk = IMPORT`',
    roundTrips: '1 GetItem (+ a presigned link, no I/O)',
    key: importKey,
  }),
  ownerImports: query({
    entity: 'import job',
    pattern: "a person's imports, newest first",
    usedBy: '`GET /imports`',
    functions: ['TransferApi'],
    index: 'gsi2',
    keyCondition: '`gsi2pk = OWNER#<user> AND begins_with(gsi2sk, IMPORT#)`, descending',
    roundTrips: '1 Query',
    query: (ownerId: string) => ({
      index: 'gsi2',
      partition: partitions.owner(ownerId),
      sort: { beginsWith: 'IMPORT#' },
    }),
  }),
  importRequested: write({
    entity: 'import job',
    pattern: 'an import asked for (waiting for its file)',
    usedBy: '`POST /imports`',
    functions: ['TransferApi'],
    keyCondition: 'Put `IMPORT#<id>` / `IMPORT` if absent',
    roundTrips: '1 transaction',
    actions: ['PutItem'],
  }),
  importRun: write({
    entity: 'import job',
    pattern: "an import's run: claimed with a lease, its progress, its end (only by the attempt holding it)",
    usedBy: 'the import function',
    functions: ['CsvImport'],
    keyCondition: 'UpdateItem `IMPORT#<id>` / `IMPORT` on condition of its status, lease or attempt',
    roundTrips: '1 UpdateItem per claim and progress report; the end is in a transaction with its event',
    actions: ['UpdateItem'],
  }),
  exportById: get({
    entity: 'export job',
    pattern: 'an export and its file',
    usedBy: '`GET /exports/{id}`',
    functions: ['TransferApi'],
    keyCondition: '`pk = EXPORT#<id>, sk = EXPORT`',
    roundTrips: '1 GetItem (+ a presigned link, no I/O)',
    key: exportKey,
  }),
  exportRequested: write({
    entity: 'export job',
    pattern: 'an export asked for, with ExportRequested',
    usedBy: '`POST /exports`',
    functions: ['TransferApi'],
    keyCondition: 'Put `EXPORT#<id>` / `EXPORT` if absent',
    roundTrips: '1 transaction',
    actions: ['PutItem'],
  }),
  exportRun: write({
    entity: 'export job',
    pattern: "an export's run: claimed with a lease, its end (only by the attempt holding it)",
    usedBy: 'the export function',
    functions: ['CsvExport'],
    keyCondition: 'UpdateItem `EXPORT#<id>` / `EXPORT` on condition of its status, lease or attempt',
    roundTrips: '1 UpdateItem to claim; the end is in a transaction with its event',
    actions: ['UpdateItem'],
  }),
});

/** The job was claimed by another attempt: this runner stops. */
export class LeaseLost extends Error {
  constructor(id: string) {
    super(`job ${id} is being run by another attempt`);
  }
}

function importItem(job: ImportJobState): Item {
  return {
    ...importKey(job.id),
    entity: 'import',
    gsi2pk: partitions.owner(job.createdBy),
    gsi2sk: `IMPORT#${job.createdAt}#${job.id}`,
    ...job,
  };
}

export class ImportJobRepository {
  constructor(private readonly store: Store) {}

  create(job: ImportJobState): Write {
    return { pattern: transferJobPatterns.importRequested, put: importItem(job), condition: notExists };
  }

  async require(id: string): Promise<ImportJob> {
    const item = await this.store.get(transferJobPatterns.importById, id);
    if (!item) throw new NotFound('import', id);
    return asImport(item);
  }

  listOf(userId: string, page: PageRequest): Promise<Page<ImportJob>> {
    return pageOf(
      this.store,
      {
        ...transferJobPatterns.ownerImports.query(userId),
        newestFirst: true,
        ...page,
      },
      asImport,
    );
  }

  /** Takes the job for a new attempt, unless another attempt holds it; starts its counts over. */
  async claim(id: string, now: string): Promise<ImportJobState | undefined> {
    const item = await this.store.updateIf(
      transferJobPatterns.importRun,
      {
        key: importKey(id),
        expression:
          'SET #status = :checking, attempt = attempt + :one, leaseUntil = :lease, startedAt = :now, #rows = :rows, updatedAt = :now REMOVE #error ADD version :one',
        names: { '#status': 'status', '#rows': 'rows', '#error': 'error' },
        values: {
          ':checking': 'checking',
          ':one': 1,
          ':lease': new Date(Date.parse(now) + LEASE_MS).toISOString(),
          ':now': now,
          ':rows': NO_ROWS,
        },
      },
      {
        expression:
          '#status = :waiting OR ((#status = :checking OR #status = :importing) AND leaseUntil < :now)',
        values: { ':waiting': 'waiting-for-upload', ':importing': 'importing' },
      },
    );
    return item
      ? ({ ...asImport(item), actor: item.actor, attempt: item.attempt } as ImportJobState)
      : undefined;
  }

  /** Reports progress and renews the lease, as long as this attempt holds the job. */
  async progress(
    job: Pick<ImportJobState, 'id' | 'attempt'>,
    status: 'checking' | 'importing',
    rows: RowCounts,
    now: string,
  ): Promise<void> {
    const item = await this.store.updateIf(
      transferJobPatterns.importRun,
      {
        key: importKey(job.id),
        expression:
          'SET #status = :status, #rows = :rows, leaseUntil = :lease, updatedAt = :now ADD version :one',
        names: { '#status': 'status', '#rows': 'rows' },
        values: {
          ':status': status,
          ':rows': rows,
          ':lease': new Date(Date.parse(now) + LEASE_MS).toISOString(),
          ':now': now,
          ':one': 1,
        },
      },
      { expression: 'attempt = :attempt', values: { ':attempt': job.attempt } },
    );
    if (!item) throw new LeaseLost(job.id);
  }

  /** An attempt that failed by accident gives the job back, so a retry can run it again at once. */
  async giveBack(job: Pick<ImportJobState, 'id' | 'attempt'>, now: string): Promise<void> {
    await this.store.updateIf(
      transferJobPatterns.importRun,
      { key: importKey(job.id), expression: 'SET leaseUntil = :past', values: { ':past': now } },
      { expression: 'attempt = :attempt', values: { ':attempt': job.attempt } },
    );
  }

  /** The end of an attempt, written with its event (if any) in one transaction. */
  finish(
    job: Pick<ImportJobState, 'id' | 'attempt'>,
    outcome: { status: 'completed' | 'failed'; rows: RowCounts; error?: JobError },
    now: string,
  ): Write {
    return {
      pattern: transferJobPatterns.importRun,
      update: {
        key: importKey(job.id),
        expression: `SET #status = :status, #rows = :rows, finishedAt = :now, updatedAt = :now, leaseUntil = :now${outcome.error ? ', #error = :error' : ''} ADD version :one`,
        names: { '#status': 'status', '#rows': 'rows', ...(outcome.error ? { '#error': 'error' } : {}) },
        values: {
          ':status': outcome.status,
          ':rows': outcome.rows,
          ':now': now,
          ':one': 1,
          ...(outcome.error ? { ':error': outcome.error } : {}),
        },
      },
      condition: { expression: 'attempt = :attempt', values: { ':attempt': job.attempt } },
      onConditionFailed: () => new LeaseLost(job.id),
    };
  }
}

export interface ExportJobState extends ExportJob {
  attempt: number;
  actor: ImportJobState['actor'];
}

function exportItem(job: ExportJobState): Item {
  return {
    ...exportKey(job.id),
    entity: 'export',
    gsi2pk: partitions.owner(job.createdBy),
    gsi2sk: `EXPORT#${job.createdAt}#${job.id}`,
    ...job,
  };
}

export class ExportJobRepository {
  constructor(private readonly store: Store) {}

  create(job: ExportJobState): Write {
    return { pattern: transferJobPatterns.exportRequested, put: exportItem(job), condition: notExists };
  }

  async require(id: string): Promise<ExportJob> {
    const item = await this.store.get(transferJobPatterns.exportById, id);
    if (!item) throw new NotFound('export', id);
    return asExport(item);
  }

  async claim(id: string, now: string): Promise<ExportJobState | undefined> {
    const item = await this.store.updateIf(
      transferJobPatterns.exportRun,
      {
        key: exportKey(id),
        expression:
          'SET #status = :running, attempt = attempt + :one, leaseUntil = :lease, updatedAt = :now ADD version :one',
        names: { '#status': 'status' },
        values: {
          ':running': 'running',
          ':one': 1,
          ':lease': new Date(Date.parse(now) + LEASE_MS * 5).toISOString(),
          ':now': now,
        },
      },
      {
        expression: '#status = :queued OR (#status = :running AND leaseUntil < :now)',
        values: { ':queued': 'queued' },
      },
    );
    return item
      ? ({ ...asExport(item), attempt: item.attempt, actor: item.actor } as ExportJobState)
      : undefined;
  }

  finish(
    job: Pick<ExportJobState, 'id' | 'attempt'>,
    outcome: { status: 'completed' | 'failed'; rows: number; truncated: boolean; error?: JobError },
    now: string,
  ): Write {
    return {
      pattern: transferJobPatterns.exportRun,
      update: {
        key: exportKey(job.id),
        expression: `SET #status = :status, #rows = :rows, truncated = :truncated, finishedAt = :now, updatedAt = :now${outcome.error ? ', #error = :error' : ''} ADD version :one`,
        names: { '#status': 'status', '#rows': 'rows', ...(outcome.error ? { '#error': 'error' } : {}) },
        values: {
          ':status': outcome.status,
          ':rows': outcome.rows,
          ':truncated': outcome.truncated,
          ':now': now,
          ':one': 1,
          ...(outcome.error ? { ':error': outcome.error } : {}),
        },
      },
      condition: { expression: 'attempt = :attempt', values: { ':attempt': job.attempt } },
      onConditionFailed: () => new LeaseLost(job.id),
    };
  }
}
