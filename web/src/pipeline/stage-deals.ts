import type { InfiniteData } from '@tanstack/react-query';
import type { Schemas } from '../api/client.js';
import type { ApiPage } from '../api/paging.js';

// A column of the board is its stage's open deals, read a page at a time as the person scrolls:
// GET /deals?pipelineId&stageId&status=open, a Query on the pipeline's stage index (one key
// condition, docs/data-model.md), whose order is the stage index's: the deal that entered the
// stage last comes first. A moved card therefore lands at the top of its new column, where the
// API would list it too.

type Deal = Schemas['Deal'];
export type ColumnPages = InfiniteData<ApiPage<Deal>, string | undefined>;

/** Cards read per page of a column: a screen and a half of them. */
export const COLUMN_PAGE = 25;

/** What the board says its columns are sorted by (the stage index's order). */
export const COLUMN_ORDER = 'newest in the stage first';

export const boardKey = (pipelineId: string) => ['deals', 'board', pipelineId] as const;

export const columnKey = (pipelineId: string, stageId: string, ownerId: string) =>
  [...boardKey(pipelineId), stageId, ownerId] as const;

export const columnDeals = (data: ColumnPages | undefined): Deal[] =>
  data?.pages.flatMap((p) => p.items) ?? [];

export function withoutDeal(data: ColumnPages | undefined, id: string): ColumnPages | undefined {
  if (!data) return data;
  return { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.filter((d) => d.id !== id) })) };
}

/** The deal first in the column, as the API lists a deal that has just entered the stage. */
export function withDealFirst(data: ColumnPages | undefined, deal: Deal): ColumnPages | undefined {
  if (!data || data.pages.length === 0) return data;
  const [first, ...rest] = withoutDeal(data, deal.id)!.pages;
  return { ...data, pages: [{ ...first!, items: [deal, ...first!.items] }, ...rest] };
}

export function withDeal(data: ColumnPages | undefined, deal: Deal): ColumnPages | undefined {
  if (!data) return data;
  return {
    ...data,
    pages: data.pages.map((p) => ({ ...p, items: p.items.map((d) => (d.id === deal.id ? deal : d)) })),
  };
}

type PipelineReport = Schemas['PipelineReport'];

/** The report's totals after a move (applied with the move; the report is read again after it). */
export function reportAfterMove(
  report: PipelineReport | undefined,
  deal: Deal,
  toStageId: string,
): PipelineReport | undefined {
  if (!report) return report;
  const shift = (values: Schemas['MoneyTotals'], sign: 1 | -1) => {
    const out = values.map((v) => ({ ...v }));
    const entry = out.find((v) => v.currency === deal.value.currency);
    if (entry) entry.amount += sign * deal.value.amount;
    else if (sign > 0) out.push({ currency: deal.value.currency, amount: deal.value.amount });
    return out.filter((v) => v.amount !== 0);
  };
  return {
    ...report,
    stages: report.stages.map((s) =>
      s.stageId === deal.stageId
        ? { ...s, openDeals: s.openDeals - 1, value: shift(s.value, -1) }
        : s.stageId === toStageId
          ? { ...s, openDeals: s.openDeals + 1, value: shift(s.value, 1) }
          : s,
    ),
  };
}
