import type { DomainEvent } from '../../../../domain/events.js';
import { ConcurrentModification, type Key, notExists } from '../item.js';
import { patterns, write } from '../pattern.js';
import type { Store } from '../store.js';
import { UnitOfWork } from '../unit-of-work.js';

// Each person's digest, once per local day: the first run of their day decides (a conditional
// write with its FollowUpDigest event), and the mailer sends that digest once: it claims the
// day's mail before it sends (a lease until its invocation ends), records it sent after, and gives
// the claim back when SES refuses, so neither two copies of the event nor a retry mail it twice.

/** The decision to send a person their digest for one local day (made once). */
const digestKey = (userId: string, localDate: string): Key => ({ pk: `DIGEST#${userId}`, sk: localDate });
/** The digest mail sent to a person for one local day (sent once). */
const mailKey = (userId: string, localDate: string): Key => ({ pk: `MAIL#${userId}`, sk: localDate });

const DIGEST_RETENTION_SECONDS = 90 * 86_400;

export const digestPatterns = patterns({
  digestDecided: write({
    entity: 'digest',
    pattern: 'decide one digest per person and local day (sent or empty), with its event',
    usedBy: 'daily digest',
    functions: ['DailyDigest'],
    keyCondition: 'Put `DIGEST#<user>` / `<local date>` if absent, with FollowUpDigest',
    roundTrips: '1 transaction per person whose digest hour it is',
    actions: ['PutItem'],
  }),
  mailClaimed: write({
    entity: 'mail',
    pattern: "a person's digest of a local day claimed for mailing, unless mailed or held by a live claim",
    usedBy: 'digest mailer',
    functions: ['DigestMailer'],
    keyCondition:
      'Put `MAIL#<user>` / `<local date>` with `leaseUntil` if absent, or unsent with its lease over (the item as it was answers a refusal)',
    roundTrips: '1 conditional Put per digest',
    actions: ['PutItem'],
  }),
  mailSent: write({
    entity: 'mail',
    pattern: 'a digest mailed, once per person and local day',
    usedBy: 'digest mailer',
    functions: ['DigestMailer'],
    keyCondition: 'Put `MAIL#<user>` / `<local date>` with `sentAt` if this claim still holds it',
    roundTrips: '1 conditional Put per digest',
    actions: ['PutItem'],
  }),
  mailReleased: write({
    entity: 'mail',
    pattern: 'a claim given back when SES refused the mail, so a retry mails it',
    usedBy: 'digest mailer',
    functions: ['DigestMailer'],
    keyCondition: 'Delete `MAIL#<user>` / `<local date>` if this claim still holds it, unsent',
    roundTrips: '1 conditional Delete per refused mail',
    actions: ['DeleteItem'],
  }),
});

/**
 * Records the decision of a person's digest for their local day, with its event when there is
 * one: false when the day was decided before.
 */
export async function decideDigest(
  store: Store,
  person: { userId: string; localDate: string },
  sent: boolean,
  events: DomainEvent[],
  now: string,
): Promise<boolean> {
  try {
    await new UnitOfWork()
      .add({
        pattern: digestPatterns.digestDecided,
        put: {
          ...digestKey(person.userId, person.localDate),
          entity: 'digest',
          decidedAt: now,
          sent,
          expiresAt: Math.floor(Date.parse(now) / 1000) + DIGEST_RETENTION_SECONDS,
        },
        condition: notExists,
        onConditionFailed: () => new ConcurrentModification('digest'),
      })
      .events(events)
      .commit(store);
    return true;
  } catch (error) {
    if (error instanceof ConcurrentModification) return false;
    throw error;
  }
}

/** What claiming a digest's mail found: it is this mailer's to send, sent already, or another's. */
export type MailClaim = 'claimed' | 'mailed' | 'held';

class MailNotClaimed extends Error {
  constructor(readonly found: Exclude<MailClaim, 'claimed'>) {
    super(`the digest mail is ${found}`);
  }
}

/**
 * Claims a person's digest of a local day for mailing until `leaseUntil` (the invocation's own
 * end: no holder outlives it). Two copies of one event can run at once (EventBridge delivers at
 * least once, Lambda retries): only one claim is taken, and a claim whose holder died (its lease
 * over, nothing sent) is taken again.
 */
export async function claimMail(
  store: Store,
  userId: string,
  localDate: string,
  claim: { now: string; leaseUntil: string },
): Promise<MailClaim> {
  try {
    await store.transact([
      {
        pattern: digestPatterns.mailClaimed,
        put: { ...mailKey(userId, localDate), entity: 'mail', leaseUntil: claim.leaseUntil },
        condition: {
          expression: 'attribute_not_exists(pk) OR (attribute_not_exists(sentAt) AND leaseUntil < :now)',
          values: { ':now': claim.now },
        },
        onConditionFailed: (current) => new MailNotClaimed(current?.sentAt ? 'mailed' : 'held'),
      },
    ]);
    return 'claimed';
  } catch (error) {
    if (error instanceof MailNotClaimed) return error.found;
    throw error;
  }
}

const stillMine = (leaseUntil: string) => ({
  expression: 'leaseUntil = :mine AND attribute_not_exists(sentAt)',
  values: { ':mine': leaseUntil },
});

/** The claim was taken over (its lease ran out): whoever holds it now records the mail. */
class MailNoLongerHeld extends Error {}

/**
 * Records the claimed digest as mailed (a redelivered event then mails nothing). A claim taken
 * over is left to its new holder; a write that lost a race (TransactionConflict: another copy
 * trying to claim it at that moment) is a ConcurrentModification, to try again.
 */
export async function recordMailed(
  store: Store,
  userId: string,
  localDate: string,
  claim: { leaseUntil: string; at: string },
): Promise<void> {
  try {
    await store.transact([
      {
        pattern: digestPatterns.mailSent,
        put: { ...mailKey(userId, localDate), entity: 'mail', sentAt: claim.at },
        condition: stillMine(claim.leaseUntil),
        onConditionFailed: () => new MailNoLongerHeld(),
      },
    ]);
  } catch (error) {
    if (!(error instanceof MailNoLongerHeld)) throw error;
  }
}

/** Gives a claim back (SES refused the mail): the retry of the event claims and mails it. */
export async function releaseMail(
  store: Store,
  userId: string,
  localDate: string,
  leaseUntil: string,
): Promise<void> {
  try {
    await store.transact([
      {
        pattern: digestPatterns.mailReleased,
        delete: mailKey(userId, localDate),
        condition: stillMine(leaseUntil),
        onConditionFailed: () => new ConcurrentModification('mail'),
      },
    ]);
  } catch (error) {
    if (!(error instanceof ConcurrentModification)) throw error;
  }
}
