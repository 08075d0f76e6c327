import { reopenDeal as decide } from '../../../domain/crm/deal.commands.js';
import type { Deal, ReopenDeal } from '../../../domain/crm/deal.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Reopens a won or lost deal with a next action, in a stage its pipeline still has. */
export function reopenDeal(
  s: Services,
  id: string,
  body: ReopenDeal,
  { ctx, ifMatch }: CommandInput,
): Promise<Deal> {
  return versionedCommand({
    ifMatch,
    entity: 'deal',
    load: () => s.deals.require(id),
    run: async (current) => {
      const { deal, events } = decide(current, body, ctx);
      const uow = s.deals.update(new UnitOfWork(), current, deal).events(events);
      s.deals.requireStage(uow, deal.pipelineId, deal.stageId);
      s.deals.recordHistory(uow, deal, events[0]!, { change: 'reopened', toStageId: deal.stageId });
      await uow.commit(s.store);
      return deal;
    },
  });
}
