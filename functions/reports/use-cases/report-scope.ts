import type { BucketTotals } from '../../../domain/reports/reports.js';
import {
  cohortBucket,
  contribution,
  forecastBucket,
  STAGES_BUCKET,
  type Totals,
} from '../../../domain/reports/totals.js';
import { type Actor, hasRole } from '../../../domain/shared/context.js';
import { Forbidden } from '../../../domain/shared/errors.js';
import type { Services } from '../../lib/services.js';

/**
 * The totals one report reads. Everyone's come from the totals kept on write (a few Queries,
 * whatever the number of deals); one person's are added up from the deals they own (one Query
 * of the owner index), with the same `contribution` the kept totals are made of, so a rep's
 * figures are computed exactly as the team's are.
 */
export interface ReportTotals {
  ownerId?: string;
  stages(): Promise<BucketTotals>;
  forecast(from: string, to: string): Promise<BucketTotals>;
  forecastBefore(from: string): Promise<BucketTotals>;
  cohorts(from: string, to: string): Promise<BucketTotals>;
}

/**
 * Whose deals a report covers: a manager's or admin's, everyone's unless they name one person;
 * a sales rep's, their own (naming anyone else is a 403).
 */
export function reportScope(actor: Actor, ownerId: string | undefined): string | undefined {
  if (hasRole(actor, 'admin', 'manager')) return ownerId;
  if (ownerId !== undefined && ownerId !== actor.userId)
    throw new Forbidden("only managers and admins read someone else's reports");
  return actor.userId;
}

export function reportTotals(
  s: Pick<Services, 'deals'>,
  pipelineId: string,
  ownerId: string | undefined,
): ReportTotals {
  const kept = s.deals.totals;
  if (ownerId === undefined) {
    return {
      stages: () => kept.stages(pipelineId),
      forecast: (from, to) => kept.forecast(pipelineId, from, to),
      forecastBefore: (from) => kept.forecastBefore(pipelineId, from),
      cohorts: (from, to) => kept.cohorts(pipelineId, from, to),
    };
  }
  let owned: Promise<BucketTotals> | undefined;
  const all = () => {
    owned ??= s.deals.ownedBy(ownerId).then((deals) => {
      const totals: Totals = new Map();
      for (const deal of deals) if (deal.pipelineId === pipelineId) contribution(deal, totals);
      return totals.get(pipelineId) ?? new Map();
    });
    return owned;
  };
  /** The buckets of one kind (forecastBucket, cohortBucket) whose month passes `keep`. */
  const months = (bucketOf: (month: string) => string, keep: (month: string) => boolean) =>
    all().then((buckets) => {
      const prefix = bucketOf('');
      return new Map(
        [...buckets].filter(([bucket]) => bucket.startsWith(prefix) && keep(bucket.slice(prefix.length))),
      );
    });
  return {
    ownerId,
    stages: () => all().then((buckets) => new Map([...buckets].filter(([b]) => b === STAGES_BUCKET))),
    forecast: (from, to) => months(forecastBucket, (m) => m >= from && m <= to),
    forecastBefore: (from) => months(forecastBucket, (m) => m < from),
    cohorts: (from, to) => months(cohortBucket, (m) => m >= from && m <= to),
  };
}
