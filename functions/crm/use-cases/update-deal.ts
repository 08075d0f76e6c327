import { updateDeal as decide } from '../../../domain/crm/deal.commands.js';
import type { Deal, DealPatch } from '../../../domain/crm/deal.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';
import { requireDealLinks } from './deal-links.js';

/** Changes a deal's fields; the domain keeps reassigning the owner for managers. */
export function updateDeal(
  s: Pick<Services, 'companies' | 'contacts' | 'deals' | 'profiles' | 'store'>,
  id: string,
  patch: DealPatch,
  input: CommandInput,
): Promise<Deal> {
  const { ctx, ifMatch, preconditions = [] } = input;
  return versionedCommand({
    ifMatch,
    entity: 'deal',
    load: () => s.deals.require(id),
    run: async (current) => {
      const { deal, events } = decide(current, patch, ctx);
      const uow = s.deals
        .update(new UnitOfWork(), current, deal)
        .events(events)
        .add(...preconditions);
      requireDealLinks(
        uow,
        {
          contactId: patch.contactId ?? undefined,
          companyId: patch.companyId ?? undefined,
          ownerId: deal.ownerId === current.ownerId ? undefined : deal.ownerId,
        },
        s,
        ctx.actor,
      );
      await uow.commit(s.store);
      return deal;
    },
  });
}
