import type { Activity } from '../crm/activity.js';
import type { Contact, NewContact } from '../crm/contact.js';
import { type DomainEvent, emit } from '../events.js';
import { type Actor, type CommandContext, hasRole } from '../shared/context.js';
import { Forbidden } from '../shared/errors.js';
import { emailPartId } from '../shared/ids.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';
import { type EmailHead, LIMITS } from './message.js';

// People in captured emails who are neither contacts nor users are listed for review, never
// created on their own: someone creates the contact (and the emails they were in land on its
// timeline) or ignores the address (it is never listed again).

export const EmailReview = z
  .object(() => ({
    address: z.string(),
    name: z.string().optional(),
    /** How many captured emails they were in. */
    emails: z.int(),
    firstSeenAt: Instant,
    lastSeenAt: Instant,
    lastEmailId: z.string(),
    lastSubject: z.string(),
    /** The users whose emails (sent, or to their deals) they were in: whose review it is. */
    seenBy: z.array(z.string()),
  }))
  .register(z.globalRegistry, { id: 'EmailReview' });
export type EmailReview = z.infer<typeof EmailReview>;

/** Emails logged on a contact made from a review: the newest, at most this many (one transaction). */
export const REVIEW_BACKFILL = 15;

export const ContactFromReview = z
  .strictObject(() => ({
    firstName: z.string().trim().min(1).max(100).optional(),
    lastName: z.string().trim().min(1).max(100).optional(),
    companyId: z.string().optional(),
  }))
  .register(z.globalRegistry, { id: 'ContactFromReview' });
export type ContactFromReview = z.infer<typeof ContactFromReview>;

export function assertMayReview(actor: Actor): void {
  if (!hasRole(actor, 'admin', 'manager', 'sales'))
    throw new Forbidden('your role may read emails but not decide who is a contact');
}

/** The contact a review makes: the name given, else the one the emails showed, else the mailbox. */
export function newContactFromReview(review: EmailReview, input: ContactFromReview): NewContact {
  const [first, ...rest] = (review.name ?? '').trim().split(/\s+/).filter(Boolean);
  const mailbox = review.address.split('@')[0]!;
  const firstName = input.firstName ?? first ?? mailbox;
  const lastName = input.lastName ?? (input.firstName ? undefined : rest.join(' ') || undefined);
  return {
    firstName: firstName.slice(0, 100),
    ...(lastName ? { lastName: lastName.slice(0, 100) } : {}),
    emails: [review.address],
    phones: [],
    tags: [],
    ...(input.companyId ? { companyId: input.companyId } : {}),
  } as NewContact;
}

/**
 * The emails a new contact was in, now on its timeline (and its company's): one activity each,
 * ids derived from the email and the contact, so doing it again writes nothing new.
 */
export function logOnNewContact(
  heads: EmailHead[],
  contact: Contact,
  ctx: CommandContext,
): { activities: Activity[]; heads: { before: EmailHead; after: EmailHead }[]; events: DomainEvent[] } {
  const accepted = heads.filter((h) => h.status !== 'refused').slice(0, REVIEW_BACKFILL);
  const activities = accepted.map(
    (head): Activity => ({
      id: emailPartId('activity', head.id, contact.id),
      type: 'email',
      subject: head.subject.slice(0, 300),
      ...(head.snippet ? { body: head.snippet.slice(0, LIMITS.activityBodyChars) } : {}),
      contactId: contact.id,
      ...(contact.companyId && !head.loggedOn.companyIds.includes(contact.companyId)
        ? { companyId: contact.companyId }
        : {}),
      ownerId: head.sentBy ?? ctx.actor.userId,
      occurredAt: head.sentAt,
      done: true,
      doneAt: ctx.now,
      email: {
        emailId: head.id,
        threadId: head.threadId,
        direction: head.direction,
        from: head.from,
        to: head.to,
        cc: head.cc,
        attachments: head.attachments.length,
        hasHtml: head.hasHtml,
      },
      createdAt: ctx.now,
      updatedAt: ctx.now,
      version: 1,
    }),
  );
  const changed = accepted.map((before) => {
    const after: EmailHead = {
      ...before,
      status: 'logged',
      loggedOn: {
        contactIds: [...before.loggedOn.contactIds, contact.id],
        companyIds:
          contact.companyId && !before.loggedOn.companyIds.includes(contact.companyId)
            ? [...before.loggedOn.companyIds, contact.companyId]
            : before.loggedOn.companyIds,
        dealIds: before.loggedOn.dealIds,
      },
      unknownParticipants: before.unknownParticipants.filter((p) => !contact.emails.includes(p.address)),
      version: before.version + 1,
    };
    return { before, after };
  });
  return {
    activities,
    heads: changed,
    events: activities.map((activity) => emit(ctx, 'ActivityLogged', { activity })),
  };
}
