import { createCompany as decide } from '../../../domain/crm/company.commands.js';
import type { Company, NewCompany } from '../../../domain/crm/company.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';

/** Adds a company and tracks it for likely duplicates, in one transaction. */
export async function createCompany(
  s: Pick<Services, 'companies' | 'duplicates' | 'store'>,
  body: NewCompany,
  input: CommandInput,
): Promise<Company> {
  const { ctx, preconditions = [] } = input;
  const { company, events } = decide(body, ctx);
  await s.companies
    .create(new UnitOfWork(), company)
    .events(events)
    .add(...preconditions, ...(await s.duplicates.track('company', null, company, ctx.now)))
    .commit(s.store);
  return company;
}
