import * as z from '../../../domain/shared/zod.js';
import {
  Download,
  ExportId,
  ExportJob,
  ImportId,
  ImportJob,
  NewExport,
  NewImport,
  Upload,
} from '../../../domain/transfer/jobs.js';
import { canRead, canSell } from '../../lib/http/access.js';
import { listQuery } from '../../lib/http/params.js';
import { created, ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { exportStatus } from '../use-cases/export-status.js';
import { importStatus } from '../use-cases/import-status.js';
import { requestExport } from '../use-cases/request-export.js';
import { requestImport } from '../use-cases/request-import.js';

// CSV imports and exports (docs/api.md, "Importing and exporting CSV"). An import is asked for
// here and answered with a link to upload the file to (S3, presigned); the upload starts it.
// An export is asked for here and written by the export function; both are then polled.

const ImportAnswer = z
  .extend(ImportJob, () => ({
    upload: Upload.optional().describe('while the import waits for its file'),
    rejectedRows: Download.nullable()
      .optional()
      .describe('the rejected rows (row, field, reason), once it completed'),
    skippedRows: Download.nullable()
      .optional()
      .describe(
        'the skipped rows (row, reason), once it completed: duplicates left alone, and later rows of the file repeating an earlier row',
      ),
  }))
  .register(z.globalRegistry, { id: 'ImportAnswer' });
const ExportAnswer = z
  .extend(ExportJob, () => ({
    download: Download.nullable().describe('the file, once it is written'),
  }))
  .register(z.globalRegistry, { id: 'ExportAnswer' });

export function transferRoutes(
  s: Pick<Services, 'customFields' | 'exports' | 'files' | 'imports' | 'segments' | 'store'>,
): Routes {
  return {
    'POST /imports': route({
      tag: 'Import and export',
      summary: 'Start a CSV import of contacts, companies or deals: answers where to upload the file',
      roles: canSell,
      body: NewImport,
      response: { status: 201, schema: ImportAnswer },
      handle: async ({ body, ctx }) => {
        const { job, answer } = await requestImport(s, body, { ctx });
        return created(answer, job.version);
      },
    }),
    'GET /imports': route({
      tag: 'Import and export',
      summary: 'Your imports, newest first',
      roles: canRead,
      query: listQuery({}),
      response: { status: 200, schema: ImportJob, list: true },
      handle: async (req) => req.list(await s.imports.listOf(req.actor.userId, await req.page())),
    }),
    'GET /imports/{id}': route({
      tag: 'Import and export',
      summary: 'An import: its progress (rows read, created, updated, skipped, rejected) and its report',
      roles: canRead,
      params: z.strictObject(() => ({ id: ImportId })),
      response: { status: 200, schema: ImportAnswer },
      handle: async ({ params, ctx }) => {
        const { job, answer } = await importStatus(s, params.id, ctx);
        return ok(answer, job.version);
      },
    }),
    'POST /exports': route({
      tag: 'Import and export',
      summary: 'Export contacts, companies or deals as CSV: a segment, or a list filter',
      roles: canRead,
      body: NewExport,
      problems: { 404: 'the segment the export names does not exist' },
      response: { status: 201, schema: ExportAnswer },
      handle: async ({ body, ctx }) => {
        const { job, answer } = await requestExport(s, body, { ctx });
        return created(answer, job.version);
      },
    }),
    'GET /exports/{id}': route({
      tag: 'Import and export',
      summary: 'An export: its status, and the link to its file once it is written',
      roles: canRead,
      params: z.strictObject(() => ({ id: ExportId })),
      response: { status: 200, schema: ExportAnswer },
      handle: async ({ params, ctx }) => {
        const { job, answer } = await exportStatus(s, params.id, ctx);
        return ok(answer, job.version);
      },
    }),
  };
}
