import { requiredEnv } from '../lib/env.js';
import { runDailyDigest } from '../lib/followup/digest.js';
import { logger } from '../lib/logger.js';
import { instrumented } from '../lib/observability.js';
import { createServices } from '../lib/services.js';

// Scheduled every hour: the digest of everyone for whom it is now the digest hour.
const services = createServices();
const options = {
  digestHour: Number(requiredEnv('DIGEST_HOUR')),
  graceMinutes: Number(requiredEnv('HANDOFF_GRACE_MINUTES')),
};

export const handler = instrumented(async (event: { time?: string }) => {
  const { digests: _d, ...report } = await runDailyDigest(
    services.store,
    services.followups,
    event.time ?? new Date().toISOString(),
    options,
  );
  logger.info('digests', { time: event.time, ...report });
  return report;
});
