import type { EventBridgeEvent } from 'aws-lambda';
import { logger } from '../lib/logger.js';
import { instrumented } from '../lib/observability.js';
import { createServices } from '../lib/services.js';
import { handOff } from './use-cases/create-project-from-win.js';
import { stopProjectOnLoss } from './use-cases/stop-project-on-loss.js';

// Target of the DealClosedWon rule (the won deal's delivery project, exactly once) and of the
// DealClosedLost rule for deals that have a project (it stops: on hold or cancelled).
const services = createServices({ runningAs: 'CreateProjectOnWin' });
const warn = (message: string, details: Record<string, unknown>) => logger.warn(message, details);

export const handler = instrumented(async (event: EventBridgeEvent<string, unknown>) => {
  if (event['detail-type'] === 'DealClosedLost') {
    const outcome = await stopProjectOnLoss(services, event, warn);
    logger.info('project stopped on loss', {
      outcome,
      dealId: (event.detail as { data?: { dealId?: string } }).data?.dealId,
    });
    return { outcome };
  }
  const outcome = await handOff(services, event, warn);
  logger.info('handoff', {
    outcome,
    dealId: (event.detail as { data?: { deal?: { id?: string } } }).data?.deal?.id,
  });
  return { outcome };
});
