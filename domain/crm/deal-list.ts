import type { FieldIssue } from '../shared/errors.js';
import { Currency } from '../shared/money.js';
import { CalendarDate } from '../shared/time.js';
import * as z from '../shared/zod.js';

// How a list of deals may be ordered and bounded: the orders a person sorts a pipeline by, and
// the ranges of expected close and value. Which combinations make sense is a rule of the model
// (values in different currencies do not compare; a closed deal is in no stage), written here;
// how each runs as a Query is the repository's.

export const DEAL_ORDERS = ['expectedCloseDate', 'value', 'lastActivityAt', 'stageAge'] as const;
export type DealOrder = (typeof DEAL_ORDERS)[number];

/** An order, ascending; with a leading `-`, descending (`-value`: the largest first). */
export const DealSort = z
  .enum(DEAL_ORDERS.flatMap((o) => [o, `-${o}`]) as [string, ...string[]])
  .describe(
    'expectedCloseDate (undated last), value (needs currency), lastActivityAt (never touched first), stageAge (open deals; the youngest first); a leading - reverses',
  );

const amount = z.coerce
  .number()
  .int({ error: 'must be an integer amount in minor units (cents)' })
  .min(0)
  .max(Number.MAX_SAFE_INTEGER);

/** The ranges a deal list or segment bounds: inclusive, either end may be left open. */
export const DealRanges = z.object(() => ({
  expectedCloseFrom: CalendarDate.optional(),
  expectedCloseTo: CalendarDate.optional(),
  valueMin: amount.optional(),
  valueMax: amount.optional(),
  currency: Currency.optional().describe('the currency of valueMin/valueMax and of sort=value'),
}));
export type DealRanges = z.infer<typeof DealRanges>;

export interface DealListShape extends DealRanges {
  sort?: string | undefined;
  status?: string | undefined;
}

export function parseSort(sort: string): { order: DealOrder; descending: boolean } {
  const descending = sort.startsWith('-');
  return { order: (descending ? sort.slice(1) : sort) as DealOrder, descending };
}

/** What makes a sort or range meaningless, each naming its field (nothing is read then). */
export function dealListIssues(f: DealListShape): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (f.expectedCloseFrom && f.expectedCloseTo && f.expectedCloseFrom > f.expectedCloseTo) {
    issues.push({ path: 'expectedCloseTo', message: `is before expectedCloseFrom (${f.expectedCloseFrom})` });
  }
  if (f.valueMin !== undefined && f.valueMax !== undefined && f.valueMin > f.valueMax) {
    issues.push({ path: 'valueMax', message: `is below valueMin (${f.valueMin})` });
  }
  const valued = f.valueMin !== undefined || f.valueMax !== undefined;
  const sort = f.sort ? parseSort(f.sort) : undefined;
  if ((valued || sort?.order === 'value') && !f.currency) {
    issues.push({
      path: 'currency',
      message: `is needed ${valued ? 'with valueMin or valueMax' : 'to sort by value'}: values in different currencies do not compare`,
    });
  }
  if (sort?.order === 'stageAge' && f.status && f.status !== 'open') {
    issues.push({
      path: 'sort',
      message: `${f.status} deals are in no stage any more: stageAge orders open deals`,
    });
  }
  return issues;
}

/** Whether a deal lies within the ranges (a title search narrows by them after its Query). */
export function withinRanges(
  deal: { expectedCloseDate?: string | undefined; value: { amount: number; currency: string } },
  r: DealRanges,
): boolean {
  if (r.expectedCloseFrom || r.expectedCloseTo) {
    const date = deal.expectedCloseDate;
    if (!date) return false;
    if (r.expectedCloseFrom && date < r.expectedCloseFrom) return false;
    if (r.expectedCloseTo && date > r.expectedCloseTo) return false;
  }
  if (r.currency && deal.value.currency !== r.currency) return false;
  if (r.valueMin !== undefined && deal.value.amount < r.valueMin) return false;
  if (r.valueMax !== undefined && deal.value.amount > r.valueMax) return false;
  return true;
}
