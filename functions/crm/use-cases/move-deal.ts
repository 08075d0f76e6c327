import { moveDeal as decide } from '../../../domain/crm/deal.commands.js';
import type { Deal } from '../../../domain/crm/deal.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Moves an open deal to another stage, which must still be a stage of its pipeline at commit. */
export async function moveDeal(
  s: Services,
  id: string,
  stageId: string,
  { ctx, ifMatch }: CommandInput,
): Promise<Deal> {
  await s.pipelines.ensureDefault(ctx.now);
  return versionedCommand({
    ifMatch,
    entity: 'deal',
    load: () => s.deals.require(id),
    run: async (current) => {
      const { deal, events } = decide(current, stageId, ctx);
      const uow = s.deals.update(new UnitOfWork(), current, deal).events(events);
      s.deals.requireStage(uow, deal.pipelineId, stageId);
      s.deals.recordHistory(uow, deal, events[0]!, {
        change: 'moved',
        fromStageId: current.stageId,
        toStageId: deal.stageId,
      });
      await uow.commit(s.store);
      return deal;
    },
  });
}
