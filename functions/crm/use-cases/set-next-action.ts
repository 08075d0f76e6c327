import { setNextAction as decide } from '../../../domain/crm/deal.commands.js';
import type { Deal, SetNextAction } from '../../../domain/crm/deal.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { changeDeal } from './change-deal.js';

/** Sets a deal's next action; `completeCurrent` logs the current one as a done activity first. */
export function setNextAction(
  s: Pick<Services, 'activities' | 'companies' | 'contacts' | 'deals' | 'pipelines' | 'profiles' | 'store'>,
  id: string,
  body: SetNextAction,
  input: CommandInput,
): Promise<Deal> {
  return changeDeal(s, id, input, {
    decide: (current) => decide(current, body, input.ctx),
    history: (_, deal) => ({
      change: 'next-action-set',
      ...(deal.nextAction ? { nextAction: deal.nextAction } : {}),
    }),
  });
}
