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
  s: Pick<Services, 'companies' | 'contacts' | 'deals' | 'duplicates' | 'projects' | 'store'>,
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
      // what refers to the company, counted exactly: four COUNT Queries, in parallel
      const [contacts, deals, projects] = await Promise.all([
        s.contacts.countAtCompany(current.id),
        s.deals.companyLinks(current.id),
        s.projects.countAtCompany(current.id),
      ]);
      const events = decide(current, { contacts, ...deals, projects }, options, ctx);
      if (options.detach) {
        const [contactIds, dealIds] = await Promise.all([
          s.contacts.idsAtCompany(current.id),
          s.deals.idsLinkedTo({ companyId: current.id }),
        ]);
        await detachContacts(s, contactIds, ctx);
        await detachDeals(s, dealIds, 'companyId', ctx);
      }
      await s.companies
        .remove(new UnitOfWork(), current)
        .events(events)
        .add(...(await s.duplicates.track('company', current, null, ctx.now)))
        .commit(s.store);
    },
  });
}
