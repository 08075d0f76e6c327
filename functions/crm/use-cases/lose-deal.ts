import { loseDeal as decide } from '../../../domain/crm/deal.commands.js';
import type { Deal } from '../../../domain/crm/deal.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { changeDeal } from './change-deal.js';

/** Closes a deal as lost, with the reason, in its stage history. */
export function loseDeal(s: Services, id: string, reason: string, input: CommandInput): Promise<Deal> {
  return changeDeal(s, id, input, {
    decide: (current) => decide(current, reason, input.ctx),
    history: () => ({ change: 'lost', reason }),
  });
}
