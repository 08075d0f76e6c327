import { type DomainEvent, emit } from '../events.js';
import type { CommandContext } from '../shared/context.js';
import { Conflict, type FieldIssue, ValidationFailed } from '../shared/errors.js';
import { assertOpen } from './deal.commands.js';
import { assertMayChangeDeal, type Deal } from './deal.js';
import type { DealLineItems, LineItem, LineItemInput, LineTotals } from './line-items.js';
import { isSafe, lineAmounts, sumAmounts, toNumbers } from './line-totals.js';
import type { Product } from './product.js';

// Setting a deal's line items: each line resolved against its product (name, unit, price and tax
// unless the line says otherwise), priced exactly (line-totals.ts), all in one currency; the
// deal's value follows their net total. Every fault of every line is named at once.

type Decision = { deal: Deal; sheet: DealLineItems; events: DomainEvent[] };

/** Lines priced, or the faults of each (paths under `lineItems`). */
export function priceLines(
  input: LineItemInput[],
  products: Map<string, Product>,
  ctx: Pick<CommandContext, 'newId'>,
  kept: { productIds: Set<string>; lineIds: Set<string> },
): { lines: LineItem[]; totals: LineTotals | null } {
  const issues: FieldIssue[] = [];
  const lines: LineItem[] = [];
  const ids = new Set<string>();
  let currency: string | undefined;
  input.forEach((line, i) => {
    const at = (field: string) => `lineItems.${i}${field ? `.${field}` : ''}`;
    const product = line.productId ? products.get(line.productId) : undefined;
    if (line.productId && !product) {
      issues.push({ path: at('productId'), message: `product ${line.productId} does not exist` });
      return;
    }
    if (product && !product.active && !kept.productIds.has(product.id)) {
      issues.push({
        path: at('productId'),
        message: `product ${product.id} (${product.name}) is retired: it is offered for no new line`,
      });
    }
    if (line.id && (!kept.lineIds.has(line.id) || ids.has(line.id))) {
      issues.push({
        path: at('id'),
        message: ids.has(line.id)
          ? 'names a line twice'
          : `is not a line of this deal; leave id out for a new line`,
      });
    }
    const name = line.name ?? product?.name;
    const unitPrice = line.unitPrice ?? product?.unitPrice;
    if (!name) issues.push({ path: at('name'), message: 'is required for a line without a product' });
    if (!unitPrice)
      issues.push({ path: at('unitPrice'), message: 'is required for a line without a product' });
    if (!name || !unitPrice) return;
    currency ??= unitPrice.currency;
    if (unitPrice.currency !== currency) {
      issues.push({
        path: at(line.unitPrice ? 'unitPrice.currency' : 'productId'),
        message: `is in ${unitPrice.currency}, but the deal's lines are in ${currency}: one deal's line items are in one currency`,
      });
      return;
    }
    const discountPercent = line.discountPercent ?? 0;
    const taxPercent = line.taxPercent ?? product?.taxPercent ?? 0;
    const amounts = lineAmounts({
      quantity: line.quantity,
      unitPrice: unitPrice.amount,
      discountPercent,
      taxPercent,
    });
    if (!isSafe(amounts)) {
      issues.push({ path: at('quantity'), message: 'makes an amount larger than Handoff keeps exactly' });
      return;
    }
    const id = line.id ?? ctx.newId('lineItem');
    ids.add(id);
    lines.push({
      id,
      ...(product ? { productId: product.id } : {}),
      name,
      unit: line.unit ?? product?.unit ?? 'item',
      quantity: line.quantity,
      unitPrice,
      discountPercent,
      taxPercent,
      ...toNumbers(amounts),
    });
  });
  if (issues.length) throw new ValidationFailed(issues);
  if (lines.length === 0) return { lines, totals: null };
  const sum = sumAmounts(
    lines.map((l) => ({
      gross: BigInt(l.gross),
      discount: BigInt(l.discount),
      net: BigInt(l.net),
      tax: BigInt(l.tax),
      total: BigInt(l.total),
    })),
  );
  if (!isSafe(sum)) {
    throw new ValidationFailed([
      { path: 'lineItems', message: 'the lines add up to more than Handoff keeps exactly' },
    ]);
  }
  return { lines, totals: { count: lines.length, currency: currency!, ...toNumbers(sum) } };
}

/**
 * The deal as its lines make it: its value is their net total while it has any; without lines,
 * the value it had stays (a manual value again).
 */
export function dealWithLines(current: Deal, totals: LineTotals | null, ctx: CommandContext): Deal {
  const { lineItemTotals: _old, ...rest } = current;
  return {
    ...rest,
    ...(totals ? { value: { amount: totals.net, currency: totals.currency }, lineItemTotals: totals } : {}),
    updatedAt: ctx.now,
    version: current.version + 1,
  };
}

/** The events of a change of lines: DealLineItemsChanged, and DealUpdated when the value moved. */
export function lineEvents(
  before: Deal,
  after: Deal,
  sheet: DealLineItems,
  ctx: CommandContext,
): DomainEvent[] {
  const events = [
    emit(ctx, 'DealLineItemsChanged', {
      dealId: after.id,
      lineItems: sheet.lineItems,
      totals: sheet.totals,
      value: after.value,
      previousValue: before.value,
    }),
  ];
  const changed = (['value', 'lineItemTotals'] as const).filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
  if (changed.includes('value'))
    events.push(emit(ctx, 'DealUpdated', { deal: after, changed: [...changed] }));
  return events;
}

export function setLineItems(
  current: Deal,
  sheet: DealLineItems,
  input: LineItemInput[],
  products: Map<string, Product>,
  ctx: CommandContext,
): Decision {
  assertMayChangeDeal(ctx.actor, current);
  assertOpen(current, 'change its line items');
  if (sheet.acceptedQuote) {
    const q = sheet.acceptedQuote;
    throw new Conflict(
      `quote ${q.number} v${q.quoteVersion} is accepted: what was sold is fixed until it is declined (POST /quotes/${q.quoteId}/decline)`,
      { quoteId: q.quoteId },
    );
  }
  const kept = {
    productIds: new Set(sheet.lineItems.flatMap((l) => (l.productId ? [l.productId] : []))),
    lineIds: new Set(sheet.lineItems.map((l) => l.id)),
  };
  const { lines, totals } = priceLines(input, products, ctx, kept);
  if (JSON.stringify(lines) === JSON.stringify(sheet.lineItems)) return { deal: current, sheet, events: [] };
  const next: DealLineItems = {
    ...sheet,
    lineItems: lines,
    totals,
    updatedAt: ctx.now,
    revision: sheet.revision + 1,
  };
  const deal = dealWithLines(current, totals, ctx);
  return { deal, sheet: next, events: lineEvents(current, deal, next, ctx) };
}
