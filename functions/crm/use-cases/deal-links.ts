import type { Deal } from '../../../domain/crm/deal.js';
import { keys } from '../../lib/table/keys.js';
import type { UnitOfWork } from '../../lib/table/unit-of-work.js';

/** The contact and company a deal names must exist when the change commits (else a 422 names them). */
export function requireDealLinks(
  uow: UnitOfWork,
  links: Pick<Partial<Deal>, 'contactId' | 'companyId'>,
): void {
  if (links.contactId)
    uow.requireExists(keys.contact(links.contactId), 'contactId', `contact ${links.contactId}`);
  if (links.companyId)
    uow.requireExists(keys.company(links.companyId), 'companyId', `company ${links.companyId}`);
}
