import type { DomainEvent } from '../../../../domain/events.js';
import { ConcurrentModification, type Key, notExists } from '../item.js';
import { get, patterns, write } from '../pattern.js';
import type { Store } from '../store.js';
import { UnitOfWork } from '../unit-of-work.js';

// Each person's digest, once per local day: the first run of their day decides (a conditional
// write with its FollowUpDigest event), and the mailer sends that digest once.

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
  digestMailed: get({
    entity: 'mail',
    pattern: "whether a person's digest of a local day was mailed",
    usedBy: 'digest mailer',
    functions: ['DigestMailer'],
    keyCondition: '`pk = MAIL#<user>, sk = <local date>`',
    roundTrips: '1 GetItem per digest',
    key: mailKey,
  }),
  mailSent: write({
    entity: 'mail',
    pattern: 'a digest mailed, once per person and local day',
    usedBy: 'digest mailer',
    functions: ['DigestMailer'],
    keyCondition: 'Put `MAIL#<user>` / `<local date>` if absent',
    roundTrips: '1 conditional Put per digest',
    actions: ['PutItem'],
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

export async function wasMailed(store: Store, userId: string, localDate: string): Promise<boolean> {
  return (await store.get(digestPatterns.digestMailed, userId, localDate)) !== undefined;
}

/** Records a digest as mailed (a redelivered event then mails nothing). */
export async function recordMailed(
  store: Store,
  userId: string,
  localDate: string,
  at: string,
): Promise<void> {
  try {
    await store.transact([
      {
        pattern: digestPatterns.mailSent,
        put: { ...mailKey(userId, localDate), entity: 'mail', sentAt: at },
        condition: notExists,
        onConditionFailed: () => new ConcurrentModification('mail'),
      },
    ]);
  } catch (error) {
    if (!(error instanceof ConcurrentModification)) throw error;
  }
}
