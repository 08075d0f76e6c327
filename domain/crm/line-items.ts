import { idSchema } from '../shared/ids.js';
import { Currency, Money } from '../shared/money.js';
import { text } from '../shared/text.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';
import { QUANTITY_DECIMALS } from './line-totals.js';
import { Percent, ProductId, ProductUnit } from './product.js';

// Line items: what a deal sells, line by line. The deal's `value` follows their net total while
// it has any (a manual value otherwise). They are stored apart from the deal, all of a deal's
// lines in one item (docs/data-model.md, "Line items and quotes"), which is why a deal has at most
// MAX_LINE_ITEMS of them: one item is at most 400 KB, and an event on the bus at most 256 KB.

export const LineItemId = idSchema('lineItem');

/** A deal's lines fit one item and one event with room to spare (a 200-character name each). */
export const MAX_LINE_ITEMS = 100;
export const MAX_QUANTITY = 1_000_000;

export const Quantity = z
  .number()
  .gt(0, { error: 'must be more than 0: a line sells a positive quantity' })
  // grouped by hand: toLocaleString would load Intl's data at every cold start
  .max(MAX_QUANTITY, { error: `must be at most ${String(MAX_QUANTITY).replace(/\B(?=(\d{3})+$)/g, ',')}` })
  .refine((n) => Math.abs(n * 10 ** QUANTITY_DECIMALS - Math.round(n * 10 ** QUANTITY_DECIMALS)) < 1e-6, {
    error: `must have at most ${QUANTITY_DECIMALS} decimals`,
  });

export const LineItemInput = z
  .strictObject(() => ({
    id: LineItemId.optional().describe('a line kept from before (its id); without it, a new line'),
    productId: ProductId.optional().describe(
      "a product of the catalog: its name, unit, price and tax are the line's unless the line says otherwise",
    ),
    name: text(200).optional().describe('required for a line without a product'),
    unit: ProductUnit.optional().describe("default: the product's, else item"),
    quantity: Quantity,
    unitPrice: Money.optional().describe(
      "required for a line without a product; default: the product's price",
    ),
    discountPercent: Percent.optional().describe('0 to 100, at most 2 decimals; default 0'),
    taxPercent: Percent.optional().describe("0 to 100, at most 2 decimals; default: the product's, else 0"),
  }))
  .register(z.globalRegistry, { id: 'LineItemInput' });
export type LineItemInput = z.infer<typeof LineItemInput>;

/** Body of `PUT /deals/{id}/line-items`: the deal's lines as they are to be (an empty list clears them). */
export const SetLineItems = z
  .strictObject(() => ({
    lineItems: z.array(LineItemInput).max(MAX_LINE_ITEMS, {
      error: `a deal has at most ${MAX_LINE_ITEMS} line items (all of them are kept in one record)`,
    }),
  }))
  .register(z.globalRegistry, { id: 'SetLineItems' });
export type SetLineItems = z.infer<typeof SetLineItems>;

const Amounts = {
  gross: z.int().describe('quantity × unit price, rounded half-up to the minor unit'),
  discount: z.int().describe('gross × discount %, rounded half-up'),
  net: z.int().describe('gross − discount: what the deal value counts'),
  tax: z.int().describe('net × tax %, rounded half-up'),
  total: z.int().describe('net + tax'),
};

export const LineItem = z
  .object(() => ({
    id: LineItemId,
    productId: ProductId.optional(),
    name: z.string(),
    unit: ProductUnit,
    quantity: z.number(),
    unitPrice: Money,
    discountPercent: z.number(),
    taxPercent: z.number(),
    ...Amounts,
  }))
  .register(z.globalRegistry, { id: 'LineItem' });
export type LineItem = z.infer<typeof LineItem>;

/** The sums of a deal's (or a quote's) lines, in minor units of their one currency. */
export const LineTotals = z
  .object(() => ({ count: z.int(), currency: Currency, ...Amounts }))
  .register(z.globalRegistry, { id: 'LineTotals' });
export type LineTotals = z.infer<typeof LineTotals>;

/** The quote whose acceptance fixed what a deal sells. */
export const AcceptedQuote = z.object(() => ({
  quoteId: idSchema('quote'),
  number: z.string(),
  quoteVersion: z.int(),
  scopeSummary: z.string(),
  acceptedAt: Instant,
}));
export type AcceptedQuote = z.infer<typeof AcceptedQuote>;

/** A deal's line items, and the bookkeeping of its quotes (stored in one item beside the deal). */
export const DealLineItems = z
  .object(() => ({
    dealId: idSchema('deal'),
    lineItems: z.array(LineItem),
    totals: LineTotals.nullable().describe('null without line items'),
    acceptedQuote: AcceptedQuote.optional().describe(
      'while a quote is accepted, the lines are its lines and cannot change (decline it to change them)',
    ),
    quotes: z
      .object(() => ({
        number: z.string().optional().describe("the deal's quote number, from its first quote on"),
        count: z.int().describe('versions made so far'),
        currentId: idSchema('quote').optional().describe('the latest version'),
      }))
      .describe("the deal's quotes: one number, a version per quote made"),
    updatedAt: Instant.optional(),
    revision: z.int().describe('changes with every write of this record (optimistic locking)'),
  }))
  .register(z.globalRegistry, { id: 'DealLineItems' });
export type DealLineItems = z.infer<typeof DealLineItems>;

export function noLineItems(dealId: string): DealLineItems {
  return { dealId, lineItems: [], totals: null, quotes: { count: 0 }, revision: 0 };
}
