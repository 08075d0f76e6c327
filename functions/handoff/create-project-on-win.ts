import type { EventBridgeEvent } from 'aws-lambda';
import { logger } from '../lib/logger.js';
import { instrumented } from '../lib/observability.js';
import { createServices } from '../lib/services.js';
import { handOff } from './use-cases/create-project-from-win.js';

// Target of the DealClosedWon rule: the won deal's delivery project, exactly once.
const services = createServices();

export const handler = instrumented(async (event: EventBridgeEvent<string, unknown>) => {
  const outcome = await handOff(services, event, (message, details) => logger.warn(message, details));
  logger.info('handoff', {
    outcome,
    dealId: (event.detail as { data?: { deal?: { id?: string } } }).data?.deal?.id,
  });
  return { outcome };
});
