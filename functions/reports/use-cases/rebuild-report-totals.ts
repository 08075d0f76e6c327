import { Deal } from '../../../domain/crm/deal.js';
import type { Pipeline } from '../../../domain/crm/pipeline.js';
import { recountStagesReached, sameStages } from '../../../domain/crm/stages-reached.js';
import { type ProductTotals, productContribution } from '../../../domain/reports/product-totals.js';
import { contribution, type Totals } from '../../../domain/reports/totals.js';
import type { Services } from '../../lib/services.js';
import { DEAL_LAYOUT } from '../../lib/table/entities/deal.js';
import { addTotals } from '../../lib/table/entities/report-totals.js';
import { entityOf } from '../../lib/table/item.js';

// Recomputes every report total (the pipelines', and the product report's from the won deals'
// lines) from the deals themselves and compares it with what the deal
// commands kept: for migrations (a deployment that had deals before the totals existed), after
// an incident, and to prove the two agree. With `apply`, it also writes again every deal stored
// with an older item layout (an index key or tag copy added since). It reads every deal, page by page (a Query per
// pipeline on gsi3, never a Scan), so it is a maintenance job, not a request.
//
// With `apply`, it adds the difference to shard 0 of each bucket that is off. Run it when no
// deal is being written: a command committed between the two reads would be counted twice or
// not at all (verify mode reports such a race as a difference; run it again to confirm).
//
// The stages a deal counts as reached (domain/crm/stages-reached.ts) are taken as the deal
// stored them, as its commands counted them. A deal stored before it remembered them is counted
// from its stage history under the pipeline's order now (so the old count, the stages it was in,
// shows as a difference), and with `apply` it is written again with them. With `recount`, every
// deal is counted that way: after an admin reordered stages or inserted one.

const asDeal = entityOf<Deal>(Deal);

export interface Difference {
  pipelineId: string;
  bucket: string;
  attribute: string;
  stored: number;
  rebuilt: number;
}

export interface RebuildResult {
  pipelines: number;
  dealsRead: number;
  bucketsCompared: number;
  differences: number;
  /** The first 100 differences. */
  sample: Difference[];
  applied: boolean;
  /** Deals written again because they were stored with an older item layout (apply only). */
  reindexed: number;
  /** Product report totals that differ from the won deals' lines (`pipelineId` is `products`). */
  productDifferences: number;
  /**
   * Deals whose reached stages were counted from their stage history and differ from what they
   * stored (stored before deals remembered them, or changed by `recount`); written with `apply`.
   */
  recounted: number;
}

/** The deal as the rebuild counts it: its reached stages recounted when absent, or when asked. */
function counted(deal: Deal, pipeline: Pipeline, recount: boolean): Deal {
  if (deal.stagesReached && !recount) return deal;
  return { ...deal, stagesReached: recountStagesReached(pipeline, deal) };
}

export async function rebuildReportTotals(
  {
    store,
    deals,
    pipelines: pipelineRepository,
    companies,
    lineItems,
    productTotals,
  }: Pick<Services, 'store' | 'deals' | 'pipelines' | 'companies' | 'lineItems' | 'productTotals'>,
  options: { apply?: boolean; recount?: boolean } = {},
): Promise<RebuildResult> {
  // a deal stored before it carried its company's name (layout 5) is given it when rewritten
  const names = new Map<string, Promise<string | undefined>>();
  const named = async (deal: Deal): Promise<Deal> => {
    if (!deal.companyId || deal.companyName !== undefined) return deal;
    if (!names.has(deal.companyId)) names.set(deal.companyId, companies.nameOf(deal.companyId));
    const companyName = await names.get(deal.companyId);
    return companyName === undefined ? deal : { ...deal, companyName };
  };
  const pipelines = await pipelineRepository.all();
  const rebuilt: Totals = new Map();
  let dealsRead = 0;
  const differences: Difference[] = [];
  let bucketsCompared = 0;
  let reindexed = 0;
  let recounted = 0;
  // the product report: what each won deal sold (its lines: one GetItem per won deal)
  const productsRebuilt: ProductTotals = new Map();
  for (const pipeline of pipelines) {
    rebuilt.set(pipeline.id, new Map());
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await deals.pipelinePage(pipeline.id, startKey);
      for (const item of page.items) {
        if (item.entity !== 'deal') continue;
        const stored = asDeal(item);
        const deal = counted(stored, pipeline, Boolean(options.recount));
        contribution(deal, rebuilt);
        if (deal.status === 'won')
          productContribution(deal, (await lineItems.of(deal.id)).lineItems, productsRebuilt);
        dealsRead++;
        const recount = !sameStages(stored.stagesReached, deal.stagesReached);
        if (recount) recounted++;
        if (!options.apply || (item.layout === DEAL_LAYOUT && !recount)) continue;
        if ((await deals.rewrite(await named(deal))) && item.layout !== DEAL_LAYOUT) reindexed++;
      }
      startKey = page.lastKey;
    } while (startKey);

    const stored = await deals.totals.all(pipeline.id);
    const expected = rebuilt.get(pipeline.id) ?? new Map();
    for (const bucket of new Set([...stored.keys(), ...expected.keys()])) {
      bucketsCompared++;
      const has = stored.get(bucket) ?? new Map<string, number>();
      const wants = expected.get(bucket) ?? new Map<string, number>();
      const fix = new Map<string, number>();
      for (const attribute of new Set([...has.keys(), ...wants.keys()])) {
        const s = has.get(attribute) ?? 0;
        const r = wants.get(attribute) ?? 0;
        if (s === r) continue;
        differences.push({ pipelineId: pipeline.id, bucket, attribute, stored: s, rebuilt: r });
        fix.set(attribute, r - s);
      }
      // an update expression holds a few hundred ADDs at most: 100 at a time
      const pending = [...fix];
      while (options.apply && pending.length > 0) {
        await store.transact([addTotals(pipeline.id, bucket, 0, new Map(pending.splice(0, 100)))]);
      }
    }
  }
  const storedProducts = await productTotals.all();
  let productDifferences = 0;
  const productFix: ProductTotals = new Map();
  for (const bucket of new Set([...storedProducts.keys(), ...productsRebuilt.keys()])) {
    bucketsCompared++;
    const has = storedProducts.get(bucket) ?? new Map<string, number>();
    const wants = productsRebuilt.get(bucket) ?? new Map<string, number>();
    for (const attribute of new Set([...has.keys(), ...wants.keys()])) {
      const s = has.get(attribute) ?? 0;
      const r = wants.get(attribute) ?? 0;
      if (s === r) continue;
      productDifferences++;
      differences.push({ pipelineId: 'products', bucket, attribute, stored: s, rebuilt: r });
      productFix.set(bucket, (productFix.get(bucket) ?? new Map()).set(attribute, r - s));
    }
  }
  for (const [bucket, fix] of options.apply ? productFix : []) {
    const pending = [...fix];
    while (pending.length > 0)
      await store.transact(productTotals.writes(new Map([[bucket, new Map(pending.splice(0, 100))]]), 0));
  }
  return {
    pipelines: pipelines.length,
    dealsRead,
    bucketsCompared,
    differences: differences.length,
    sample: differences.slice(0, 100),
    applied: Boolean(options.apply),
    reindexed,
    recounted,
    productDifferences,
  };
}
