import type { Contact } from '../../../domain/crm/contact.js';
import {
  assertMayReview,
  type ContactFromReview,
  logOnNewContact,
  newContactFromReview,
} from '../../../domain/email/review.js';
import { createContact } from '../../crm/use-cases/create-contact.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';

// Deciding about a participant of captured emails who is not a contact: create the contact (the
// emails they were in then land on its timeline and its company's) or ignore the address.

/**
 * Makes the contact (or finds the one made by an earlier try), then, in one transaction, logs the
 * emails the review lists on it and removes the review: a retry after either step finishes it.
 */
export async function createContactFromReview(
  s: Pick<
    Services,
    'activities' | 'companies' | 'contacts' | 'duplicates' | 'emailReviews' | 'emails' | 'store'
  >,
  address: string,
  body: ContactFromReview,
  input: CommandInput,
): Promise<{ contact: Contact; logged: number }> {
  const { ctx } = input;
  assertMayReview(ctx.actor);
  const { review, emailIds, keys } = await s.emailReviews.require(address);
  const contact =
    (await s.contacts.findByEmail(address)) ??
    (await createContact(s, newContactFromReview(review, body), input));
  const heads = await s.emails.heads(emailIds);
  const decision = logOnNewContact(heads, contact, ctx);
  const uow = new UnitOfWork();
  for (const activity of decision.activities) s.activities.create(uow, activity, false);
  for (const { before, after } of decision.heads) s.emails.update(uow, before, after);
  await s.emailReviews.resolve(uow, keys).events(decision.events).commit(s.store);
  return { contact, logged: decision.activities.length };
}

export async function ignoreReview(
  s: Pick<Services, 'emailReviews' | 'store'>,
  address: string,
  { ctx }: CommandInput,
): Promise<void> {
  assertMayReview(ctx.actor);
  const { keys } = await s.emailReviews.require(address);
  await s.emailReviews.ignore(new UnitOfWork(), address, keys, ctx.now, ctx.actor.userId).commit(s.store);
}
