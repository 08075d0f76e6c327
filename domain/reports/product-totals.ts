import type { Deal } from '../crm/deal.js';
import type { LineItem } from '../crm/line-items.js';
import { getOrInsert } from '../shared/collections.js';
import * as z from '../shared/zod.js';
import { type BucketTotals, monthsBetween } from './reports.js';
import { monthOf } from './totals.js';

// The product report's totals, kept on write like the pipeline's (totals.ts): what a won deal
// adds is a pure function of the deal and the lines it sold, in the month it was won; a command
// that wins, reopens or deletes a won deal adds `contribution(after) − contribution(before)` in
// its own transaction. A deal's lines cannot change while it is won (they change only on an open
// deal), so what a reopen takes away is exactly what its win added.
//
// Bucket `MONTH#<YYYY-MM>`; attributes `value|<product>|<currency>` (net won) and
// `deals|<product>` (won deals selling it), `<product>` being the product id, or `-` for lines
// typed without a product.

export const productMonthBucket = (month: string) => `MONTH#${month}`;
export const FREE_LINES = '-';

/** bucket → attribute → number */
export type ProductTotals = Map<string, Map<string, number>>;

function put(into: ProductTotals, bucket: string, attribute: string, n: number): void {
  if (n === 0) return;
  const attributes = getOrInsert(into, bucket, () => new Map<string, number>());
  attributes.set(attribute, (attributes.get(attribute) ?? 0) + n);
}

export function productContribution(
  deal: Pick<Deal, 'status' | 'closedAt'> | null,
  lines: LineItem[],
  into: ProductTotals = new Map(),
  sign: 1 | -1 = 1,
): ProductTotals {
  if (deal?.status !== 'won' || !deal.closedAt) return into;
  const bucket = productMonthBucket(monthOf(deal.closedAt));
  const sold = new Set<string>();
  for (const line of lines) {
    const product = line.productId ?? FREE_LINES;
    put(into, bucket, `value|${product}|${line.unitPrice.currency}`, sign * line.net);
    sold.add(product);
  }
  for (const product of sold) put(into, bucket, `deals|${product}`, sign);
  return into;
}

/** What a deal command adds to the product totals (empty when the deal was not and is not won). */
export function productDelta(
  before: { deal: Pick<Deal, 'status' | 'closedAt'> | null; lines: LineItem[] },
  after: { deal: Pick<Deal, 'status' | 'closedAt'> | null; lines: LineItem[] },
): ProductTotals {
  const delta = productContribution(after.deal, after.lines);
  productContribution(before.deal, before.lines, delta, -1);
  for (const [bucket, attributes] of delta) {
    for (const [attribute, n] of attributes) if (n === 0) attributes.delete(attribute);
    if (attributes.size === 0) delta.delete(bucket);
  }
  return delta;
}

export const ProductReport = z
  .object(() => ({
    from: z.string().describe('YYYY-MM'),
    to: z.string().describe('YYYY-MM'),
    ownerId: z
      .string()
      .optional()
      .describe("only this person's won deals: a sales rep's own report, or a manager's view of one rep"),
    months: z.array(
      z.object(() => ({
        month: z.string().describe('YYYY-MM'),
        products: z.array(
          z.object(() => ({
            productId: z.string().nullable().describe('null: lines typed without a product'),
            deals: z.int().describe('won deals that sold it'),
            won: z
              .array(z.object(() => ({ currency: z.string(), amount: z.int() })))
              .describe('net won, per currency (never converted)'),
          })),
        ),
      })),
    ),
  }))
  .register(z.globalRegistry, { id: 'ProductReport' });
export type ProductReport = z.infer<typeof ProductReport>;

/**
 * One person's product totals, added up from the deals they won with the same
 * `productContribution` the kept totals are made of (so a rep's figures are the team's, filtered).
 */
export function productTotalsOf(
  won: { deal: Pick<Deal, 'status' | 'closedAt'>; lines: LineItem[] }[],
): ProductTotals {
  const totals: ProductTotals = new Map();
  for (const { deal, lines } of won) productContribution(deal, lines, totals);
  return totals;
}

/** The report of the months from..to out of their stored totals (every month listed, empty or not). */
export function productReport(totals: BucketTotals, from: string, to: string): ProductReport {
  return {
    from,
    to,
    months: monthsBetween(from, to).map((month) => {
      const attributes = totals.get(productMonthBucket(month)) ?? new Map<string, number>();
      const products = new Map<string, { deals: number; won: Map<string, number> }>();
      const of = (id: string) => getOrInsert(products, id, () => ({ deals: 0, won: new Map() }));
      for (const [attribute, n] of attributes) {
        const [kind, product, currency] = attribute.split('|') as [string, string, string?];
        if (kind === 'deals') of(product).deals += n;
        else if (kind === 'value' && currency)
          of(product).won.set(currency, (of(product).won.get(currency) ?? 0) + n);
      }
      return {
        month,
        products: [...products]
          .filter(([, p]) => p.deals > 0 || [...p.won.values()].some((n) => n !== 0))
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([id, p]) => ({
            productId: id === FREE_LINES ? null : id,
            deals: p.deals,
            won: [...p.won]
              .filter(([, n]) => n !== 0)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([currency, amount]) => ({ currency, amount })),
          })),
      };
    }),
  };
}
