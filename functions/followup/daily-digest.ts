import { config } from '../lib/config.js';
import { logger } from '../lib/logger.js';
import { instrumented } from '../lib/observability.js';
import { createServices } from '../lib/services.js';
import { runDailyDigest } from './use-cases/compose-digests.js';

// Scheduled every hour: the digest of everyone for whom it is now the digest hour.
const services = createServices({ runningAs: 'DailyDigest' });
const options = {
  digestHour: config.digestHour(),
  graceMinutes: config.handoffGraceMinutes(),
};

export const handler = instrumented(async (event: { time?: string }) => {
  const { digests: _d, ...report } = await runDailyDigest(
    services,
    event.time ?? new Date().toISOString(),
    options,
  );
  logger.info('digests', { time: event.time, ...report });
  return report;
});
