import { logger } from '../lib/logger.js';
import { instrumented } from '../lib/observability.js';
import { createServices } from '../lib/services.js';
import { sweepOverdue } from './use-cases/flag-overdue.js';

// Scheduled every few minutes: flags late next actions, tasks and stalled deals, once each.
// The schedule's time is "now", so `npm run fire -- overdue-sweep --at <instant>` replays any.
const services = createServices({ runningAs: 'OverdueSweep' });

export const handler = instrumented(async (event: { time?: string }) => {
  const report = await sweepOverdue(
    services.store,
    services.followups,
    event.time ?? new Date().toISOString(),
  );
  logger.info('swept', { time: event.time, ...report });
  return report;
});
