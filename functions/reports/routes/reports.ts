import {
  DEFAULT_PIPELINE_ID,
  defaultPipeline,
  type Pipeline,
  PipelineId,
} from '../../../domain/crm/pipeline.js';
import { ProductReport, productReport, productTotalsOf } from '../../../domain/reports/product-totals.js';
import {
  addMonths,
  ConversionReport,
  conversionReport,
  FIRST_MONTH,
  ForecastReport,
  forecastReport,
  inCalendar,
  LAST_MONTH,
  PipelineReport,
  pipelineReport,
  SourcesReport,
  StalledReport,
  sourcesReport,
  stalledReport,
} from '../../../domain/reports/reports.js';
import { monthOf } from '../../../domain/reports/totals.js';
import type { Actor } from '../../../domain/shared/context.js';
import { BadRequest, NotFound } from '../../../domain/shared/errors.js';
import { UserId } from '../../../domain/shared/ids.js';
import * as z from '../../../domain/shared/zod.js';
import { canSell } from '../../lib/http/access.js';
import { ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { type ReportTotals, reportScope, reportTotals } from '../use-cases/report-scope.js';

// The reports (docs/api.md, "Reports"): each reads the pipeline and the stored totals it needs,
// in parallel, whatever the number of deals. Managers and admins read everyone's (or one
// person's, `ownerId`); a sales rep reads their own, every report. docs/api.md explains every figure.

/** The widest month range one report reads (36 months × 8 shards stays within one Query page). */
export const MAX_MONTHS = 36;

const YearMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'must be a month, YYYY-MM' });

const monthSpan = (from: string, to: string) => {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm) + 1;
};

const OwnerScope = UserId.optional().describe(
  "only this person's deals (managers and admins; a sales rep always reads their own)",
);

const RangeQuery = z
  .strictObject(() => ({
    pipelineId: PipelineId.optional().describe('the default pipeline when absent'),
    ownerId: OwnerScope,
    from: YearMonth.optional(),
    to: YearMonth.optional(),
  }))
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.from > q.to)
      ctx.addIssue({ code: 'custom', path: ['from'], message: `must not be after to (${q.to})` });
    else if (q.from && q.to && monthSpan(q.from, q.to) > MAX_MONTHS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `a report covers at most ${MAX_MONTHS} months` });
  });

const PipelineQuery = z.strictObject(() => ({
  pipelineId: PipelineId.optional().describe('the default pipeline when absent'),
}));

const ScopedPipelineQuery = z.extend(PipelineQuery, () => ({ ownerId: OwnerScope }));

/** A range with one end given keeps its length: forecasts look ahead, cohorts look back. */
const ProductRangeQuery = z
  .strictObject(() => ({ ownerId: OwnerScope, from: YearMonth.optional(), to: YearMonth.optional() }))
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.from > q.to)
      ctx.addIssue({ code: 'custom', path: ['from'], message: `must not be after to (${q.to})` });
    else if (q.from && q.to && monthSpan(q.from, q.to) > MAX_MONTHS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `a report covers at most ${MAX_MONTHS} months` });
  });

function range(
  query: { from?: string | undefined; to?: string | undefined },
  now: string,
  months: number,
  direction: 'ahead' | 'back',
): { from: string; to: string } {
  const anchor = monthOf(now);
  const resolved =
    query.from && query.to
      ? { from: query.from, to: query.to }
      : query.from
        ? { from: query.from, to: addMonths(query.from, months - 1) }
        : query.to
          ? { from: addMonths(query.to, -(months - 1)), to: query.to }
          : direction === 'ahead'
            ? { from: anchor, to: addMonths(anchor, months - 1) }
            : { from: addMonths(anchor, -(months - 1)), to: anchor };
  // a range that one end and the default length push past the calendar: say which end to move
  if (!inCalendar(resolved.from))
    throw new BadRequest(`the report would start before ${FIRST_MONTH}: give from as well`, {
      errors: [
        {
          path: 'from',
          message: `is needed: ${months} months back from ${query.to} start before ${FIRST_MONTH}`,
        },
      ],
    });
  if (!inCalendar(resolved.to))
    throw new BadRequest(`the report would end after ${LAST_MONTH}: give to as well`, {
      errors: [
        { path: 'to', message: `is needed: ${months} months from ${query.from} end after ${LAST_MONTH}` },
      ],
    });
  return resolved;
}

const SCOPED_PROBLEMS = {
  403: "a sales rep named someone else's ownerId (they read their own reports)",
  404: 'the pipeline named by pipelineId does not exist',
};

export function reportRoutes(
  s: Pick<Services, 'deals' | 'lineItems' | 'pipelines' | 'productTotals'>,
): Routes {
  /** Read-only: before the first deal, the default pipeline may not be stored yet. */
  const pipelineOf = async (id: string | undefined, now: string): Promise<Pipeline> => {
    const pipelineId = id ?? DEFAULT_PIPELINE_ID;
    const pipeline = await s.pipelines.get(pipelineId);
    if (pipeline) return pipeline;
    if (pipelineId === DEFAULT_PIPELINE_ID) return defaultPipeline(now);
    throw new NotFound('pipeline', pipelineId);
  };
  // Conversion and sources both read the cohorts of the deals created in a range of months.
  const cohortsOf = async (query: z.infer<typeof RangeQuery>, actor: Actor, now: string) => {
    const id = query.pipelineId ?? DEFAULT_PIPELINE_ID;
    const months = range(query, now, 12, 'back');
    const totals = reportTotals(s, id, reportScope(actor, query.ownerId));
    const [pipeline, cohorts] = await Promise.all([
      pipelineOf(id, now),
      totals.cohorts(months.from, months.to),
    ]);
    return { pipeline, cohorts, months, scope: scoped(totals) };
  };
  const scoped = (totals: ReportTotals) => (totals.ownerId ? { ownerId: totals.ownerId } : {});

  return {
    'GET /reports/pipeline': route({
      tag: 'Reports',
      summary: 'Open deals per stage: count, value and weighted value per currency, time in stage',
      roles: canSell,
      query: ScopedPipelineQuery,
      problems: SCOPED_PROBLEMS,
      response: { status: 200, schema: PipelineReport },
      handle: async ({ query, ctx, actor }) => {
        const id = query.pipelineId ?? DEFAULT_PIPELINE_ID;
        const totals = reportTotals(s, id, reportScope(actor, query.ownerId));
        const [pipeline, stages] = await Promise.all([pipelineOf(id, ctx.now), totals.stages()]);
        return ok({ ...pipelineReport(pipeline, stages, ctx.now), ...scoped(totals) });
      },
    }),
    'GET /reports/products': route({
      tag: 'Reports',
      summary:
        'Won value per product per month (net of discounts, per currency), from the line items of the deals won',
      description:
        "Months `from`..`to` (YYYY-MM, inclusive, at most 36 months; default: this month and the eleven before). The team's (managers and admins) is kept on write: a win adds its lines to the month it was won, a reopen or a deletion takes them out. A sales rep's (or one rep's, `ownerId`) is added up from the deals they won in those months and their lines. Lines typed without a product are `productId: null`.",
      roles: canSell,
      query: ProductRangeQuery,
      problems: { 403: SCOPED_PROBLEMS[403] },
      response: { status: 200, schema: ProductReport },
      handle: async ({ query, ctx, actor }) => {
        const months = range(query, ctx.now, 12, 'back');
        const ownerId = reportScope(actor, query.ownerId);
        if (ownerId === undefined)
          return ok(
            productReport(await s.productTotals.months(months.from, months.to), months.from, months.to),
          );
        // one person's: their deals won in the months read, with what each sold
        const won = (await s.deals.ownedBy(ownerId, 'won')).filter(
          (d) =>
            d.closedAt !== undefined &&
            monthOf(d.closedAt) >= months.from &&
            monthOf(d.closedAt) <= months.to,
        );
        const sheets = await s.lineItems.ofDeals(won.map((d) => d.id));
        const totals = productTotalsOf(won.map((deal, i) => ({ deal, lines: sheets[i]!.lineItems })));
        return ok({ ...productReport(totals, months.from, months.to), ownerId });
      },
    }),
    'GET /reports/forecast': route({
      tag: 'Reports',
      summary: 'Open deals by expected close month, weighted by stage probability; won and lost per month',
      description: 'Months `from`..`to` (YYYY-MM, inclusive; default: this month and the next two).',
      roles: canSell,
      query: RangeQuery,
      problems: SCOPED_PROBLEMS,
      response: { status: 200, schema: ForecastReport },
      handle: async ({ query, ctx, actor }) => {
        const id = query.pipelineId ?? DEFAULT_PIPELINE_ID;
        const months = range(query, ctx.now, 3, 'ahead');
        const totals = reportTotals(s, id, reportScope(actor, query.ownerId));
        const [pipeline, forecast, stages, before] = await Promise.all([
          pipelineOf(id, ctx.now),
          totals.forecast(months.from, months.to),
          totals.stages(),
          totals.forecastBefore(months.from),
        ]);
        return ok({
          ...forecastReport(pipeline, new Map([...forecast, ...stages]), months, before),
          ...scoped(totals),
        });
      },
    }),
    'GET /reports/conversion': route({
      tag: 'Reports',
      summary: 'Of the deals created in a range of months: how far they got, won, lost, why',
      description: 'Creation months `from`..`to` (YYYY-MM, inclusive; default: the last 12 months).',
      roles: canSell,
      query: RangeQuery,
      problems: SCOPED_PROBLEMS,
      response: { status: 200, schema: ConversionReport },
      handle: async ({ query, ctx, actor }) => {
        const { pipeline, cohorts, months, scope } = await cohortsOf(query, actor, ctx.now);
        return ok({ ...conversionReport(pipeline, cohorts, months), ...scope });
      },
    }),
    'GET /reports/sources': route({
      tag: 'Reports',
      summary: 'Deals created per lead source in a range of months: won, lost, win rate, won value',
      description: 'Creation months `from`..`to` (YYYY-MM, inclusive; default: the last 12 months).',
      roles: canSell,
      query: RangeQuery,
      problems: SCOPED_PROBLEMS,
      response: { status: 200, schema: SourcesReport },
      handle: async ({ query, ctx, actor }) => {
        const { pipeline, cohorts, months, scope } = await cohortsOf(query, actor, ctx.now);
        return ok({ ...sourcesReport(pipeline, cohorts, months), ...scope });
      },
    }),
    'GET /reports/stalled': route({
      tag: 'Reports',
      summary: "Open deals longer in their stage than the stage's rotAfterDays, longest first",
      roles: canSell,
      query: ScopedPipelineQuery,
      problems: SCOPED_PROBLEMS,
      response: { status: 200, schema: StalledReport },
      handle: async ({ query, ctx, actor }) => {
        const ownerId = reportScope(actor, query.ownerId);
        const pipeline = await pipelineOf(query.pipelineId, ctx.now);
        // one Query per rotting stage reads the pipeline's stalled deals; one person's are kept
        const stalled = await s.deals.stalledIn(pipeline, ctx.now);
        const deals =
          ownerId === undefined
            ? stalled
            : new Map([...stalled].map(([stage, all]) => [stage, all.filter((d) => d.ownerId === ownerId)]));
        return ok({ ...stalledReport(pipeline, deals, ctx.now), ...(ownerId ? { ownerId } : {}) });
      },
    }),
  };
}
