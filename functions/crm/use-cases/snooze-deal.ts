import { snoozeDeal as decide } from '../../../domain/crm/deal.commands.js';
import type { Deal, SnoozeDeal } from '../../../domain/crm/deal.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Silences a deal's overdue and stall flags until a future instant. */
export function snoozeDeal(
  s: Services,
  id: string,
  body: SnoozeDeal,
  { ctx, ifMatch }: CommandInput,
): Promise<Deal> {
  return versionedCommand({
    ifMatch,
    entity: 'deal',
    load: () => s.deals.require(id),
    run: async (current) => {
      const { deal, events } = decide(current, body, ctx);
      await s.deals.update(new UnitOfWork(), current, deal).events(events).commit(s.store);
      return deal;
    },
  });
}
