import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDeal } from '../../../domain/crm/deal.commands.js';
import { NewDeal } from '../../../domain/crm/deal.js';
import { setLineItems } from '../../../domain/crm/line-items.commands.js';
import { type DealLineItems, noLineItems } from '../../../domain/crm/line-items.js';
import { lineAmounts } from '../../../domain/crm/line-totals.js';
import { defaultPipeline } from '../../../domain/crm/pipeline.js';
import { acceptQuote, createQuote, declineQuote, sendQuote } from '../../../domain/crm/quote.commands.js';
import { type Quote, quoteNumber } from '../../../domain/crm/quote.js';
import { Conflict, ValidationFailed } from '../../../domain/shared/errors.js';
import { parse } from '../../../domain/shared/validation.js';
import { context } from '../support.js';

// The pricing of a line against exact rational arithmetic, and the rules of quote versions.

/** n/d rounded half-up, the slow way: the exact remainder compared with half of d. */
const halfUp = (n: bigint, d: bigint) => (2n * (n % d) >= d ? n / d + 1n : n / d);

describe('a line priced', () => {
  it('is exact: each step of every line is the exact value rounded half-up, and they add up', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000_000 }), // quantity in thousandths (up to 1,000,000)
        fc.integer({ min: 0, max: 100_000_000 }), // unit price in minor units
        fc.integer({ min: 0, max: 10_000 }), // discount in hundredths of a percent
        fc.integer({ min: 0, max: 10_000 }), // tax in hundredths of a percent
        (q, price, disc, tax) => {
          const a = lineAmounts({
            quantity: q / 1000,
            unitPrice: price,
            discountPercent: disc / 100,
            taxPercent: tax / 100,
          });
          const gross = halfUp(BigInt(q) * BigInt(price), 1000n);
          const discount = halfUp(gross * BigInt(disc), 10_000n);
          const net = gross - discount;
          expect(a).toEqual({
            gross,
            discount,
            net,
            tax: halfUp(net * BigInt(tax), 10_000n),
            total: net + halfUp(net * BigInt(tax), 10_000n),
          });
        },
      ),
    );
  });

  it('rounds a half up, once per line: 2.5 × 123.45 = 308.625 → 308.63; −10 % → 30.86', () => {
    expect(lineAmounts({ quantity: 2.5, unitPrice: 12_345, discountPercent: 10, taxPercent: 19 })).toEqual({
      gross: 30_863n,
      discount: 3_086n,
      net: 27_777n,
      tax: 5_278n,
      total: 33_055n,
    });
    expect(lineAmounts({ quantity: 0.5, unitPrice: 1, discountPercent: 0, taxPercent: 0 }).gross).toBe(1n);
    // 0.1 + 0.2 in binary floating point is not 0.3: none of it reaches a rounding
    expect(lineAmounts({ quantity: 0.3, unitPrice: 10, discountPercent: 0, taxPercent: 0 }).gross).toBe(3n);
  });
});

const pipeline = defaultPipeline('2029-01-01T00:00:00.000Z');
const deal = () =>
  createDeal(
    parse(NewDeal, {
      title: 'Rollout',
      value: { amount: 100, currency: 'EUR' },
      ownerId: 'u-alice',
      nextAction: { summary: 'Call', dueAt: '2030-01-02T09:00:00Z' },
    }),
    pipeline,
    context(),
  ).deal;
const lines = [
  { name: 'Build', quantity: 10, unitPrice: { amount: 10_000, currency: 'EUR' }, unit: 'hour' as const },
];

function priced() {
  const d = deal();
  const set = setLineItems(d, noLineItems(d.id), lines, new Map(), context());
  return { deal: set.deal, sheet: set.sheet };
}

function quoted(sheet: DealLineItems, d = priced().deal, previous?: Quote, now = '2030-01-01T09:00:00.000Z') {
  return createQuote(
    d,
    sheet,
    { scopeSummary: 'Build it', validUntil: '2030-01-31' },
    { number: quoteNumber('2030', 42) },
    previous,
    context(undefined, now),
  );
}

describe('quote versions', () => {
  it('the deal takes its value from its lines; a new version supersedes the open one; only the latest is accepted', () => {
    const { deal: d, sheet } = priced();
    expect(d.value).toEqual({ amount: 100_000, currency: 'EUR' });
    const v1 = quoted(sheet, d);
    expect(v1.quote).toMatchObject({ number: 'Q-2030-0042', quoteVersion: 1, status: 'draft' });
    const v2 = quoted(v1.sheet, d, v1.quote);
    expect(v2.quote.quoteVersion).toBe(2);
    expect(v2.superseded).toMatchObject({ status: 'superseded', supersededBy: v2.quote.id });
    expect(() => acceptQuote(v2.superseded!, d, v2.sheet, context())).toThrow(Conflict);
    const accepted = acceptQuote(v2.quote, d, v2.sheet, context());
    expect(accepted.sheet.acceptedQuote?.quoteId).toBe(v2.quote.id);
    // fixed while it stands: no new lines, no new version
    expect(() => setLineItems(accepted.deal, accepted.sheet, [], new Map(), context())).toThrow(Conflict);
    expect(() => quoted(accepted.sheet, accepted.deal)).toThrow(Conflict);
    // declined (withdrawn): the lines are free again
    const declined = declineQuote(accepted.quote, accepted.deal, accepted.sheet, 'budget cut', context());
    expect(declined.sheet?.acceptedQuote).toBeUndefined();
    expect(declined.events[0]!.detail.data).toMatchObject({ wasAccepted: true, reason: 'budget cut' });
  });

  it('an expired quote is neither sent nor accepted; a quote for a contact without email is a 422 at contactId', () => {
    const { deal: d, sheet } = priced();
    const v1 = quoted(sheet, d);
    const later = context(undefined, '2030-02-01T00:00:00.000Z');
    expect(() => acceptQuote(v1.quote, d, v1.sheet, later)).toThrow(/expired on 2030-01-31/);
    const noEmail = { id: 'con_1', firstName: 'Zoë', emails: [] } as never;
    expect(() => sendQuote(v1.quote, d, noEmail, context())).toThrow(ValidationFailed);
    expect(() => quoted(noLineItems(d.id), d)).toThrow(ValidationFailed);
  });
});
