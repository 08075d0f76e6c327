import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { config } from './config.js';
import type { FileStore } from './files/file-store.js';
import { CursorCodec } from './http/cursor.js';
import { IdempotentExecutor } from './http/idempotency.js';
import type { Mailer } from './mail/mailer.js';
import { tracer } from './observability.js';
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
import type { TableFunction } from './table/pattern.js';
import { Store } from './table/store.js';

// What a function instance builds once, at cold start, and reuses for every invocation. The
// SDK finds its endpoint the standard way (AWS_ENDPOINT_URL_DYNAMODB on the local runtime), so
// nothing here knows whether it runs in AWS or on a laptop.

export interface Services {
  client: DynamoDBClient;
  store: Store;
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
  /** The bucket's files: the functions that handle files (transfers, attachments) load them on first use. */
  files(): Promise<FileStore>;
  /** SES, for the mail people send from the console (loaded on the first send). */
  mailer(): Promise<Mailer>;
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
  cursors: CursorCodec;
  idempotency: IdempotentExecutor;
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
  settings: {
    handoffGraceMinutes: number;
    /** Where webhooks may point, and how far back a replay reaches. */
    webhooks: { allowLoopback: boolean; archiveRetentionDays: number };
  };
}

export function createServices(
  options: {
    client?: DynamoDBClient;
    tableName?: string;
    files?: FileStore | (() => Promise<FileStore>);
    mailer?: () => Promise<Mailer>;
    /** The deployed function these services run in: its declared access patterns are all it may use. */
    runningAs?: TableFunction;
  } = {},
): Services {
  let files: Promise<FileStore> | undefined;
  let mailer: Promise<Mailer> | undefined;
  const client = options.client ?? tracer.captureAWSv3Client(new DynamoDBClient({}));
  const tableName = options.tableName ?? config.tableName();
  const store = new Store(client, tableName, options.runningAs);
  const companies = new CompanyRepository(store);
  const contacts = new ContactRepository(store);
  const deals = new DealRepository(store);
  return {
    client,
    store,
    companies,
    contacts,
    pipelines: new PipelineRepository(store),
    deals,
    customFields: new CustomFieldRepository(store),
    leadRouting: new LeadRoutingRepository(store),
    dealReasons: new DealReasonsRepository(store),
    calendar: new CompanyCalendarRepository(store),
    attachments: new AttachmentRepository(store),
    emails: new EmailRepository(store),
    emailReviews: new EmailReviewRepository(store),
    segments: new SegmentRepository(store, { companies, contacts, deals }),
    duplicates: new DuplicateRepository(store),
    imports: new ImportJobRepository(store),
    exports: new ExportJobRepository(store),
    files: () => {
      const given = options.files;
      files ??=
        given === undefined
          ? Promise.reject(new Error('this function has no file store'))
          : typeof given === 'function'
            ? given()
            : Promise.resolve(given);
      return files;
    },
    mailer: () => {
      mailer ??= options.mailer ? options.mailer() : import('./mail/mailer.js').then((m) => m.sesMailer());
      return mailer;
    },
    activities: new ActivityRepository(store),
    profiles: new ProfileRepository(store),
    templates: new TemplateRepository(store),
    projects: new ProjectRepository(store),
    portal: new PortalRepository(store),
    news: new DeliveryNewsRepository(store),
    followups: new FollowUpReader(store),
    dueList: new DueListRepository(store),
    cursors: new CursorCodec(store),
    idempotency: new IdempotentExecutor(client, tableName),
    products: new ProductRepository(store),
    lineItems: new LineItemRepository(store),
    quotes: new QuoteRepository(store),
    productTotals: new ProductTotalsRepository(store),
    webhookEndpoints: new WebhookEndpointRepository(store),
    webhookDeliveries: new WebhookDeliveryRepository(store),
    webhookReplays: new WebhookReplayRepository(store),
    settings: {
      handoffGraceMinutes: config.handoffGraceMinutes(),
      webhooks: {
        allowLoopback: config.webhookAllowLoopback(),
        archiveRetentionDays: config.archiveRetentionDays(),
      },
    },
  };
}
