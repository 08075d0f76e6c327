import { functionBase, repositories } from '../lib/function-base.js';
import { httpApi } from '../lib/http/http-handler.js';
import { DealRepository } from '../lib/table/entities/deal.js';
import { LineItemRepository } from '../lib/table/entities/line-items.js';
import { PipelineRepository } from '../lib/table/entities/pipeline.js';
import { ProductTotalsRepository } from '../lib/table/entities/product-totals.js';
import { reportRoutes } from './routes/reports.js';

// The reports API function: read-only routes over the repositories they use, built once per
// instance. It does not record callers' profiles (the other API functions do): its role may read
// the table, never write it.
const base = functionBase({ runningAs: 'ReportsApi' });
const services = {
  ...base,
  ...repositories(base.store, {
    deals: DealRepository,
    lineItems: LineItemRepository,
    pipelines: PipelineRepository,
    productTotals: ProductTotalsRepository,
  }),
};

export const handler = httpApi(reportRoutes(services), () => ({
  cursors: services.cursors,
  idempotency: services.idempotency,
}));
