import { loseDeal as decide } from '../../../domain/crm/deal.commands.js';
import type { Deal, LoseDeal } from '../../../domain/crm/deal.js';
import { chooseReason } from '../../../domain/crm/deal-reasons.js';
import { ValidationFailed } from '../../../domain/shared/errors.js';
import type * as z from '../../../domain/shared/zod.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { changeDeal } from './change-deal.js';

/** Closes a deal as lost, with the reason (from the workspace's list, when it has one), in its stage history. */
export async function loseDeal(
  s: Pick<
    Services,
    'activities' | 'companies' | 'contacts' | 'dealReasons' | 'deals' | 'pipelines' | 'profiles' | 'store'
  >,
  id: string,
  body: z.output<typeof LoseDeal>,
  input: CommandInput,
): Promise<Deal> {
  const reasons = await s.dealReasons.get();
  const chosen = chooseReason(reasons.lost, { reason: body.reason, detail: body.reasonDetail }, 'reason');
  if (chosen.issues.length > 0 || !chosen.reason) throw new ValidationFailed(chosen.issues);
  const why = { reason: chosen.reason, detail: chosen.detail, project: body.project };
  return changeDeal(s, id, input, {
    decide: (current) => decide(current, why, input.ctx),
    history: () => ({
      change: 'lost',
      reason: chosen.detail ? `${chosen.reason}: ${chosen.detail}` : chosen.reason!,
    }),
  });
}
