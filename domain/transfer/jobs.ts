import { SavedSegmentFilter, SegmentFilter, SegmentId } from '../crm/segment.js';
import type { Actor } from '../shared/context.js';
import { idSchema } from '../shared/ids.js';
import { text } from '../shared/text.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';

// CSV imports and exports are jobs: asked for through the API, run by a function of their own
// (an upload to S3 starts an import; an ExportRequested event an export), followed by polling.

export const RECORD_KINDS = ['contacts', 'companies', 'deals'] as const;
export const RecordKind = z.enum(RECORD_KINDS);
export type RecordKind = z.infer<typeof RecordKind>;

/** The entity of each kind of record, as segments and custom fields name it. */
export const ENTITY_OF: Record<RecordKind, 'contact' | 'company' | 'deal'> = {
  contacts: 'contact',
  companies: 'company',
  deals: 'deal',
};

/** One import or export holds at most this many rows. */
export const MAX_ROWS = 50_000;
/** The largest file an import reads. */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;

export const ImportId = idSchema('import');
export const ExportId = idSchema('export');

export const NewImport = z
  .strictObject(() => ({
    kind: RecordKind,
    onDuplicate: z
      .enum(['skip', 'update'])
      .default('skip')
      .describe(
        'a row that matches an existing record (contacts: by email; companies: by domain; any: by id)',
      ),
    fileName: text(200).optional(),
  }))
  .register(z.globalRegistry, { id: 'NewImport' });
export type NewImport = z.infer<typeof NewImport>;

export const IMPORT_STATUSES = [
  'waiting-for-upload',
  'checking',
  'importing',
  'completed',
  'failed',
] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const RowCounts = z
  .object(() => ({
    total: z.int().nullable().describe('data rows in the file, once it was checked'),
    read: z.int(),
    created: z.int(),
    updated: z.int(),
    skipped: z
      .int()
      .describe(
        'duplicates left alone (onDuplicate: skip), updates that changed nothing, and rows repeating an earlier row of the file (the same email or domain): each listed with its reason in skippedRows',
      ),
    rejected: z.int(),
  }))
  .register(z.globalRegistry, { id: 'RowCounts' });
export type RowCounts = z.infer<typeof RowCounts>;

export const NO_ROWS: RowCounts = { total: null, read: 0, created: 0, updated: 0, skipped: 0, rejected: 0 };

export const JobError = z
  .object(() => ({ title: z.string(), detail: z.string(), line: z.int().optional() }))
  .register(z.globalRegistry, { id: 'JobError' });
export type JobError = z.infer<typeof JobError>;

export const ImportJob = z
  .object(() => ({
    id: ImportId,
    kind: RecordKind,
    onDuplicate: z.enum(['skip', 'update']),
    fileName: z.string().optional(),
    status: z.enum(IMPORT_STATUSES),
    rows: RowCounts,
    error: JobError.optional().describe('why a failed import wrote nothing'),
    createdAt: Instant,
    createdBy: z.string(),
    startedAt: Instant.optional(),
    finishedAt: Instant.optional(),
    updatedAt: Instant,
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'ImportJob' });
export type ImportJob = z.infer<typeof ImportJob>;

/** What only the job runner needs: who asked (their roles decide each row), and its lease. */
export interface ImportJobState extends ImportJob {
  actor: Actor;
  attempt: number;
  leaseUntil?: string;
}

export const NewExport = z
  .strictObject(() => ({
    kind: RecordKind,
    segmentId: SegmentId.optional().describe("export a segment's members"),
    filter: SegmentFilter.optional().describe('or a list filter, as a segment would hold it'),
  }))
  .refine((e) => !(e.segmentId && e.filter), {
    error: 'name a segment or a filter, not both',
    path: ['filter'],
  })
  .register(z.globalRegistry, { id: 'NewExport' });
export type NewExport = z.infer<typeof NewExport>;

export const ExportJob = z
  .object(() => ({
    id: ExportId,
    kind: RecordKind,
    segmentId: SegmentId.optional(),
    filter: SavedSegmentFilter,
    status: z.enum(['queued', 'running', 'completed', 'failed']),
    rows: z.int(),
    truncated: z
      .boolean()
      .describe(`true when the list had more than ${MAX_ROWS} rows (the first ones are in the file)`),
    error: JobError.optional(),
    createdAt: Instant,
    createdBy: z.string(),
    finishedAt: Instant.optional(),
    updatedAt: Instant,
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'ExportJob' });
export type ExportJob = z.infer<typeof ExportJob>;

export const Download = z
  .object(() => ({ url: z.string(), expiresAt: Instant }))
  .describe('a short-lived link to the file')
  .meta({ id: 'Download' });

export const Upload = z
  .object(() => ({
    url: z.string(),
    method: z.literal('PUT'),
    headers: z.record(z.string(), z.string()),
    expiresAt: Instant,
  }))
  .describe('PUT the CSV file (UTF-8) here before expiresAt; the import starts when it lands')
  .meta({ id: 'Upload' });
