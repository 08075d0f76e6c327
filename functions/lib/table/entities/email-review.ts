import type { Contact } from '../../../../domain/crm/contact.js';
import type { EmailHead, MailAddress } from '../../../../domain/email/message.js';
import { EmailReview } from '../../../../domain/email/review.js';
import { NotFound } from '../../../../domain/shared/errors.js';
import { ConcurrentModification, entityOf, type Key } from '../item.js';
import { type Page, type PageRequest, pageOf } from '../page.js';
import { batchGet, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { contactEmailKey } from './contact.js';

// People in captured emails who are neither contacts nor users, waiting for someone to create
// the contact or ignore them: one head per address (listed on gsi1 by when they were last seen,
// while pending; an ignored one keeps its head, unlisted, so it is never listed again), and one
// small item per email they were in (what a contact made from the review logs).

const PARTITION = (address: string) => `REVIEW#${address}`;
const reviewHeadKey = (address: string): Key => ({ pk: PARTITION(address), sk: 'REVIEW' });
const reviewEmailKey = (address: string, sentAt: string, emailId: string): Key => ({
  pk: PARTITION(address),
  sk: `EMAIL#${sentAt}#${emailId}`,
});
const LIST = 'EMAIL-REVIEW';

const asReview = entityOf<EmailReview>(EmailReview);

export const emailReviewPatterns = patterns({
  participantRecords: batchGet({
    entity: 'contact, email review',
    pattern: "an email's participants: the contact each address is (its email guard) and its review, if any",
    usedBy: 'the capture function',
    functions: ['EmailCapture'],
    keyCondition:
      'BatchGet `EMAIL#<address>` / `CONTACT` and `REVIEW#<address>` / `REVIEW` of each participant',
    roundTrips: '1 BatchGet',
    keys: (addresses: string[]) => addresses.flatMap((a) => [contactEmailKey(a), reviewHeadKey(a)]),
  }),
  reviewWithEmails: query({
    entity: 'email review',
    pattern: 'a participant to review, with the emails they were in (newest first)',
    usedBy: '`POST /email-review/{address}/contact`, `POST /email-review/{address}/ignore`',
    functions: ['CrmApi'],
    index: 'table',
    keyCondition: '`pk = REVIEW#<address>`, descending (`REVIEW` sorts after `EMAIL#…`)',
    roundTrips: '1 Query',
    query: (address: string) => ({ partition: PARTITION(address) }),
  }),
  reviewList: query({
    entity: 'email review',
    pattern: 'the participants waiting for review, last seen first',
    usedBy: '`GET /email-review`',
    functions: ['CrmApi'],
    index: 'gsi1',
    keyCondition: '`gsi1pk = EMAIL-REVIEW`, descending',
    roundTrips: '1 Query (yours: filtered on `seenBy`)',
    query: () => ({ index: 'gsi1', partition: LIST }),
  }),
  reviewNoted: write({
    entity: 'email review',
    pattern: 'a participant seen in a captured email: counted on its head (unless ignored), the email noted',
    usedBy: 'the capture function',
    functions: ['EmailCapture'],
    keyCondition:
      'UpdateItem `REVIEW#<address>` / `REVIEW` (ADD, SET; on condition it is not ignored); Put `REVIEW#<address>` / `EMAIL#<sentAt>#<emailId>`',
    roundTrips: "none of its own (the email's transaction)",
    actions: ['UpdateItem', 'PutItem'],
  }),
  reviewResolved: write({
    entity: 'email review',
    pattern:
      'a review decided: the contact created (its items deleted) or the address ignored (its head kept, unlisted)',
    usedBy: '`POST /email-review/{address}/contact`, `POST /email-review/{address}/ignore`',
    functions: ['CrmApi'],
    keyCondition: 'Put (ignored) or Delete `REVIEW#<address>` / `REVIEW`; Delete its `EMAIL#…` items',
    roundTrips: "none of its own (the decision's transaction)",
    actions: ['PutItem', 'DeleteItem'],
  }),
});

/** Someone ignored the address while the capture ran: it is decided again (and skipped). */
export class ReviewIgnored extends ConcurrentModification {
  constructor(address: string) {
    super(`the review of ${address}`);
  }
}

export interface ParticipantRecords {
  contacts: Map<string, Contact>;
  ignored: Set<string>;
}

export class EmailReviewRepository {
  constructor(private readonly store: Store) {}

  /** The contact of each address (a copy on its email guard) and the ignored addresses: one BatchGet. */
  async participants(addresses: string[], asContact: (i: Record<string, unknown>) => Contact) {
    const contacts = new Map<string, Contact>();
    const ignored = new Set<string>();
    if (addresses.length === 0) return { contacts, ignored };
    // a BatchGet takes 100 keys: two per address
    const asked = addresses.slice(0, 50);
    const items = await this.store.batchGet(emailReviewPatterns.participantRecords, asked);
    asked.forEach((address, i) => {
      const contact = items[2 * i];
      const review = items[2 * i + 1];
      if (contact) contacts.set(address, asContact(contact));
      if (review?.ignoredAt) ignored.add(address);
    });
    return { contacts, ignored };
  }

  /** Counts the address on its review (no read: ADD and SET), unless it was ignored meanwhile. */
  note(uow: UnitOfWork, who: MailAddress, head: EmailHead, seenBy: string | undefined): UnitOfWork {
    const names: Record<string, string> = { '#emails': 'emails' };
    const values: Record<string, unknown> = {
      ':one': 1,
      ':at': head.receivedAt,
      ':address': who.address,
      ':list': LIST,
      ':sk': `${head.receivedAt}#${who.address}`,
      ':email': head.id,
      ':subject': head.subject,
      ':entity': 'email-review',
    };
    const sets = [
      'entity = :entity',
      'address = :address',
      'firstSeenAt = if_not_exists(firstSeenAt, :at)',
      'lastSeenAt = :at',
      'lastEmailId = :email',
      'lastSubject = :subject',
      'gsi1pk = :list',
      'gsi1sk = :sk',
    ];
    if (who.name) {
      sets.push('#name = :name');
      names['#name'] = 'name';
      values[':name'] = who.name;
    }
    let expression = `SET ${sets.join(', ')} ADD #emails :one`;
    if (seenBy) {
      expression += ', seenBy :seenBy';
      values[':seenBy'] = new Set([seenBy]);
    }
    uow.add({
      pattern: emailReviewPatterns.reviewNoted,
      update: { key: reviewHeadKey(who.address), expression, names, values },
      condition: { expression: 'attribute_not_exists(ignoredAt)' },
      onConditionFailed: () => new ReviewIgnored(who.address),
    });
    return uow.add({
      pattern: emailReviewPatterns.reviewNoted,
      put: {
        ...reviewEmailKey(who.address, head.sentAt, head.id),
        entity: 'email-review-email',
        emailId: head.id,
      },
    });
  }

  /** Waiting for review, last seen first; `seenBy` keeps those in one person's emails. */
  list(page: PageRequest, seenBy?: string): Promise<Page<EmailReview>> {
    return pageOf(
      this.store,
      {
        ...emailReviewPatterns.reviewList.query(),
        ...page,
        newestFirst: true,
        ...(seenBy ? { filter: { expression: 'contains(seenBy, :me)', values: { ':me': seenBy } } } : {}),
      },
      (item) => asReview({ ...item, seenBy: [...((item.seenBy as Set<string> | undefined) ?? [])].sort() }),
    );
  }

  /** The review (pending, not ignored) and the ids of the emails it lists, newest first. */
  async require(address: string): Promise<{ review: EmailReview; emailIds: string[]; keys: Key[] }> {
    const items = await this.store.queryAll({
      ...emailReviewPatterns.reviewWithEmails.query(address),
      newestFirst: true,
    });
    const head = items.find((i) => i.sk === 'REVIEW');
    if (!head || head.ignoredAt) throw new NotFound('email review', address);
    const emails = items.filter((i) => i.sk !== 'REVIEW');
    return {
      review: asReview({ ...head, seenBy: [...((head.seenBy as Set<string> | undefined) ?? [])].sort() }),
      emailIds: emails.map((i) => String(i.emailId)),
      keys: items.map((i) => ({ pk: String(i.pk), sk: String(i.sk) })),
    };
  }

  /** Ignored: its head kept without index keys (never listed again), its email items deleted. */
  ignore(uow: UnitOfWork, address: string, keys: Key[], at: string, by: string): UnitOfWork {
    for (const key of keys) {
      if (key.sk === 'REVIEW') continue;
      uow.add({ pattern: emailReviewPatterns.reviewResolved, delete: key });
    }
    return uow.add({
      pattern: emailReviewPatterns.reviewResolved,
      put: { ...reviewHeadKey(address), entity: 'email-review', address, ignoredAt: at, ignoredBy: by },
    });
  }

  /** Resolved by a contact: every item of the review deleted. */
  resolve(uow: UnitOfWork, keys: Key[]): UnitOfWork {
    for (const key of keys) uow.add({ pattern: emailReviewPatterns.reviewResolved, delete: key });
    return uow;
  }
}
