import type { EventBridgeEvent } from 'aws-lambda';
import { contextFor, readEvent } from '../lib/bus/incoming-event.js';
import { logger } from '../lib/logger.js';
import { instrumented } from '../lib/observability.js';
import { createServices } from '../lib/services.js';
import { finishReschedule } from './use-cases/reschedule-project.js';

// Target of the ProjectRescheduleRequested rule: writes the moves a large reschedule left.
const services = createServices({ runningAs: 'RescheduleCascade' });

export const handler = instrumented(async (event: EventBridgeEvent<string, unknown>) => {
  const detail = readEvent('ProjectRescheduleRequested', event);
  const ctx = contextFor(detail, new Date(event.time).toISOString(), 'reschedule-cascade');
  const moved = await finishReschedule(services.projects, detail.data, ctx);
  logger.info('rescheduled', { projectId: detail.data.projectId, moved });
});
