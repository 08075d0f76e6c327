import type { Deal } from '../../../domain/crm/deal.js';
import type { Actor } from '../../../domain/shared/context.js';
import type { Services } from '../../lib/services.js';
import type { UnitOfWork } from '../../lib/table/unit-of-work.js';

/**
 * The contact and company a deal names must exist, and its owner must be a known, active user,
 * when the change commits (else a 422 names them): conditions in the transaction, not reads.
 */
export function requireDealLinks(
  uow: UnitOfWork,
  links: Pick<Partial<Deal>, 'contactId' | 'companyId' | 'companyName' | 'ownerId'>,
  s: Pick<Services, 'contacts' | 'companies' | 'profiles'>,
  actor: Actor,
): void {
  if (links.contactId) s.contacts.requireExists(uow, links.contactId, 'contactId');
  if (links.companyId && links.companyName !== undefined)
    s.companies.requireNamed(uow, links.companyId, links.companyName, 'companyId');
  else if (links.companyId) s.companies.requireExists(uow, links.companyId, 'companyId');
  if (links.ownerId) uow.add(...s.profiles.requireActive('ownerId', links.ownerId, actor));
}
