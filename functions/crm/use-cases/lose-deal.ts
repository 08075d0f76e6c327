import { loseDeal as decide } from '../../../domain/crm/deal.commands.js';
import type { Deal } from '../../../domain/crm/deal.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Closes a deal as lost, with the reason, in its stage history. */
export function loseDeal(
  s: Services,
  id: string,
  reason: string,
  { ctx, ifMatch }: CommandInput,
): Promise<Deal> {
  return versionedCommand({
    ifMatch,
    entity: 'deal',
    load: () => s.deals.require(id),
    run: async (current) => {
      const { deal, events } = decide(current, reason, ctx);
      const uow = s.deals.update(new UnitOfWork(), current, deal).events(events);
      s.deals.recordHistory(uow, deal, events[0]!, { change: 'lost', reason });
      await uow.commit(s.store);
      return deal;
    },
  });
}
