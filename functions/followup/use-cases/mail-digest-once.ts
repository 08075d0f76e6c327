import type { Digest } from '../../../domain/followup/digest.js';
import { claimMail, recordMailed, releaseMail } from '../../lib/table/entities/digest.js';
import { ConcurrentModification } from '../../lib/table/item.js';
import type { Store } from '../../lib/table/store.js';

// A person's digest of a local day, mailed once however its FollowUpDigest arrives: twice at
// once, again after a crash, or retried by Lambda after SES refused it.

export type DigestMailOutcome = 'mailed' | 'already mailed' | 'no email address';

/**
 * Another invocation holds the day's claim and may still be sending: failing sends the event
 * back to Lambda's retries, which come after that holder's lease is over (it either mailed,
 * and the retry sees so, or died, and the retry mails).
 */
export class DigestMailInProgress extends Error {
  constructor(userId: string, localDate: string) {
    super(`the digest of ${userId} for ${localDate} is being mailed by another invocation; retried later`);
    this.name = 'DigestMailInProgress';
  }
}

export interface DigestMailDeps {
  store: Store;
  /** Sends the digest (SES); throws when SES refuses it. */
  send(digest: Digest): Promise<void>;
  now(): Date;
  /** How long this invocation may still run: no claim of it outlives that. */
  remainingMs(): number;
  /** What went wrong that a retry would only make worse (logged, not thrown). */
  warn(message: string, details: Record<string, unknown>): void;
}

const RECORD_ATTEMPTS = 3;

export async function mailDigestOnce(deps: DigestMailDeps, digest: Digest): Promise<DigestMailOutcome> {
  if (!digest.email) return 'no email address';
  const now = deps.now();
  const leaseUntil = new Date(now.getTime() + deps.remainingMs()).toISOString();
  const claim = await claimMail(deps.store, digest.userId, digest.localDate, {
    now: now.toISOString(),
    leaseUntil,
  });
  if (claim === 'mailed') return 'already mailed';
  if (claim === 'held') throw new DigestMailInProgress(digest.userId, digest.localDate);
  try {
    await deps.send(digest);
  } catch (error) {
    await releaseMail(deps.store, digest.userId, digest.localDate, leaseUntil);
    throw error;
  }
  // SES took it: from here a failure must not become Lambda's retry, which would mail it again
  for (let attempt = 1; ; attempt++) {
    try {
      await recordMailed(deps.store, digest.userId, digest.localDate, {
        leaseUntil,
        at: deps.now().toISOString(),
      });
      return 'mailed';
    } catch (error) {
      if (error instanceof ConcurrentModification && attempt < RECORD_ATTEMPTS) continue;
      deps.warn('digest mailed but not recorded: a copy of its event after the lease may mail it again', {
        userId: digest.userId,
        localDate: digest.localDate,
        error: (error as Error).message,
      });
      return 'mailed';
    }
  }
}
