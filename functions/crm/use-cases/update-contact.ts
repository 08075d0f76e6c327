import { updateContact as decide } from '../../../domain/crm/contact.commands.js';
import type { Contact, ContactPatch } from '../../../domain/crm/contact.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Applies a merge patch to a contact; a company it names must exist when the change commits. */
export function updateContact(
  s: Pick<Services, 'companies' | 'contacts' | 'duplicates' | 'store'>,
  id: string,
  patch: ContactPatch,
  input: CommandInput,
): Promise<Contact> {
  const { ctx, ifMatch, preconditions = [] } = input;
  return versionedCommand({
    ifMatch,
    entity: 'contact',
    load: () => s.contacts.require(id),
    run: async (current) => {
      const { contact, events } = decide(current, patch, ctx);
      const uow = s.contacts
        .update(new UnitOfWork(), current, contact)
        .events(events)
        .add(...preconditions, ...(await s.duplicates.track('contact', current, contact, ctx.now)));
      if (patch.companyId) s.companies.requireExists(uow, patch.companyId, 'companyId');
      await uow.commit(s.store);
      return contact;
    },
  });
}
