import { reopenDeal as decide } from '../../../domain/crm/deal.commands.js';
import type { Deal, ReopenDeal } from '../../../domain/crm/deal.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { changeDeal } from './change-deal.js';

/**
 * Reopens a won or lost deal with a next action, in a stage its pipeline still has, when its
 * contact and company still exist and its owner is active (else a 422 names the link).
 */
export function reopenDeal(s: Services, id: string, body: ReopenDeal, input: CommandInput): Promise<Deal> {
  return changeDeal(s, id, input, {
    decide: (current) => decide(current, body, input.ctx),
    checkStage: true,
    // a closed deal's contact or company may have been deleted since, its owner deactivated
    checkLinks: true,
    history: (_, deal) => ({ change: 'reopened', toStageId: deal.stageId }),
  });
}
