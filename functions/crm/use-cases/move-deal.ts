import { moveDeal as decide } from '../../../domain/crm/deal.commands.js';
import type { Deal } from '../../../domain/crm/deal.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { changeDeal } from './change-deal.js';

/**
 * Moves an open deal to another stage, which must still be a stage of its pipeline at commit.
 * The pipeline is read with the deal: its order says which stages a move forward passes over.
 */
export async function moveDeal(
  s: Pick<Services, 'activities' | 'companies' | 'contacts' | 'deals' | 'pipelines' | 'profiles' | 'store'>,
  id: string,
  stageId: string,
  input: CommandInput,
): Promise<Deal> {
  await s.pipelines.ensureDefault(input.ctx.now);
  return changeDeal(s, id, input, {
    decide: async (current) =>
      decide(current, await s.pipelines.require(current.pipelineId), stageId, input.ctx),
    checkStage: true,
    history: (current, deal) => ({ change: 'moved', fromStageId: current.stageId, toStageId: deal.stageId }),
  });
}
