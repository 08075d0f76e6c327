import { updateDeal as decide, withCompanyName } from '../../../domain/crm/deal.commands.js';
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
      // a new company: its name goes on the deal (read now, checked again by the write)
      const decision = decide(current, patch, ctx);
      const { deal, events } =
        patch.companyId === undefined
          ? decision
          : withCompanyName(
              decision,
              patch.companyId ? await s.companies.nameOf(patch.companyId) : undefined,
            );
      const uow = s.deals
        .update(new UnitOfWork(), current, deal)
        .events(events)
        .add(...preconditions);
      requireDealLinks(
        uow,
        {
          contactId: patch.contactId ?? undefined,
          companyId: patch.companyId ?? undefined,
          companyName: patch.companyId ? deal.companyName : undefined,
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
