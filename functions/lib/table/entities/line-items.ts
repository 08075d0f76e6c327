import { Deal } from '../../../../domain/crm/deal.js';
import { DealLineItems, noLineItems } from '../../../../domain/crm/line-items.js';
import { NotFound } from '../../../../domain/shared/errors.js';
import { ConcurrentModification, entityOf, type Item, notExists, type Write } from '../item.js';
import { dealLinesKey } from '../partitions.js';
import { batchGet, get, patterns, write } from '../pattern.js';
import type { Store } from '../store.js';
import { dealKey } from './deal.js';

// A deal's line items, all in one item beside the deal (`DEAL#<id>` / `LINES`), with its quotes'
// bookkeeping (the deal's quote number, the latest version, the accepted one). One item, so
// setting the lines is all or nothing in one transaction with the deal whose value they make;
// 100 lines of 200-character names stay far below DynamoDB's 400 KB (domain/crm/line-items.ts).

export function dealLinesItem(sheet: DealLineItems): Item {
  return { ...dealLinesKey(sheet.dealId), entity: 'deal-lines', ...sheet };
}

export const lineItemPatterns = patterns({
  dealWithLines: batchGet({
    entity: 'deal, line items',
    pattern: 'a deal with its line items (and its quotes’ bookkeeping)',
    usedBy:
      '`GET`/`PUT /deals/{id}/line-items`, `POST /deals/{id}/quotes`, `POST /quotes/{id}/accept`, `/decline`',
    functions: ['CrmApi'],
    keyCondition: 'BatchGet `DEAL#<id>` / `DEAL` and `DEAL#<id>` / `LINES`',
    roundTrips: '1 BatchGet',
    keys: (dealId: string) => [dealKey(dealId), dealLinesKey(dealId)],
  }),
  dealLines: get({
    entity: 'line items',
    pattern: "a deal's line items: what it sold, at the win and after",
    usedBy:
      'the handoff (the project’s budget lines), reopening and deleting a won deal, `RebuildReports` (the product report)',
    functions: ['CrmApi', 'CreateProjectOnWin', 'RebuildReports'],
    keyCondition: '`pk = DEAL#<id>, sk = LINES`',
    roundTrips: '1 GetItem',
    key: dealLinesKey,
  }),
  linesOfDeals: batchGet({
    entity: 'line items',
    pattern: "the line items of a seller's deals won in the months a product report reads",
    usedBy: "`GET /reports/products` scoped to one person (a sales rep's own, a manager's `ownerId`)",
    functions: ['ReportsApi'],
    keyCondition: 'BatchGet `DEAL#<id>` / `LINES`, 100 keys at a time',
    roundTrips: '1 BatchGet per 100 won deals in the range',
    keys: (dealIds: string[]) => dealIds.map(dealLinesKey),
  }),
  dealLinesWritten: write({
    entity: 'line items',
    pattern: "a deal's line items (or its quotes' bookkeeping), written at the revision read",
    usedBy: '`PUT /deals/{id}/line-items`, quotes made, accepted, declined',
    functions: ['CrmApi'],
    keyCondition: 'Put `DEAL#<id>` / `LINES` if absent, or at the revision read, with the deal',
    roundTrips: "none of its own (the command's transaction)",
    actions: ['PutItem'],
  }),
});

const asDeal = entityOf<Deal>(Deal);
const asLines = entityOf<DealLineItems>(DealLineItems);

export class LineItemRepository {
  constructor(private readonly store: Store) {}

  /** A deal and its lines, in one round trip (a deal without lines has an empty set). */
  async withDeal(dealId: string): Promise<{ deal: Deal; sheet: DealLineItems }> {
    const [deal, lines] = await this.store.batchGet(lineItemPatterns.dealWithLines, dealId);
    if (!deal) throw new NotFound('deal', dealId);
    return { deal: asDeal(deal), sheet: lines ? asLines(lines) : noLineItems(dealId) };
  }

  async of(dealId: string): Promise<DealLineItems> {
    const item = await this.store.get(lineItemPatterns.dealLines, dealId);
    return item ? asLines(item) : noLineItems(dealId);
  }

  /** The lines of each deal named (none: an empty set), 100 deals per round trip (BatchGet's limit). */
  async ofDeals(dealIds: string[]): Promise<DealLineItems[]> {
    const sheets: DealLineItems[] = [];
    for (let i = 0; i < dealIds.length; i += 100) {
      const chunk = dealIds.slice(i, i + 100);
      const items = await this.store.batchGet(lineItemPatterns.linesOfDeals, chunk);
      sheets.push(...items.map((item, k) => this.fromItem(item, chunk[k]!)));
    }
    return sheets;
  }

  fromItem(item: Record<string, unknown> | undefined, dealId: string): DealLineItems {
    return item ? asLines(item) : noLineItems(dealId);
  }

  /** The lines written at the revision read (a first write: only if there were none). */
  written(before: DealLineItems, after: DealLineItems): Write {
    return {
      pattern: lineItemPatterns.dealLinesWritten,
      put: dealLinesItem(after),
      condition:
        before.revision === 0
          ? notExists
          : {
              expression: '#revision = :revision',
              names: { '#revision': 'revision' },
              values: { ':revision': before.revision },
            },
      onConditionFailed: () => new ConcurrentModification(`the line items of deal ${before.dealId}`),
    };
  }
}
