import { beforeAll, describe, expect, it } from 'vitest';
import type { Digest } from '../../../domain/followup/digest.js';
import {
  type DigestMailDeps,
  DigestMailInProgress,
  mailDigestOnce,
} from '../../../functions/followup/use-cases/mail-digest-once.js';
import { Store } from '../../../functions/lib/table/store.js';
import { itemCount } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// The digest mailer on DynamoDB Local, as the deployed DigestMailer (its declared patterns are all
// its store may use): a person's digest of a day reaches them once, whether its event comes twice
// at once, after a mailer died mid-send, or after SES refused it. SES itself is the recorded
// `send` (the SES path is tested end to end in test/e2e/failure-paths.test.ts).

let table: TestTable;
let store: Store;

beforeAll(async () => {
  table = await testTable();
  store = new Store(table.client, table.tableName, 'DigestMailer');
});

let day = 0;
/** A digest of its own person and day, so each test starts from none mailed. */
const digest = (email: string | null = 'mia@example.com') =>
  ({ userId: 'mia', localDate: `2031-01-${String(++day).padStart(2, '0')}`, email }) as Digest;

function mailer(at: () => Date, send: (d: Digest) => Promise<void>, remainingMs = 30_000): DigestMailDeps {
  return { store, send, now: at, remainingMs: () => remainingMs, warn: () => undefined };
}

describe('a digest mailed once per person and day', () => {
  it('two copies of the event at once: one mails, the other is retried and finds it mailed', async () => {
    const sent: string[] = [];
    const d = digest();
    const slowSes = async (x: Digest) => {
      await new Promise((r) => setTimeout(r, 200));
      sent.push(x.localDate);
    };
    const now = () => new Date('2031-01-01T07:00:00Z');
    const both = await Promise.allSettled([
      mailDigestOnce(mailer(now, slowSes), d),
      mailDigestOnce(mailer(now, slowSes), d),
    ]);
    expect(both.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual(['mailed']);
    const refused = both.find((r) => r.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(DigestMailInProgress);
    // Lambda's retry of the refused copy, a minute later
    const retry = await mailDigestOnce(
      mailer(() => new Date('2031-01-01T07:01:00Z'), slowSes),
      d,
    );
    expect(retry).toBe('already mailed');
    expect(sent).toEqual([d.localDate]);
  });

  it('a mailer that died holding the claim: the retry after its lease mails, once', async () => {
    const sent: string[] = [];
    const d = digest();
    // the first invocation claims until its end (30 s), starts sending and is killed there
    let sending!: () => void;
    const claimed = new Promise<void>((r) => {
      sending = r;
    });
    void mailDigestOnce(
      mailer(
        () => new Date('2031-01-01T07:00:00Z'),
        () => {
          sending();
          return new Promise(() => {});
        },
      ),
      d,
    );
    await claimed;
    // while its lease runs, another copy is refused (and Lambda retries it later)
    await expect(
      mailDigestOnce(
        mailer(
          () => new Date('2031-01-01T07:00:10Z'),
          async () => {},
        ),
        d,
      ),
    ).rejects.toBeInstanceOf(DigestMailInProgress);
    const record = async (x: Digest) => {
      sent.push(x.localDate);
    };
    // Lambda's first retry comes a minute later, after the dead holder's lease
    expect(
      await mailDigestOnce(
        mailer(() => new Date('2031-01-01T07:01:00Z'), record),
        d,
      ),
    ).toBe('mailed');
    expect(
      await mailDigestOnce(
        mailer(() => new Date('2031-01-01T07:03:00Z'), record),
        d,
      ),
    ).toBe('already mailed');
    expect(sent).toEqual([d.localDate]);
  });

  it('SES refusing the mail gives the claim back: the retry mails it at once, once', async () => {
    const d = digest();
    const now = () => new Date('2031-01-01T07:00:00Z');
    const refused = mailDigestOnce(
      mailer(now, async () => {
        throw Object.assign(new Error('Throttling: Maximum sending rate exceeded'), {
          name: 'TooManyRequestsException',
        });
      }),
      d,
    );
    await expect(refused).rejects.toThrow(/Maximum sending rate/);
    const sent: string[] = [];
    const healed = mailer(now, async (x) => {
      sent.push(x.localDate);
    });
    expect(await mailDigestOnce(healed, d)).toBe('mailed');
    expect(await mailDigestOnce(healed, d)).toBe('already mailed');
    expect(sent).toEqual([d.localDate]);
  });

  it('a person without an email address: nothing mailed, nothing written', async () => {
    const before = await itemCount(table);
    const outcome = await mailDigestOnce(
      mailer(
        () => new Date('2031-01-01T07:00:00Z'),
        async () => {
          throw new Error('not sent: no address');
        },
      ),
      digest(null),
    );
    expect(outcome).toBe('no email address');
    expect(await itemCount(table)).toBe(before);
  });
});
