import { updateCompany as decide } from '../../../domain/crm/company.commands.js';
import type { Company, CompanyPatch } from '../../../domain/crm/company.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Applies a merge patch to a company; its duplicate tracking follows its new name and domain. */
export function updateCompany(
  s: Pick<Services, 'companies' | 'duplicates' | 'store'>,
  id: string,
  patch: CompanyPatch,
  input: CommandInput,
): Promise<Company> {
  const { ctx, ifMatch, preconditions = [] } = input;
  return versionedCommand({
    ifMatch,
    entity: 'company',
    load: () => s.companies.require(id),
    run: async (current) => {
      const { company, events } = decide(current, patch, ctx);
      await s.companies
        .update(new UnitOfWork(), current, company)
        .events(events)
        .add(...preconditions, ...(await s.duplicates.track('company', current, company, ctx.now)))
        .commit(s.store);
      return company;
    },
  });
}
