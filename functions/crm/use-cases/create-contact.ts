import { createContact as decide } from '../../../domain/crm/contact.commands.js';
import type { Contact, NewContact } from '../../../domain/crm/contact.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';

/** Adds a contact (its email unique, its company existing) and tracks it for likely duplicates. */
export async function createContact(
  s: Pick<Services, 'companies' | 'contacts' | 'duplicates' | 'store'>,
  body: NewContact,
  input: CommandInput,
): Promise<Contact> {
  const { ctx, preconditions = [] } = input;
  const { contact, events } = decide(body, ctx);
  const uow = s.contacts
    .create(new UnitOfWork(), contact)
    .events(events)
    .add(...preconditions, ...(await s.duplicates.track('contact', null, contact, ctx.now)));
  if (contact.companyId) s.companies.requireExists(uow, contact.companyId, 'companyId');
  await uow.commit(s.store);
  return contact;
}
