import { parse } from '../../domain/shared/validation.js';
import * as z from '../../domain/shared/zod.js';
import { logger } from '../lib/logger.js';
import { instrumented } from '../lib/observability.js';
import { createServices } from '../lib/services.js';
import { rebuildReportTotals } from './use-cases/rebuild-report-totals.js';
import { rewriteOlderRecords } from './use-cases/rewrite-older-records.js';

// Invoked by hand (`aws lambda invoke`, or `npm run invoke -- RebuildReports` locally):
// recomputes the report totals from the deals and reports where they differ; `{"apply": true}`
// corrects them and writes again deals, contacts and companies stored with an older item layout
// and the due-list entries of records stored before due lists (rewrite-older-records.ts); `{"recount": true}`
// counts every deal's reached stages again under its pipeline's order now (after stages were
// reordered or inserted). See functions/reports/use-cases/rebuild-report-totals.ts for when to apply.

const services = createServices({ runningAs: 'RebuildReports' });
const Input = z.strictObject(() => ({
  apply: z.boolean().default(false),
  recount: z.boolean().default(false),
}));

export const handler = instrumented(async (event: unknown) => {
  const { apply, recount } = parse(Input, event ?? {});
  const result = await rebuildReportTotals(services, { apply, recount });
  logger.info('report totals rebuilt', { ...result, sample: result.sample.slice(0, 10) });
  if (!apply) return result;
  const rewritten = await rewriteOlderRecords(services);
  logger.info('older records written again', { ...rewritten });
  return { ...result, rewritten };
});
