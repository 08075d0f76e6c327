import type { Deal } from '../crm/deal.js';
import type { Pipeline, Stage } from '../crm/pipeline.js';
import { getOrInsert } from '../shared/collections.js';
import { MS_PER_DAY, toMillis } from '../shared/time.js';
import * as z from '../shared/zod.js';
import { cohortBucket, forecastBucket, NO_SOURCE, STAGES_BUCKET } from './totals.js';

// The five reports, computed from stored totals (see totals.ts) and the pipeline as it is now.
// Amounts stay per currency: nothing converts one currency into another. Weighted values use
// each stage's current probability, rounded to the minor unit per stage and currency.
// Over 300 lines: the five reports share the money and month helpers at the top; each is a section.

/** Totals of one pipeline, summed over shards: bucket → attribute → number. */
export type BucketTotals = Map<string, Map<string, number>>;

export const MoneyTotals = z
  .array(z.object(() => ({ currency: z.string(), amount: z.int() })))
  .describe('one entry per currency, by currency code; never converted')
  .meta({ id: 'MoneyTotals' });
export type MoneyTotals = z.infer<typeof MoneyTotals>;

const Ratio = z.number().min(0).max(1).nullable().describe('0 to 1; null when there is nothing to divide');
const Days = z.number().nullable().describe('days, one decimal; null when nothing was measured');
const Month = z.string().describe('YYYY-MM');

class Amounts {
  private readonly byCurrency = new Map<string, number>();
  add(currency: string, amount: number): this {
    this.byCurrency.set(currency, (this.byCurrency.get(currency) ?? 0) + amount);
    return this;
  }
  addAll(other: Amounts): this {
    for (const [c, a] of other.byCurrency) this.add(c, a);
    return this;
  }
  weighted(percent: number): Amounts {
    const w = new Amounts();
    for (const [c, a] of this.byCurrency) w.add(c, Math.round((a * percent) / 100));
    return w;
  }
  toJSON(): MoneyTotals {
    return [...this.byCurrency]
      .filter(([, amount]) => amount !== 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, amount]) => ({ currency, amount }));
  }
}

const ratio = (part: number, whole: number) =>
  whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
const days = (seconds: number, count: number) =>
  count > 0 ? Math.round((seconds / count / 86_400) * 10) / 10 : null;

/** Reads `prefix|a|b…` attributes of a bucket. */
function entries(bucket: Map<string, number> | undefined, prefix: string): [string[], number][] {
  const found: [string[], number][] = [];
  for (const [attribute, n] of bucket ?? []) {
    const parts = attribute.split('|');
    if (parts[0] === prefix) found.push([parts.slice(1), n]);
  }
  return found;
}

const count = (bucket: Map<string, number> | undefined, attribute: string) => bucket?.get(attribute) ?? 0;

function amounts(bucket: Map<string, number> | undefined, prefix: string, key?: string): Amounts {
  const total = new Amounts();
  for (const [parts, n] of entries(bucket, prefix)) {
    if (key === undefined ? parts.length === 1 : parts.length === 2 && parts[0] === key)
      total.add(parts.at(-1)!, n);
  }
  return total;
}

/** Months from..to inclusive (YYYY-MM). */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    months.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return months;
}

/** The months a report may cover: the years ISO 8601 writes with four digits. */
export const FIRST_MONTH = '0001-01';
export const LAST_MONTH = '9999-12';

/** Whether a month (as addMonths gives it) is one a report may cover. */
export function inCalendar(month: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(month) && month >= FIRST_MONTH;
}

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  const year = Math.floor(index / 12);
  const monthOfYear = index - year * 12 + 1;
  return `${String(year).padStart(4, '0')}-${String(monthOfYear).padStart(2, '0')}`;
}

// ------------------------------------------------------------------------- pipeline

export const PipelineReport = z
  .object(() => ({
    pipelineId: z.string(),
    ownerId: z
      .string()
      .optional()
      .describe("only this person's deals: a sales rep's own report, or a manager's view of one rep"),
    pipelineName: z.string(),
    asOf: z.string(),
    stages: z.array(
      z.object(() => ({
        stageId: z.string(),
        name: z.string(),
        probability: z.int(),
        openDeals: z.int(),
        value: MoneyTotals,
        weightedValue: MoneyTotals,
        averageDaysInStage: Days.describe(
          'how long the open deals of this stage have been in it, on average',
        ),
        finishedVisits: z.int().describe('how many times a deal left this stage (moved on or closed)'),
        averageDaysPerVisit: Days.describe(
          'how long a deal stayed in this stage before leaving it, on average',
        ),
      })),
    ),
    total: z.object(() => ({ openDeals: z.int(), value: MoneyTotals, weightedValue: MoneyTotals })),
  }))
  .register(z.globalRegistry, { id: 'PipelineReport' });
export type PipelineReport = z.infer<typeof PipelineReport>;

export function pipelineReport(pipeline: Pipeline, totals: BucketTotals, now: string): PipelineReport {
  const stages = totals.get(STAGES_BUCKET);
  const nowSeconds = toMillis(now) / 1000;
  const total = { openDeals: 0, value: new Amounts(), weightedValue: new Amounts() };
  const rows = pipeline.stages.map((stage) => {
    const open = count(stages, `open|${stage.id}`);
    const value = amounts(stages, 'value', stage.id);
    const weightedValue = value.weighted(stage.probability);
    const visits = count(stages, `visits|${stage.id}`);
    total.openDeals += open;
    total.value.addAll(value);
    total.weightedValue.addAll(weightedValue);
    return {
      stageId: stage.id,
      name: stage.name,
      probability: stage.probability,
      openDeals: open,
      value: value.toJSON(),
      weightedValue: weightedValue.toJSON(),
      averageDaysInStage: days(open * nowSeconds - count(stages, `since|${stage.id}`), open),
      finishedVisits: visits,
      averageDaysPerVisit: days(count(stages, `dwell|${stage.id}`), visits),
    };
  });
  return {
    pipelineId: pipeline.id,
    pipelineName: pipeline.name,
    asOf: now,
    stages: rows,
    total: {
      openDeals: total.openDeals,
      value: total.value.toJSON(),
      weightedValue: total.weightedValue.toJSON(),
    },
  };
}

// ------------------------------------------------------------------------- forecast

const OpenTotals = z.object(() => ({
  openDeals: z.int(),
  value: MoneyTotals,
  weightedValue: MoneyTotals,
}));

export const ForecastReport = z
  .object(() => ({
    pipelineId: z.string(),
    ownerId: z
      .string()
      .optional()
      .describe("only this person's deals: a sales rep's own report, or a manager's view of one rep"),
    pipelineName: z.string(),
    from: Month,
    to: Month,
    months: z.array(
      z.extend(OpenTotals, () => ({
        month: Month,
        won: z.object(() => ({ deals: z.int(), value: MoneyTotals })),
        lost: z.object(() => ({ deals: z.int() })),
      })),
    ),
    overdue: OpenTotals.describe(
      'open deals expected to close in a month before `from`: with the default range (from this month), the deals whose expected close has passed',
    ),
    undated: OpenTotals.describe('open deals without an expected close date'),
    total: z.extend(OpenTotals, () => ({ won: z.object(() => ({ deals: z.int(), value: MoneyTotals })) })),
  }))
  .register(z.globalRegistry, { id: 'ForecastReport' });
export type ForecastReport = z.infer<typeof ForecastReport>;

/** Several buckets' attributes added up, as if one bucket. */
function mergeBuckets(buckets: Iterable<Map<string, number>>): Map<string, number> {
  const merged = new Map<string, number>();
  for (const bucket of buckets)
    for (const [attribute, n] of bucket) merged.set(attribute, (merged.get(attribute) ?? 0) + n);
  return merged;
}

function openByStage(stages: readonly Stage[], bucket: Map<string, number> | undefined, prefix: string) {
  const value = new Amounts();
  const weightedValue = new Amounts();
  let openDeals = 0;
  for (const stage of stages) {
    const stageValue = amounts(bucket, prefix === 'open' ? 'value' : 'undatedValue', stage.id);
    openDeals += count(bucket, `${prefix}|${stage.id}`);
    value.addAll(stageValue);
    weightedValue.addAll(stageValue.weighted(stage.probability));
  }
  return { openDeals, value, weightedValue };
}

/**
 * `totals` holds the STAGES bucket and the forecast buckets of the range; `before`, the forecast
 * buckets of the months before it (their open deals are the overdue ones).
 */
export function forecastReport(
  pipeline: Pipeline,
  totals: BucketTotals,
  range: { from: string; to: string },
  before: BucketTotals = new Map(),
): ForecastReport {
  const sum = { openDeals: 0, value: new Amounts(), weightedValue: new Amounts() };
  const won = { deals: 0, value: new Amounts() };
  const months = monthsBetween(range.from, range.to).map((month) => {
    const bucket = totals.get(forecastBucket(month));
    const open = openByStage(pipeline.stages, bucket, 'open');
    const wonValue = amounts(bucket, 'wonValue');
    sum.openDeals += open.openDeals;
    sum.value.addAll(open.value);
    sum.weightedValue.addAll(open.weightedValue);
    won.deals += count(bucket, 'won');
    won.value.addAll(wonValue);
    return {
      month,
      openDeals: open.openDeals,
      value: open.value.toJSON(),
      weightedValue: open.weightedValue.toJSON(),
      won: { deals: count(bucket, 'won'), value: wonValue.toJSON() },
      lost: { deals: count(bucket, 'lost') },
    };
  });
  const undated = openByStage(pipeline.stages, totals.get(STAGES_BUCKET), 'undated');
  const overdue = openByStage(pipeline.stages, mergeBuckets(before.values()), 'open');
  return {
    pipelineId: pipeline.id,
    pipelineName: pipeline.name,
    from: range.from,
    to: range.to,
    months,
    overdue: {
      openDeals: overdue.openDeals,
      value: overdue.value.toJSON(),
      weightedValue: overdue.weightedValue.toJSON(),
    },
    undated: {
      openDeals: undated.openDeals,
      value: undated.value.toJSON(),
      weightedValue: undated.weightedValue.toJSON(),
    },
    total: {
      openDeals: sum.openDeals,
      value: sum.value.toJSON(),
      weightedValue: sum.weightedValue.toJSON(),
      won: { deals: won.deals, value: won.value.toJSON() },
    },
  };
}

// ------------------------------------------------------------------------- cohorts

/** The cohort buckets of a month range, summed into one. */
function cohortSum(totals: BucketTotals, range: { from: string; to: string }): Map<string, number> {
  const sum = new Map<string, number>();
  for (const month of monthsBetween(range.from, range.to)) {
    for (const [attribute, n] of totals.get(cohortBucket(month)) ?? [])
      sum.set(attribute, (sum.get(attribute) ?? 0) + n);
  }
  return sum;
}

export const ConversionReport = z
  .object(() => ({
    pipelineId: z.string(),
    ownerId: z
      .string()
      .optional()
      .describe("only this person's deals: a sales rep's own report, or a manager's view of one rep"),
    pipelineName: z.string(),
    from: Month.describe('first month of deal creation counted'),
    to: Month.describe('last month of deal creation counted'),
    created: z.int(),
    open: z.int(),
    won: z.int(),
    lost: z.int(),
    winRate: Ratio.describe('won ÷ (won + lost)'),
    wonValue: MoneyTotals,
    averageDaysToWin: Days,
    stages: z.array(
      z.object(() => ({
        stageId: z.string(),
        name: z.string(),
        reached: z
          .int()
          .describe(
            "deals of the cohort that reached this stage: were in it or in a later stage at some point (a deal that skipped it reached it); never fewer than the next stage's",
          ),
        reachedRate: Ratio.describe('reached ÷ created'),
        toNextStage: Ratio.describe(
          "the next stage's reached ÷ this stage's reached (0 to 1: every deal that reached the next stage reached this one); null for the last stage or when none reached this one",
        ),
        wonFromHere: z.int(),
        lostFromHere: z.int(),
      })),
    ),
    transitions: z
      .array(z.object(() => ({ from: z.string(), to: z.string(), moves: z.int() })))
      .describe('stage-to-stage moves of the cohort, most frequent first'),
    lostReasons: z
      .array(z.object(() => ({ reason: z.string(), deals: z.int() })))
      .describe('most frequent first; the same words count together whatever their case or spacing'),
  }))
  .register(z.globalRegistry, { id: 'ConversionReport' });
export type ConversionReport = z.infer<typeof ConversionReport>;

/**
 * How many deals reached each stage, in the pipeline's order. Each deal counts the stages it
 * remembers (crm/stages-reached.ts): with the order they were counted in, a stage is never
 * counted fewer times than a later one. After an admin reorders the stages (or inserts one),
 * deals counted before keep their stages until a recount; a stage then shows at least what any
 * later stage shows, so the stage-to-stage ratio stays between 0 and 1 (docs/data-model.md).
 */
function reachedPerStage(pipeline: Pipeline, cohort: Map<string, number>): number[] {
  const reached = pipeline.stages.map((s) => count(cohort, `reached|${s.id}`));
  for (let i = reached.length - 2; i >= 0; i--) reached[i] = Math.max(reached[i]!, reached[i + 1]!);
  return reached;
}

export function conversionReport(
  pipeline: Pipeline,
  totals: BucketTotals,
  range: { from: string; to: string },
): ConversionReport {
  const c = cohortSum(totals, range);
  const created = count(c, 'created');
  const won = count(c, 'won');
  const lost = count(c, 'lost');
  const reached = reachedPerStage(pipeline, c);
  return {
    pipelineId: pipeline.id,
    pipelineName: pipeline.name,
    from: range.from,
    to: range.to,
    created,
    open: created - won - lost,
    won,
    lost,
    winRate: ratio(won, won + lost),
    wonValue: amounts(c, 'wonValue').toJSON(),
    averageDaysToWin: days(count(c, 'winSeconds'), won),
    stages: pipeline.stages.map((stage, i) => ({
      stageId: stage.id,
      name: stage.name,
      reached: reached[i]!,
      reachedRate: ratio(reached[i]!, created),
      toNextStage: i + 1 < reached.length ? ratio(reached[i + 1]!, reached[i]!) : null,
      wonFromHere: count(c, `wonFrom|${stage.id}`),
      lostFromHere: count(c, `lostFrom|${stage.id}`),
    })),
    transitions: entries(c, 'moved')
      .filter(([, n]) => n > 0)
      .map(([[from, to], moves]) => ({ from: from!, to: to!, moves }))
      .sort((a, b) => b.moves - a.moves || a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
    lostReasons: entries(c, 'reason')
      .filter(([, n]) => n > 0)
      .map(([[reason], deals]) => ({ reason: reason!, deals }))
      .sort((a, b) => b.deals - a.deals || a.reason.localeCompare(b.reason)),
  };
}

export const SourcesReport = z
  .object(() => ({
    pipelineId: z.string(),
    ownerId: z
      .string()
      .optional()
      .describe("only this person's deals: a sales rep's own report, or a manager's view of one rep"),
    pipelineName: z.string(),
    from: Month.describe('first month of deal creation counted'),
    to: Month.describe('last month of deal creation counted'),
    sources: z.array(
      z.object(() => ({
        leadSource: z.string().nullable().describe('null: deals without a lead source'),
        created: z.int(),
        open: z.int(),
        won: z.int(),
        lost: z.int(),
        winRate: Ratio.describe('won ÷ (won + lost)'),
        wonValue: MoneyTotals,
      })),
    ),
  }))
  .register(z.globalRegistry, { id: 'SourcesReport' });
export type SourcesReport = z.infer<typeof SourcesReport>;

export function sourcesReport(
  pipeline: Pipeline,
  totals: BucketTotals,
  range: { from: string; to: string },
): SourcesReport {
  const c = cohortSum(totals, range);
  const sources = new Map<string, { created: number; won: number; lost: number; wonValue: Amounts }>();
  for (const [parts, n] of entries(c, 'src')) {
    const [source, what, currency] = parts as [string, string, string?];
    const s = getOrInsert(sources, source, () => ({ created: 0, won: 0, lost: 0, wonValue: new Amounts() }));
    if (what === 'wonValue') s.wonValue.add(currency!, n);
    else if (what === 'created' || what === 'won' || what === 'lost') s[what] += n;
  }
  return {
    pipelineId: pipeline.id,
    pipelineName: pipeline.name,
    from: range.from,
    to: range.to,
    sources: [...sources]
      .filter(([, s]) => s.created > 0)
      .map(([source, s]) => ({
        leadSource: source === NO_SOURCE ? null : source,
        created: s.created,
        open: s.created - s.won - s.lost,
        won: s.won,
        lost: s.lost,
        winRate: ratio(s.won, s.won + s.lost),
        wonValue: s.wonValue.toJSON(),
      }))
      .sort((a, b) => b.created - a.created || String(a.leadSource).localeCompare(String(b.leadSource))),
  };
}

// ------------------------------------------------------------------------- stalled

export const StalledReport = z
  .object(() => ({
    pipelineId: z.string(),
    ownerId: z
      .string()
      .optional()
      .describe("only this person's deals: a sales rep's own report, or a manager's view of one rep"),
    pipelineName: z.string(),
    asOf: z.string(),
    stages: z.array(
      z.object(() => ({
        stageId: z.string(),
        name: z.string(),
        rotAfterDays: z.int(),
        deals: z.int(),
        value: MoneyTotals,
        items: z.array(
          z.object(() => ({
            dealId: z.string(),
            title: z.string(),
            ownerId: z.string(),
            value: z.object(() => ({ amount: z.int(), currency: z.string() })),
            enteredStageAt: z.string(),
            daysInStage: z.int(),
            snoozedUntil: z.string().nullable(),
          })),
        ),
      })),
    ),
    total: z.object(() => ({ deals: z.int(), value: MoneyTotals })),
  }))
  .register(z.globalRegistry, { id: 'StalledReport' });
export type StalledReport = z.infer<typeof StalledReport>;

/**
 * Open deals longer in their stage than its rotAfterDays, longest first. A snoozed deal is
 * listed (it is stalled) with the end of its snooze; the follow-up sweep leaves it alone.
 */
export function stalledReport(
  pipeline: Pipeline,
  dealsByStage: Map<string, Deal[]>,
  now: string,
): StalledReport {
  const total = { deals: 0, value: new Amounts() };
  const stages = pipeline.stages
    .filter((s) => s.rotAfterDays !== null)
    .map((stage) => {
      const cutoff = toMillis(now) - stage.rotAfterDays! * MS_PER_DAY;
      const deals = (dealsByStage.get(stage.id) ?? [])
        .filter((d) => d.status === 'open' && d.stageId === stage.id && toMillis(d.stageEnteredAt) <= cutoff)
        .sort((a, b) => a.stageEnteredAt.localeCompare(b.stageEnteredAt));
      const value = new Amounts();
      for (const d of deals) value.add(d.value.currency, d.value.amount);
      total.deals += deals.length;
      total.value.addAll(value);
      return {
        stageId: stage.id,
        name: stage.name,
        rotAfterDays: stage.rotAfterDays!,
        deals: deals.length,
        value: value.toJSON(),
        items: deals.map((d) => ({
          dealId: d.id,
          title: d.title,
          ownerId: d.ownerId,
          value: d.value,
          enteredStageAt: d.stageEnteredAt,
          daysInStage: Math.floor((toMillis(now) - toMillis(d.stageEnteredAt)) / MS_PER_DAY),
          snoozedUntil: d.snooze && d.snooze.until > now ? d.snooze.until : null,
        })),
      };
    });
  return {
    pipelineId: pipeline.id,
    pipelineName: pipeline.name,
    asOf: now,
    stages,
    total: { deals: total.deals, value: total.value.toJSON() },
  };
}
