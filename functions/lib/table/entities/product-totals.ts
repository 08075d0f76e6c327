import { type ProductTotals, productMonthBucket } from '../../../../domain/reports/product-totals.js';
import type { BucketTotals } from '../../../../domain/reports/reports.js';
import type { Key, Write } from '../item.js';
import { patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import { randomShard, sumItems } from './report-totals.js';

// The product report's totals (domain/reports/product-totals.ts), kept on write like the
// pipeline's (report-totals.ts): one partition, a bucket per month, 8 shards, each command adding
// its delta to a random shard in its own transaction. A report reads the months it covers (at
// most 36 × 8 small items), whatever the number of deals.

const PRODUCT_TOTALS = 'REPORT#PRODUCTS';
const totalsKey = (bucket: string, shard: number): Key => ({ pk: PRODUCT_TOTALS, sk: `${bucket}#${shard}` });

export const productTotalPatterns = patterns({
  productTotalsAdded: write({
    entity: 'product report totals',
    pattern: "a won deal's sold lines, added to (or taken from) one shard of the month it was won",
    usedBy:
      '`POST /deals/{id}/won`, `/reopen`, `DELETE /deals/{id}` of a won deal, `RebuildReports` with `apply`',
    functions: ['CrmApi', 'RebuildReports'],
    keyCondition: 'UpdateItem `REPORT#PRODUCTS` / `MONTH#<YYYY-MM>#<shard>`: `ADD` each total',
    roundTrips: "none of its own (the deal command's transaction)",
    actions: ['UpdateItem'],
  }),
  productReportMonths: query({
    entity: 'product report totals',
    pattern: 'won value per product, over a range of months (every shard)',
    usedBy: '`GET /reports/products`',
    functions: ['ReportsApi'],
    index: 'table',
    keyCondition: '`pk = REPORT#PRODUCTS AND sk BETWEEN MONTH#<from># AND MONTH#<to>#~`',
    roundTrips: '1 Query',
    query: (from: string, to: string) => ({
      partition: PRODUCT_TOTALS,
      sort: { between: [`${productMonthBucket(from)}#`, `${productMonthBucket(to)}#~`] },
    }),
  }),
  everyProductTotal: query({
    entity: 'product report totals',
    pattern: 'every stored product total (to compare with a rebuild)',
    usedBy: '`RebuildReports`',
    functions: ['RebuildReports'],
    index: 'table',
    keyCondition: '`pk = REPORT#PRODUCTS`',
    roundTrips: '1 Query',
    query: () => ({ partition: PRODUCT_TOTALS }),
  }),
});

export class ProductTotalsRepository {
  constructor(private readonly store: Store) {}

  /** A deal command's product delta, as writes of its transaction (none when it has none). */
  writes(delta: ProductTotals, shard = randomShard()): Write[] {
    return [...delta].map(([bucket, attributes]) => addTo(bucket, shard, attributes));
  }

  /** Every stored total, by month bucket (shards added up). */
  async all(): Promise<BucketTotals> {
    return sumItems(await this.store.queryAll(productTotalPatterns.everyProductTotal.query()));
  }

  async months(from: string, to: string): Promise<BucketTotals> {
    const items = await this.store.queryAll(productTotalPatterns.productReportMonths.query(from, to));
    return sumItems(items);
  }
}

function addTo(bucket: string, shard: number, attributes: Map<string, number>): Write {
  const names: Record<string, string> = { '#entity': 'entity', '#bucket': 'bucket' };
  const values: Record<string, unknown> = { ':entity': 'product-totals', ':bucket': bucket };
  const adds: string[] = [];
  let i = 0;
  for (const [attribute, n] of attributes) {
    names[`#a${i}`] = attribute;
    values[`:v${i}`] = n;
    adds.push(`#a${i} :v${i}`);
    i++;
  }
  return {
    pattern: productTotalPatterns.productTotalsAdded,
    update: {
      key: totalsKey(bucket, shard),
      expression: `SET #entity = :entity, #bucket = :bucket ADD ${adds.join(', ')}`,
      names,
      values,
    },
  };
}
