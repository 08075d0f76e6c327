import type { LineItem } from '../crm/line-items.js';
import { ProductUnit } from '../crm/product.js';
import { Money } from '../shared/money.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';

// What was sold is what delivery budgets: at the win, each line the customer accepted becomes a
// budget line of the project (its quantity, unit and net amount). Time logged against a line of
// hours or days burns it: its actual quantity is the hours (or days of HOURS_PER_DAY) logged, its
// actual amount that quantity at the line's own rate (net amount ÷ quantity). A line is over
// budget when more was logged than was sold; BudgetLineExceeded says so once per line. Lines of
// items or months are budgeted, not burned by time.

export const HOURS_PER_DAY = 8;

export const BudgetLine = z
  .object(() => ({
    id: z.string().describe('the line item it came from'),
    productId: z.string().optional(),
    name: z.string(),
    unit: ProductUnit,
    quantity: z.number().describe('as sold'),
    amount: Money.describe('as sold: the line net of discount, before tax'),
    actualMinutes: z.int().describe('time logged against it'),
    exceededAt: Instant.optional().describe('when more time than was sold was first logged against it'),
  }))
  .register(z.globalRegistry, { id: 'BudgetLine' });
export type BudgetLine = z.infer<typeof BudgetLine>;

/** A budget line against what was logged on it. */
export const BudgetLineBurn = z
  .extend(BudgetLine, () => ({
    actualQuantity: z.number().nullable().describe('hours or days logged; null for items and months'),
    actualAmount: Money.nullable().describe("the actual quantity at the line's rate"),
    burn: z.number().nullable().describe('actual ÷ sold quantity (1 is all of it)'),
    overBudget: z.boolean(),
  }))
  .register(z.globalRegistry, { id: 'BudgetLineBurn' });
export type BudgetLineBurn = z.infer<typeof BudgetLineBurn>;

export const BudgetReport = z
  .object(() => ({
    lines: z.array(BudgetLineBurn),
    budget: Money.nullable().describe('the lines as sold, added up'),
    actual: Money.nullable().describe('the time-based lines as burned, added up'),
    burn: z.number().nullable().describe('actual ÷ budget of the time-based lines'),
    atRisk: z.boolean().describe('a line is over budget'),
  }))
  .register(z.globalRegistry, { id: 'BudgetReport' });
export type BudgetReport = z.infer<typeof BudgetReport>;

export const isTimeUnit = (unit: string) => unit === 'hour' || unit === 'day';

/** One budget line per sold line, nothing logged yet. */
export function budgetLinesFrom(lines: LineItem[]): BudgetLine[] {
  return lines.map((l) => ({
    id: l.id,
    ...(l.productId ? { productId: l.productId } : {}),
    name: l.name,
    unit: l.unit,
    quantity: l.quantity,
    amount: { amount: l.net, currency: l.unitPrice.currency },
    actualMinutes: 0,
  }));
}

/**
 * A new win's lines over the budget a project has: a line kept (same id) keeps what was logged
 * against it; a line no longer sold goes only when nothing was logged against it.
 */
export function rebudget(current: BudgetLine[], sold: BudgetLine[]): BudgetLine[] {
  const before = new Map(current.map((l) => [l.id, l]));
  const next = sold.map((l) => {
    const old = before.get(l.id);
    return old ? { ...l, actualMinutes: old.actualMinutes } : l;
  });
  const ids = new Set(sold.map((l) => l.id));
  return [...next, ...current.filter((l) => !ids.has(l.id) && l.actualMinutes > 0)];
}

function actualQuantity(line: BudgetLine): number | null {
  if (line.unit === 'hour') return line.actualMinutes / 60;
  if (line.unit === 'day') return line.actualMinutes / 60 / HOURS_PER_DAY;
  return null;
}

export function burnOfLine(line: BudgetLine): BudgetLineBurn {
  const actual = actualQuantity(line);
  const burn = actual === null ? null : actual / line.quantity;
  return {
    ...line,
    actualQuantity: actual,
    actualAmount:
      actual === null
        ? null
        : {
            amount: Math.round((actual * line.amount.amount) / line.quantity),
            currency: line.amount.currency,
          },
    burn,
    overBudget: burn !== null && burn > 1,
  };
}

export function budgetReport(lines: BudgetLine[]): BudgetReport {
  const burns = lines.map(burnOfLine);
  const currency = lines[0]?.amount.currency;
  const timed = burns.filter((l) => l.actualAmount);
  const budget = currency ? lines.reduce((n, l) => n + l.amount.amount, 0) : null;
  const timedBudget = timed.reduce((n, l) => n + l.amount.amount, 0);
  const actual = timed.reduce((n, l) => n + l.actualAmount!.amount, 0);
  return {
    lines: burns,
    budget: currency ? { amount: budget!, currency } : null,
    actual: currency && timed.length ? { amount: actual, currency } : null,
    burn: timedBudget > 0 ? actual / timedBudget : null,
    atRisk: burns.some((l) => l.overBudget),
  };
}
