import type { Deal } from '../../../domain/crm/deal.js';
import type { Actor } from '../../../domain/shared/context.js';
import { keys } from '../../lib/table/keys.js';
import type { ProfileRepository } from '../../lib/table/repositories/profiles.js';
import type { UnitOfWork } from '../../lib/table/unit-of-work.js';

/**
 * The contact and company a deal names must exist, and its owner must be a known, active user,
 * when the change commits (else a 422 names them): conditions in the transaction, not reads.
 */
export function requireDealLinks(
  uow: UnitOfWork,
  links: Pick<Partial<Deal>, 'contactId' | 'companyId' | 'ownerId'>,
  people: { profiles: ProfileRepository; actor: Actor },
): void {
  if (links.contactId)
    uow.requireExists(keys.contact(links.contactId), 'contactId', `contact ${links.contactId}`);
  if (links.companyId)
    uow.requireExists(keys.company(links.companyId), 'companyId', `company ${links.companyId}`);
  if (links.ownerId) uow.add(...people.profiles.requireActive('ownerId', links.ownerId, people.actor));
}
