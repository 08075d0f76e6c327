import { type FunctionBase, type FunctionBaseOptions, functionBase, repositories } from './function-base.js';
import { ActivityRepository } from './table/entities/activity.js';
import { AttachmentRepository } from './table/entities/attachment.js';
import { CompanyRepository } from './table/entities/company.js';
import { CompanyCalendarRepository } from './table/entities/company-calendar.js';
import { ContactRepository } from './table/entities/contact.js';
import { CustomFieldRepository } from './table/entities/custom-fields.js';
import { DealRepository } from './table/entities/deal.js';
import { DealReasonsRepository } from './table/entities/deal-reasons.js';
import { DeliveryNewsRepository } from './table/entities/delivery-news.js';
import { DueListRepository } from './table/entities/due-list.js';
import { DuplicateRepository } from './table/entities/duplicates.js';
import { EmailRepository } from './table/entities/email.js';
import { EmailReviewRepository } from './table/entities/email-review.js';
import { FollowUpReader } from './table/entities/follow-ups.js';
import { LeadRoutingRepository } from './table/entities/lead-routing.js';
import { LineItemRepository } from './table/entities/line-items.js';
import { PipelineRepository } from './table/entities/pipeline.js';
import { PortalRepository } from './table/entities/portal.js';
import { ProductRepository } from './table/entities/product.js';
import { ProductTotalsRepository } from './table/entities/product-totals.js';
import { ProfileRepository } from './table/entities/profile.js';
import { ProjectRepository } from './table/entities/project.js';
import { QuoteRepository } from './table/entities/quote.js';
import { SegmentRepository } from './table/entities/segment.js';
import { TemplateRepository } from './table/entities/template.js';
import { ExportJobRepository, ImportJobRepository } from './table/entities/transfer-jobs.js';
import { WebhookDeliveryRepository } from './table/entities/webhook-delivery.js';
import { WebhookEndpointRepository } from './table/entities/webhook-endpoint.js';
import { WebhookReplayRepository } from './table/entities/webhook-replay.js';

// Every repository over the table, for the functions that use most of them and for the tests
// (which run each API function's routes over these). An API function builds only those its
// routes use (functions/<context>/api.ts), with the same `functionBase` and `repositories`.

export interface Services extends FunctionBase {
  companies: CompanyRepository;
  contacts: ContactRepository;
  pipelines: PipelineRepository;
  deals: DealRepository;
  customFields: CustomFieldRepository;
  leadRouting: LeadRoutingRepository;
  dealReasons: DealReasonsRepository;
  attachments: AttachmentRepository;
  /** Captured emails, and the participants waiting for review. */
  emails: EmailRepository;
  emailReviews: EmailReviewRepository;
  /** The company calendar new projects are planned on. */
  calendar: CompanyCalendarRepository;
  segments: SegmentRepository;
  duplicates: DuplicateRepository;
  imports: ImportJobRepository;
  exports: ExportJobRepository;
  activities: ActivityRepository;
  profiles: ProfileRepository;
  templates: TemplateRepository;
  projects: ProjectRepository;
  /** Portal links, sessions, wrong-token counts, a project's portal timeline and shared files. */
  portal: PortalRepository;
  /** News for the people who sold and deliver a project, told once in their digest. */
  news: DeliveryNewsRepository;
  followups: FollowUpReader;
  /** Each person's due list: what is late for them now, and what falls due next. */
  dueList: DueListRepository;
  /** The product catalog. */
  products: ProductRepository;
  /** A deal's line items (what it sells) and its quotes' bookkeeping. */
  lineItems: LineItemRepository;
  quotes: QuoteRepository;
  /** The product report's totals, kept on write. */
  productTotals: ProductTotalsRepository;
  webhookEndpoints: WebhookEndpointRepository;
  webhookDeliveries: WebhookDeliveryRepository;
  webhookReplays: WebhookReplayRepository;
}

export function createServices(options: FunctionBaseOptions = {}): Services {
  const base = functionBase(options);
  const entities = repositories(base.store, {
    companies: CompanyRepository,
    contacts: ContactRepository,
    deals: DealRepository,
  });
  return {
    ...base,
    ...entities,
    ...repositories(base.store, {
      pipelines: PipelineRepository,
      customFields: CustomFieldRepository,
      leadRouting: LeadRoutingRepository,
      dealReasons: DealReasonsRepository,
      calendar: CompanyCalendarRepository,
      attachments: AttachmentRepository,
      emails: EmailRepository,
      emailReviews: EmailReviewRepository,
      duplicates: DuplicateRepository,
      imports: ImportJobRepository,
      exports: ExportJobRepository,
      activities: ActivityRepository,
      profiles: ProfileRepository,
      templates: TemplateRepository,
      projects: ProjectRepository,
      portal: PortalRepository,
      news: DeliveryNewsRepository,
      followups: FollowUpReader,
      dueList: DueListRepository,
      products: ProductRepository,
      lineItems: LineItemRepository,
      quotes: QuoteRepository,
      productTotals: ProductTotalsRepository,
      webhookEndpoints: WebhookEndpointRepository,
      webhookDeliveries: WebhookDeliveryRepository,
      webhookReplays: WebhookReplayRepository,
    }),
    segments: new SegmentRepository(base.store, entities),
  };
}
