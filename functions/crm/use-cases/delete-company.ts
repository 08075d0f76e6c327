import { deleteCompany as decide } from '../../../domain/crm/company.commands.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Deletes a company that no contact or open deal refers to (the domain names what does). */
export function deleteCompany(s: Services, id: string, input: CommandInput): Promise<void> {
  const { ctx, ifMatch } = input;
  return versionedCommand({
    ifMatch,
    entity: 'company',
    load: () => s.companies.require(id),
    run: async (current) => {
      const events = decide(current, await s.companies.linked(current.id), ctx);
      await s.companies
        .remove(new UnitOfWork(), current)
        .events(events)
        .add(...(await s.duplicates.track('company', current, null, ctx.now)))
        .commit(s.store);
    },
  });
}
