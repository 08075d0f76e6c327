import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { config } from '../lib/config.js';
import { logger } from '../lib/logger.js';
import { instrumented } from '../lib/observability.js';
import { createServices } from '../lib/services.js';
import { watchHandoffGap } from './use-cases/report-handoff-gaps.js';

// Scheduled: won deals without a project after the grace period. The schedule passes its
// scheduled time, which is "now" here, so any run can be replayed for any instant.
const services = createServices({ runningAs: 'HandoffGapMonitor' });
const graceMinutes = config.handoffGraceMinutes();
const metrics = new Metrics({ namespace: 'Handoff' });

export const handler = instrumented(async (event: { time?: string }) => {
  const time = event.time ?? new Date().toISOString();
  const report = await watchHandoffGap(services, time, graceMinutes);
  metrics.addMetric('HandoffsMissing', MetricUnit.Count, report.waiting);
  metrics.publishStoredMetrics();
  logger.info('handoff gap watched', { time, ...report });
  return report;
});
