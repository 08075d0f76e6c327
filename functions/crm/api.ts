import { functionBase, loadFileStore, repositories } from '../lib/function-base.js';
import { httpApi } from '../lib/http/http-handler.js';
import { ActivityRepository } from '../lib/table/entities/activity.js';
import { AttachmentRepository } from '../lib/table/entities/attachment.js';
import { CompanyRepository } from '../lib/table/entities/company.js';
import { ContactRepository } from '../lib/table/entities/contact.js';
import { CustomFieldRepository } from '../lib/table/entities/custom-fields.js';
import { DealRepository } from '../lib/table/entities/deal.js';
import { DealReasonsRepository } from '../lib/table/entities/deal-reasons.js';
import { DueListRepository } from '../lib/table/entities/due-list.js';
import { DuplicateRepository } from '../lib/table/entities/duplicates.js';
import { EmailRepository } from '../lib/table/entities/email.js';
import { EmailReviewRepository } from '../lib/table/entities/email-review.js';
import { FollowUpReader } from '../lib/table/entities/follow-ups.js';
import { LeadRoutingRepository } from '../lib/table/entities/lead-routing.js';
import { LineItemRepository } from '../lib/table/entities/line-items.js';
import { PipelineRepository } from '../lib/table/entities/pipeline.js';
import { ProductRepository } from '../lib/table/entities/product.js';
import { ProductTotalsRepository } from '../lib/table/entities/product-totals.js';
import { ProfileRepository } from '../lib/table/entities/profile.js';
import { ProjectRepository } from '../lib/table/entities/project.js';
import { QuoteRepository } from '../lib/table/entities/quote.js';
import { SegmentRepository } from '../lib/table/entities/segment.js';
import { WebhookEndpointRepository } from '../lib/table/entities/webhook-endpoint.js';
import { crmRoutes } from './routes/index.js';

// The CRM API function: its routes over the repositories they use, built once per instance
// (the route tables' types say which; the others are never evaluated here).
// the bucket's client is loaded only by a request that touches a file (an attachment)
const base = functionBase({ runningAs: 'CrmApi', files: loadFileStore });
const entities = repositories(base.store, {
  companies: CompanyRepository,
  contacts: ContactRepository,
  deals: DealRepository,
});
const services = {
  ...base,
  ...entities,
  ...repositories(base.store, {
    activities: ActivityRepository,
    attachments: AttachmentRepository,
    customFields: CustomFieldRepository,
    dealReasons: DealReasonsRepository,
    dueList: DueListRepository,
    duplicates: DuplicateRepository,
    emails: EmailRepository,
    emailReviews: EmailReviewRepository,
    followups: FollowUpReader,
    leadRouting: LeadRoutingRepository,
    lineItems: LineItemRepository,
    pipelines: PipelineRepository,
    products: ProductRepository,
    productTotals: ProductTotalsRepository,
    profiles: ProfileRepository,
    projects: ProjectRepository,
    quotes: QuoteRepository,
    webhookEndpoints: WebhookEndpointRepository,
  }),
  segments: new SegmentRepository(base.store, entities),
};

export const handler = httpApi(crmRoutes(services), () => services);
