import { stringify } from 'csv-stringify/sync';

import { emit } from '../../../domain/events.js';
import { newEventId } from '../../../domain/shared/ids.js';
import { exportHeader, layoutOf, writeRow } from '../../../domain/transfer/columns.js';
import { ENTITY_OF, MAX_ROWS } from '../../../domain/transfer/jobs.js';
import { planSegment } from '../../crm/use-cases/segment-plan.js';
import { exportKey } from '../../lib/files/file-keys.js';
import type { FileStore } from '../../lib/files/file-store.js';
import { logger } from '../../lib/logger.js';
import type { Services } from '../../lib/services.js';
import { type ExportJobState, LeaseLost } from '../../lib/table/entities/transfer-jobs.js';
import { planPage } from '../../lib/table/page.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';

// Runs one export: the list (a segment, or a filter planned the same way) read page by page with
// the Query its plan names, each record written as a row with the same columns an import reads,
// the file stored under downloads/ for a short-lived link. At most MAX_ROWS rows.

const iso = () => new Date().toISOString();

export async function runExport(
  s: Pick<Services, 'companies' | 'contacts' | 'customFields' | 'deals' | 'exports' | 'segments' | 'store'>,
  files: FileStore,
  exportId: string,
): Promise<{ ran: false } | { ran: true; rows: number; truncated: boolean }> {
  const job = await s.exports.claim(exportId, iso());
  if (!job) return { ran: false };
  try {
    const segment = job.segmentId ? await s.segments.require(job.segmentId) : undefined;
    const plan = await planSegment(s, segment ?? { entity: ENTITY_OF[job.kind], filter: job.filter });
    const layout = layoutOf(job.kind, (await s.customFields.read()).fields);
    const toRecord =
      job.kind === 'contacts'
        ? (i: Record<string, unknown>) => s.contacts.fromItem(i)
        : job.kind === 'companies'
          ? (i: Record<string, unknown>) => s.companies.fromItem(i)
          : (i: Record<string, unknown>) => s.deals.fromItem(i);
    const rows: string[][] = [exportHeader(layout)];
    let startKey: Record<string, unknown> | undefined;
    let truncated = false;
    do {
      const page = await planPage(s.store, plan, { limit: 1000, startKey }, (item) => item);
      for (const item of page.items) {
        if (rows.length > MAX_ROWS) {
          truncated = true;
          break;
        }
        rows.push(writeRow(layout, toRecord(item) as never));
      }
      startKey = truncated ? undefined : page.lastKey;
    } while (startKey);
    await files.write(exportKey(job.id, job.kind), stringify(rows));
    await finish(s, job, { status: 'completed', rows: rows.length - 1, truncated });
    logger.info('export completed', { exportId, rows: rows.length - 1, truncated });
    return { ran: true, rows: rows.length - 1, truncated };
  } catch (error) {
    if (error instanceof LeaseLost) return { ran: false };
    throw error;
  }
}

async function finish(
  s: Pick<Services, 'exports' | 'store'>,
  job: ExportJobState,
  outcome: { status: 'completed' | 'failed'; rows: number; truncated: boolean },
): Promise<void> {
  const now = iso();
  const ctx = { now, actor: job.actor, correlationId: job.id, newId: () => '', newEventId };
  await new UnitOfWork()
    .add(s.exports.finish(job, outcome, now))
    .events([emit(ctx, 'ExportFinished', { exportId: job.id, kind: job.kind, ...outcome })])
    .commit(s.store);
}
