import { setNextAction as decide } from '../../../domain/crm/deal.commands.js';
import type { Deal, SetNextAction } from '../../../domain/crm/deal.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Sets a deal's next action; `completeCurrent` logs the current one as a done activity first. */
export function setNextAction(
  s: Services,
  id: string,
  body: SetNextAction,
  { ctx, ifMatch }: CommandInput,
): Promise<Deal> {
  return versionedCommand({
    ifMatch,
    entity: 'deal',
    load: () => s.deals.require(id),
    run: async (current) => {
      const { deal, events, completedActivity } = decide(current, body, ctx);
      const uow = s.deals.update(new UnitOfWork(), current, deal).events(events);
      if (completedActivity) s.activities.create(uow, completedActivity, false);
      await uow.commit(s.store);
      return deal;
    },
  });
}
