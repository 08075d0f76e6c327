import * as z from 'zod';
import { inapplicable } from '../../domain/crm/segment.js';
import type { Role } from '../../domain/shared/context.js';
import { ValidationFailed } from '../../domain/shared/errors.js';
import {
  Download,
  ENTITY_OF,
  ExportId,
  ExportJob,
  ImportId,
  ImportJob,
  NewExport,
  NewImport,
  Upload,
} from '../../domain/transfer/jobs.js';
import { assertMaySee, requestExport, requestImport } from '../../domain/transfer/transfer.commands.js';
import { listQuery } from '../lib/http/params.js';
import { created, ok, type Routes, route } from '../lib/http/route.js';
import type { Services } from '../lib/services.js';
import { UnitOfWork } from '../lib/table/unit-of-work.js';
import { exportKey, rejectedRowsKey, uploadKey } from '../lib/transfer/file-keys.js';

// CSV imports and exports (docs/api.md, "Importing and exporting CSV"). An import is asked for
// here and answered with a link to upload the file to (S3, presigned); the upload starts it.
// An export is asked for here and written by the export function; both are then polled.

const READ: readonly Role[] = ['admin', 'manager', 'sales', 'delivery'];
const WRITE: readonly Role[] = ['admin', 'manager', 'sales'];

const ImportAnswer = ImportJob.extend({
  upload: Upload.optional().describe('while the import waits for its file'),
  rejectedRows: Download.nullable()
    .optional()
    .describe('the rejected rows (row, field, reason), once it completed'),
}).meta({ id: 'ImportAnswer' });
const ExportAnswer = ExportJob.extend({
  download: Download.nullable().describe('the file, once it is written'),
}).meta({ id: 'ExportAnswer' });

export function transferRoutes(s: Services): Routes {
  const now = () => Date.now();
  return {
    'POST /imports': route({
      tag: 'Import and export',
      summary: 'Start a CSV import of contacts, companies or deals: answers where to upload the file',
      roles: WRITE,
      body: NewImport,
      response: { status: 201, schema: ImportAnswer },
      handle: async ({ body, ctx }) => {
        const job = requestImport(body, ctx);
        await new UnitOfWork().add(s.imports.create(job)).commit(s.store);
        const upload = await (await s.files()).uploadLink(uploadKey(job.id), now());
        const { actor: _a, attempt: _n, ...shown } = job;
        return created(
          { ...shown, upload: { ...upload, method: 'PUT', headers: { 'content-type': 'text/csv' } } },
          job.version,
        );
      },
    }),
    'GET /imports': route({
      tag: 'Import and export',
      summary: 'Your imports, newest first',
      roles: READ,
      query: listQuery({}),
      response: { status: 200, schema: ImportJob, list: true },
      handle: async (req) => req.list(await s.imports.listOf(req.actor.userId, await req.page())),
    }),
    'GET /imports/{id}': route({
      tag: 'Import and export',
      summary: 'An import: its progress (rows read, created, updated, skipped, rejected) and its report',
      roles: READ,
      params: z.strictObject({ id: ImportId }),
      response: { status: 200, schema: ImportAnswer },
      handle: async ({ params, ctx }) => {
        const job = await s.imports.require(params.id);
        assertMaySee(ctx, job);
        const extra =
          job.status === 'waiting-for-upload'
            ? {
                upload: {
                  ...(await (await s.files()).uploadLink(uploadKey(job.id), now())),
                  method: 'PUT' as const,
                  headers: { 'content-type': 'text/csv' },
                },
              }
            : job.status === 'completed'
              ? {
                  rejectedRows:
                    job.rows.rejected > 0
                      ? await (await s.files()).downloadLink(
                          rejectedRowsKey(job.id),
                          `${job.id}-rejected.csv`,
                          now(),
                        )
                      : null,
                }
              : {};
        return ok({ ...job, ...extra }, job.version);
      },
    }),
    'POST /exports': route({
      tag: 'Import and export',
      summary: 'Export contacts, companies or deals as CSV: a segment, or a list filter',
      roles: READ,
      body: NewExport,
      problems: { 404: 'the segment the export names does not exist' },
      response: { status: 201, schema: ExportAnswer },
      handle: async ({ body, ctx }) => {
        const entity = ENTITY_OF[body.kind];
        let filter: Record<string, string> = {};
        if (body.segmentId) {
          const segment = await s.segments.require(body.segmentId);
          if (segment.entity !== entity) {
            throw new ValidationFailed([
              {
                path: 'segmentId',
                message: `segment ${segment.id} lists ${segment.entity}s, not ${body.kind}`,
              },
            ]);
          }
          filter = segment.filter;
        } else if (body.filter) {
          const issues = inapplicable(entity, body.filter);
          if (issues.length) throw new ValidationFailed(issues);
          filter = Object.fromEntries(
            Object.entries(body.filter).filter(([, v]) => v !== undefined),
          ) as Record<string, string>;
          try {
            s.segments.plan({ entity, filter });
          } catch (error) {
            if (error instanceof ValidationFailed)
              throw new ValidationFailed(error.issues.map((i) => ({ ...i, path: `filter.${i.path}` })));
            throw error;
          }
        }
        const { job, events } = requestExport(body, filter, ctx);
        await new UnitOfWork().add(s.exports.create(job)).events(events).commit(s.store);
        const { actor: _a, attempt: _n, ...shown } = job;
        return created({ ...shown, download: null }, job.version);
      },
    }),
    'GET /exports/{id}': route({
      tag: 'Import and export',
      summary: 'An export: its status, and the link to its file once it is written',
      roles: READ,
      params: z.strictObject({ id: ExportId }),
      response: { status: 200, schema: ExportAnswer },
      handle: async ({ params, ctx }) => {
        const job = await s.exports.require(params.id);
        assertMaySee(ctx, job);
        const download =
          job.status === 'completed'
            ? await (await s.files()).downloadLink(
                exportKey(job.id, job.kind),
                `${job.kind}-${job.id}.csv`,
                now(),
              )
            : null;
        return ok({ ...job, download }, job.version);
      },
    }),
  };
}
