import { reopenDeal as decide } from '../../../domain/crm/deal.commands.js';
import type { Deal, ReopenDeal } from '../../../domain/crm/deal.js';
import { productDelta } from '../../../domain/reports/product-totals.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { changeDeal } from './change-deal.js';

/**
 * Reopens a won or lost deal with a next action, in a stage its pipeline still has, when its
 * contact and company still exist and its owner is active (else a 422 names the link).
 */
export async function reopenDeal(
  s: Pick<
    Services,
    | 'activities'
    | 'companies'
    | 'contacts'
    | 'deals'
    | 'lineItems'
    | 'pipelines'
    | 'productTotals'
    | 'profiles'
    | 'store'
  >,
  id: string,
  body: ReopenDeal,
  input: CommandInput,
): Promise<Deal> {
  await s.pipelines.ensureDefault(input.ctx.now);
  return changeDeal(s, id, input, {
    // the pipeline's order says which stages the deal reaches again (stages-reached.ts)
    decide: async (current) =>
      decide(current, await s.pipelines.require(current.pipelineId), body, input.ctx),
    checkStage: true,
    // a closed deal's contact or company may have been deleted since, its owner deactivated
    checkLinks: true,
    history: (_, deal) => ({ change: 'reopened', toStageId: deal.stageId }),
    // a won deal's sold lines leave the product report (they count again at its next win)
    also: async (current, deal) => {
      if (current.status !== 'won') return [];
      const { lineItems: lines } = await s.lineItems.of(current.id);
      return s.productTotals.writes(productDelta({ deal: current, lines }, { deal, lines }));
    },
  });
}
