import { NotFound } from '../../../../domain/shared/errors.js';
import type { JobError } from '../../../../domain/transfer/jobs.js';
import {
  ExportJob,
  ImportJob,
  type ImportJobState,
  NO_ROWS,
  type RowCounts,
} from '../../../../domain/transfer/jobs.js';
import { accessPatterns } from '../access-patterns.js';
import { keys, ownerSortKeys, partitions } from '../keys.js';
import { entityOf, type Item, notExists, type Store, type Write } from '../store.js';
import { type Page, type PageRequest, pageOf } from './page.js';

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

/** The job was claimed by another attempt: this runner stops. */
export class LeaseLost extends Error {
  constructor(id: string) {
    super(`job ${id} is being run by another attempt`);
  }
}

function importItem(job: ImportJobState): Item {
  return {
    ...keys.importJob(job.id),
    entity: 'import',
    gsi2pk: partitions.owner(job.createdBy),
    gsi2sk: ownerSortKeys.importJob(job.createdAt, job.id),
    ...job,
  };
}

export class ImportJobRepository {
  constructor(private readonly store: Store) {}

  create(job: ImportJobState): Write {
    return { put: importItem(job), condition: notExists };
  }

  async state(id: string): Promise<ImportJobState | undefined> {
    const item = await this.store.get(keys.importJob(id));
    return item
      ? ({ ...asImport(item), actor: item.actor, attempt: item.attempt } as ImportJobState)
      : undefined;
  }

  async require(id: string): Promise<ImportJob> {
    const item = await this.store.get(keys.importJob(id));
    if (!item) throw new NotFound('import', id);
    return asImport(item);
  }

  listOf(userId: string, page: PageRequest): Promise<Page<ImportJob>> {
    return pageOf(
      this.store,
      {
        ...accessPatterns.ownerImports.query(userId),
        newestFirst: true,
        ...page,
      },
      asImport,
    );
  }

  /** Takes the job for a new attempt, unless another attempt holds it; starts its counts over. */
  async claim(id: string, now: string): Promise<ImportJobState | undefined> {
    const item = await this.store.updateIf(
      {
        key: keys.importJob(id),
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
      {
        key: keys.importJob(job.id),
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

  /** The end of an attempt, written with its event (if any) in one transaction. */
  finish(
    job: Pick<ImportJobState, 'id' | 'attempt'>,
    outcome: { status: 'completed' | 'failed'; rows: RowCounts; error?: JobError },
    now: string,
  ): Write {
    return {
      update: {
        key: keys.importJob(job.id),
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
    ...keys.exportJob(job.id),
    entity: 'export',
    gsi2pk: partitions.owner(job.createdBy),
    gsi2sk: ownerSortKeys.exportJob(job.createdAt, job.id),
    ...job,
  };
}

export class ExportJobRepository {
  constructor(private readonly store: Store) {}

  create(job: ExportJobState): Write {
    return { put: exportItem(job), condition: notExists };
  }

  async require(id: string): Promise<ExportJob> {
    const item = await this.store.get(keys.exportJob(id));
    if (!item) throw new NotFound('export', id);
    return asExport(item);
  }

  async claim(id: string, now: string): Promise<ExportJobState | undefined> {
    const item = await this.store.updateIf(
      {
        key: keys.exportJob(id),
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
      update: {
        key: keys.exportJob(job.id),
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
