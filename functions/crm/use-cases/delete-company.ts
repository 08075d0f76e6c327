import { deleteCompany as decide } from '../../../domain/crm/company.commands.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';
import { detachContacts, detachDeals } from './detach-links.js';

/**
 * Deletes a company nothing refers to (the 409 counts its contacts, open and closed deals and
 * projects); with `detach`, an admin's choice, its contacts and deals lose the link first.
 */
export function deleteCompany(
  s: Services,
  id: string,
  input: CommandInput,
  options: { detach: boolean } = { detach: false },
): Promise<void> {
  const { ctx, ifMatch } = input;
  return versionedCommand({
    ifMatch,
    entity: 'company',
    load: () => s.companies.require(id),
    run: async (current) => {
      const events = decide(current, await s.companies.links(current.id), options, ctx);
      if (options.detach) {
        const linked = await s.companies.linkedIds(current.id);
        await detachContacts(s, linked.contacts, ctx);
        await detachDeals(s, linked.deals, 'companyId', ctx);
      }
      await s.companies
        .remove(new UnitOfWork(), current)
        .events(events)
        .add(...(await s.duplicates.track('company', current, null, ctx.now)))
        .commit(s.store);
    },
  });
}
