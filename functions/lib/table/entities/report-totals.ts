import type { Deal } from '../../../../domain/crm/deal.js';
import { addMonths, type BucketTotals, FIRST_MONTH } from '../../../../domain/reports/reports.js';
import {
  cohortBucket,
  forecastBucket,
  STAGES_BUCKET,
  totalsDelta,
} from '../../../../domain/reports/totals.js';
import { getOrInsert } from '../../../../domain/shared/collections.js';
import type { Key, Write } from '../item.js';
import { type KeyCondition, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';

// The report totals, kept on write (docs/architecture.md, decision 1). A deal command adds its delta to one
// shard of each bucket it changes, as UpdateItem ADDs inside its own transaction: no extra round
// trip, and no read. Concurrent commands pick different shards, so they do not conflict on a
// hot total (docs/data-model.md says why there are 8). A report sums the shards it reads.

export const REPORT_SHARDS = 8;

/** One shard of one bucket of a pipeline's report totals (see domain/reports/totals.ts). */
const totalsKey = (pipelineId: string, bucket: string, shard: number): Key => ({
  pk: totalsPartition(pipelineId),
  sk: `${bucket}#${shard}`,
});
const totalsPartition = (pipelineId: string) => `REPORT#${pipelineId}`;

export const reportTotalPatterns = patterns({
  reportStages: query({
    entity: 'report totals',
    pattern: "a pipeline's open deals per stage (every shard)",
    usedBy: '`GET /reports/pipeline`, `GET /reports/forecast` (undated deals)',
    functions: ['ReportsApi'],
    index: 'table',
    keyCondition: '`pk = REPORT#<id> AND begins_with(sk, STAGES#)` + the pipeline',
    roundTrips: '2 requests, in parallel',
    query: (pipelineId: string, stagesBucket: string) => ({
      partition: totalsPartition(pipelineId),
      sort: { beginsWith: `${stagesBucket}#` },
    }),
  }),
  reportMonths: query({
    entity: 'report totals',
    pattern: "a pipeline's monthly buckets of one kind (forecast or cohort) over a range of months",
    usedBy:
      '`GET /reports/forecast` (the range, and the months before it: overdue), `/conversion`, `/sources`',
    functions: ['ReportsApi'],
    index: 'table',
    keyCondition: '`pk = REPORT#<id> AND sk BETWEEN <KIND>#<from># AND <KIND>#<to>#~` + the pipeline',
    roundTrips: '2–3 requests, in parallel',
    /** `fromBucket`, `toBucket`: the month buckets as domain/reports/totals.ts names them. */
    query: (pipelineId: string, fromBucket: string, toBucket: string) => ({
      partition: totalsPartition(pipelineId),
      sort: { between: [`${fromBucket}#`, `${toBucket}#~`] },
    }),
  }),
  everyReportTotal: query({
    entity: 'report totals',
    pattern: 'every stored total of a pipeline (to compare with a rebuild)',
    usedBy: '`RebuildReports`',
    functions: ['RebuildReports'],
    index: 'table',
    keyCondition: '`pk = REPORT#<id>`',
    roundTrips: '1 Query per pipeline',
    query: (pipelineId: string) => ({ partition: totalsPartition(pipelineId) }),
  }),
  reportTotalsAdded: write({
    entity: 'report totals',
    pattern: "a deal change's delta, added to one shard of each bucket it changes",
    usedBy: 'every deal command, imports, `RebuildReports` with `apply`',
    functions: ['CrmApi', 'CsvImport', 'RebuildReports'],
    keyCondition: 'UpdateItem `REPORT#<pipelineId>` / `<bucket>#<shard>`: `ADD` each total',
    roundTrips: "none of its own (the deal command's transaction)",
    actions: ['UpdateItem'],
  }),
});

const BOOKKEEPING = new Set(['pk', 'sk', 'entity', 'pipelineId', 'bucket']);

export const randomShard = () => Math.floor(Math.random() * REPORT_SHARDS);

/** One ADD of several totals to one item: `ADD #a0 :v0, #a1 :v1 …`. */
export function addTotals(
  pipelineId: string,
  bucket: string,
  shard: number,
  attributes: Map<string, number>,
): Write {
  const names: Record<string, string> = {
    '#entity': 'entity',
    '#pipeline': 'pipelineId',
    '#bucket': 'bucket',
  };
  const values: Record<string, unknown> = {
    ':entity': 'report-totals',
    ':pipeline': pipelineId,
    ':bucket': bucket,
  };
  const adds: string[] = [];
  let i = 0;
  for (const [attribute, n] of attributes) {
    names[`#a${i}`] = attribute;
    values[`:v${i}`] = n;
    adds.push(`#a${i} :v${i}`);
    i++;
  }
  return {
    pattern: reportTotalPatterns.reportTotalsAdded,
    update: {
      key: totalsKey(pipelineId, bucket, shard),
      expression: `SET #entity = :entity, #pipeline = :pipeline, #bucket = :bucket ADD ${adds.join(', ')}`,
      names,
      values,
    },
  };
}

export function sumItems(items: Record<string, unknown>[], into: BucketTotals = new Map()): BucketTotals {
  for (const item of items) {
    const attributes = getOrInsert(into, String(item.bucket), () => new Map<string, number>());
    for (const [attribute, value] of Object.entries(item)) {
      if (BOOKKEEPING.has(attribute) || typeof value !== 'number') continue;
      attributes.set(attribute, (attributes.get(attribute) ?? 0) + value);
    }
  }
  return into;
}

export class ReportTotalsRepository {
  /** Items read by this repository's queries since it was made (for the benchmarks). */
  itemsRead = 0;

  constructor(private readonly store: Store) {}

  /** Adds the totals delta of a deal change to the command's transaction. */
  record(uow: UnitOfWork, before: Deal | null, after: Deal | null, shard = randomShard()): UnitOfWork {
    for (const [pipelineId, buckets] of totalsDelta(before, after)) {
      for (const [bucket, attributes] of buckets) uow.add(addTotals(pipelineId, bucket, shard, attributes));
    }
    return uow;
  }

  /** The STAGES bucket of a pipeline: one Query of its shards. */
  stages(pipelineId: string): Promise<BucketTotals> {
    return this.read(reportTotalPatterns.reportStages.query(pipelineId, STAGES_BUCKET));
  }

  /** The forecast buckets of the months from..to (YYYY-MM): one Query. */
  forecast(pipelineId: string, from: string, to: string): Promise<BucketTotals> {
    return this.read(
      reportTotalPatterns.reportMonths.query(pipelineId, forecastBucket(from), forecastBucket(to)),
    );
  }

  /** The cohort buckets of the creation months from..to: one Query. */
  cohorts(pipelineId: string, from: string, to: string): Promise<BucketTotals> {
    return this.read(
      reportTotalPatterns.reportMonths.query(pipelineId, cohortBucket(from), cohortBucket(to)),
    );
  }

  /** The forecast buckets of every month before `from`: the open deals in them are overdue. */
  forecastBefore(pipelineId: string, from: string): Promise<BucketTotals> {
    if (from <= FIRST_MONTH) return Promise.resolve(new Map());
    return this.forecast(pipelineId, FIRST_MONTH, addMonths(from, -1));
  }

  /** Every bucket of a pipeline (the rebuild compares them with what the deals add up to). */
  all(pipelineId: string): Promise<BucketTotals> {
    return this.read(reportTotalPatterns.everyReportTotal.query(pipelineId));
  }

  private async read(condition: KeyCondition): Promise<BucketTotals> {
    const items = await this.store.queryAll(condition);
    this.itemsRead += items.length;
    return sumItems(items);
  }
}
