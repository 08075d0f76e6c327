import type { Deal } from '../crm/deal.js';
import { stagesCounted } from '../crm/stages-reached.js';
import { getOrInsert } from '../shared/collections.js';
import { normalizeText } from '../shared/text.js';
import { toMillis } from '../shared/time.js';

// What one deal contributes to the report totals, as a pure function of the deal as it is.
// A command adds `contribution(after) - contribution(before)` to the stored totals in its own
// transaction, and a rebuild sums `contribution(deal)` over every deal: the two agree by
// construction, which is what the rebuild test checks against the real table.
//
// Totals are kept per pipeline, in buckets:
// - `STAGES`: open deals per stage (count, value per currency, sum of stage-entry instants for
//   the average age), open deals without an expected close date, and finished stage visits
//   (count and seconds: time in stage);
// - `FORECAST#<YYYY-MM>`: open deals expected to close that month, per stage (the report weighs
//   them by the stage's probability as it is when read, so re-weighting a stage re-weights the
//   forecast), and the deals won or lost that month;
// - `COHORT#<YYYY-MM>`: the deals created that month: how many reached each stage (were in it
//   or a later one: the stages the deal remembers, crm/stages-reached.ts), moved
//   between stages, were won or lost and from which stage, lost reasons, days to win, and the
//   same per lead source.
// Attribute names are `kind|stage|currency`-like strings; the report modules read them back.

/** pipeline id → bucket → attribute → number */
export type Totals = Map<string, Map<string, Map<string, number>>>;

export const STAGES_BUCKET = 'STAGES';
export const forecastBucket = (month: string) => `FORECAST#${month}`;
export const cohortBucket = (month: string) => `COHORT#${month}`;

/** The lead source of deals that have none, in attribute names (no source can start with '-'). */
export const NO_SOURCE = '-';

/** A lost reason as a totals key: the same words count together, whatever their case or spacing. */
export function reasonKey(reason: string): string {
  return normalizeText(reason).replaceAll('|', '/').slice(0, 80);
}

export const monthOf = (instantOrDate: string) => instantOrDate.slice(0, 7);

const epochSeconds = (instant: string) => Math.floor(toMillis(instant) / 1000);

export function add(totals: Totals, pipelineId: string, bucket: string, attribute: string, n: number): void {
  if (n === 0) return;
  const buckets = getOrInsert(totals, pipelineId, () => new Map<string, Map<string, number>>());
  const attributes = getOrInsert(buckets, bucket, () => new Map<string, number>());
  attributes.set(attribute, (attributes.get(attribute) ?? 0) + n);
}

/** Adds one deal's contribution into `into` (or a new Totals), multiplied by `sign`. */
export function contribution(deal: Deal, into: Totals = new Map(), sign: 1 | -1 = 1): Totals {
  const put = (bucket: string, attribute: string, n: number) =>
    add(into, deal.pipelineId, bucket, attribute, sign * n);
  const { amount, currency } = deal.value;
  const cohort = cohortBucket(monthOf(deal.createdAt));
  const source = deal.leadSource ?? NO_SOURCE;

  put(cohort, 'created', 1);
  put(cohort, `src|${source}|created`, 1);
  for (const stageId of new Set(stagesCounted(deal))) put(cohort, `reached|${stageId}`, 1);
  deal.stageHistory.forEach((visit, i, all) => {
    const next = all[i + 1];
    if (next && next.stageId !== visit.stageId) put(cohort, `moved|${visit.stageId}|${next.stageId}`, 1);
    if (visit.leftAt) {
      put(STAGES_BUCKET, `visits|${visit.stageId}`, 1);
      put(
        STAGES_BUCKET,
        `dwell|${visit.stageId}`,
        epochSeconds(visit.leftAt) - epochSeconds(visit.enteredAt),
      );
    }
  });

  if (deal.status === 'open') {
    put(STAGES_BUCKET, `open|${deal.stageId}`, 1);
    put(STAGES_BUCKET, `value|${deal.stageId}|${currency}`, amount);
    put(STAGES_BUCKET, `since|${deal.stageId}`, epochSeconds(deal.stageEnteredAt));
    if (deal.expectedCloseDate) {
      const forecast = forecastBucket(monthOf(deal.expectedCloseDate));
      put(forecast, `open|${deal.stageId}`, 1);
      put(forecast, `value|${deal.stageId}|${currency}`, amount);
    } else {
      put(STAGES_BUCKET, `undated|${deal.stageId}`, 1);
      put(STAGES_BUCKET, `undatedValue|${deal.stageId}|${currency}`, amount);
    }
  } else if (deal.closedAt) {
    const closed = forecastBucket(monthOf(deal.closedAt));
    if (deal.status === 'won') {
      put(closed, 'won', 1);
      put(closed, `wonValue|${currency}`, amount);
      put(cohort, 'won', 1);
      put(cohort, `wonValue|${currency}`, amount);
      put(cohort, `wonFrom|${deal.stageId}`, 1);
      put(cohort, 'winSeconds', epochSeconds(deal.closedAt) - epochSeconds(deal.createdAt));
      put(cohort, `src|${source}|won`, 1);
      put(cohort, `src|${source}|wonValue|${currency}`, amount);
    } else {
      put(closed, 'lost', 1);
      put(cohort, 'lost', 1);
      put(cohort, `lostFrom|${deal.stageId}`, 1);
      put(cohort, `src|${source}|lost`, 1);
      if (deal.lostReason) put(cohort, `reason|${reasonKey(deal.lostReason)}`, 1);
    }
  }
  return into;
}

/** What a change from `before` to `after` adds to the totals (either may be absent). */
export function totalsDelta(before: Deal | null | undefined, after: Deal | null | undefined): Totals {
  const delta: Totals = new Map();
  if (after) contribution(after, delta, 1);
  if (before) contribution(before, delta, -1);
  // drop what cancelled out, so an unchanged bucket costs no write
  for (const [pipelineId, buckets] of delta) {
    for (const [bucket, attributes] of buckets) {
      for (const [attribute, n] of attributes) if (n === 0) attributes.delete(attribute);
      if (attributes.size === 0) buckets.delete(bucket);
    }
    if (buckets.size === 0) delta.delete(pipelineId);
  }
  return delta;
}
