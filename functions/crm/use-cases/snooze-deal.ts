import { snoozeDeal as decide } from '../../../domain/crm/deal.commands.js';
import type { Deal, SnoozeDeal } from '../../../domain/crm/deal.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { changeDeal } from './change-deal.js';

/** Silences a deal's overdue and stall flags until a future instant. */
export function snoozeDeal(
  s: Pick<Services, 'activities' | 'companies' | 'contacts' | 'deals' | 'pipelines' | 'profiles' | 'store'>,
  id: string,
  body: SnoozeDeal,
  input: CommandInput,
): Promise<Deal> {
  return changeDeal(s, id, input, { decide: (current) => decide(current, body, input.ctx) });
}
