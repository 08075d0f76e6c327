import { detachContactFromCompany } from '../../../domain/crm/contact.commands.js';
import { detachDeal } from '../../../domain/crm/deal.commands.js';
import type { CommandContext } from '../../../domain/shared/context.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { retryOnConflict } from '../../lib/versioned-command.js';

// Before an admin deletes a contact or company with detach=true, every deal (and, for a
// company, every contact) that refers to it loses the link: one versioned change each, with
// its own event, so nothing points at the deleted record and the history says why. Detaching
// again finds nothing left to change, so a delete retried after a failure half-way completes.

export async function detachDeals(
  s: Pick<Services, 'deals' | 'store'>,
  dealIds: string[],
  link: 'contactId' | 'companyId',
  ctx: CommandContext,
): Promise<void> {
  for (const id of dealIds) {
    await retryOnConflict(undefined, async () => {
      const current = await s.deals.get(id);
      if (!current) return;
      const { deal, events } = detachDeal(current, link, ctx);
      if (events.length) await s.deals.update(new UnitOfWork(), current, deal).events(events).commit(s.store);
    });
  }
}

export async function detachContacts(
  s: Pick<Services, 'contacts' | 'duplicates' | 'store'>,
  contactIds: string[],
  ctx: CommandContext,
): Promise<void> {
  for (const id of contactIds) {
    await retryOnConflict(undefined, async () => {
      const current = await s.contacts.get(id);
      if (!current?.companyId) return;
      const { contact, events } = detachContactFromCompany(current, ctx);
      await s.contacts
        .update(new UnitOfWork(), current, contact)
        .events(events)
        .add(...(await s.duplicates.track('contact', current, contact, ctx.now)))
        .commit(s.store);
    });
  }
}
