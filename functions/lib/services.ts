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
import { DuplicateRepository } from './table/entities/duplicates.js';
import { FollowUpReader } from './table/entities/follow-ups.js';
import { LeadRoutingRepository } from './table/entities/lead-routing.js';
import { LineItemRepository } from './table/entities/line-items.js';
import { PipelineRepository } from './table/entities/pipeline.js';
import { ProductRepository } from './table/entities/product.js';
import { ProductTotalsRepository } from './table/entities/product-totals.js';
import { ProfileRepository } from './table/entities/profile.js';
import { ProjectRepository } from './table/entities/project.js';
import { QuoteRepository } from './table/entities/quote.js';
import { SegmentRepository } from './table/entities/segment.js';
import { TemplateRepository } from './table/entities/template.js';
import { ExportJobRepository, ImportJobRepository } from './table/entities/transfer-jobs.js';
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
  /** The company calendar new projects are planned on. */
  calendar: CompanyCalendarRepository;
  segments: SegmentRepository;
  duplicates: DuplicateRepository;
  imports: ImportJobRepository;
  exports: ExportJobRepository;
  /** The bucket's files: the functions that handle files (transfers, attachments) load them on first use. */
  files(): Promise<FileStore>;
  activities: ActivityRepository;
  profiles: ProfileRepository;
  templates: TemplateRepository;
  projects: ProjectRepository;
  followups: FollowUpReader;
  cursors: CursorCodec;
  idempotency: IdempotentExecutor;
  settings: { handoffGraceMinutes: number };
  /** The mail the API sends (quotes), through SES; undefined when the deployment has no sender. */
  mailer(): Promise<Mailer | undefined>;
  /** The product catalog. */
  products: ProductRepository;
  /** A deal's line items (what it sells) and its quotes' bookkeeping. */
  lineItems: LineItemRepository;
  quotes: QuoteRepository;
  /** The product report's totals, kept on write. */
  productTotals: ProductTotalsRepository;
}

export function createServices(
  options: {
    client?: DynamoDBClient;
    tableName?: string;
    files?: FileStore | (() => Promise<FileStore>);
    mailer?: Mailer | (() => Promise<Mailer | undefined>);
    /** The deployed function these services run in: its declared access patterns are all it may use. */
    runningAs?: TableFunction;
  } = {},
): Services {
  let files: Promise<FileStore> | undefined;
  let mailer: Promise<Mailer | undefined> | undefined;
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
      const given = options.mailer;
      mailer ??= typeof given === 'function' ? given() : Promise.resolve(given);
      return mailer;
    },
    activities: new ActivityRepository(store),
    profiles: new ProfileRepository(store),
    templates: new TemplateRepository(store),
    projects: new ProjectRepository(store),
    followups: new FollowUpReader(store),
    cursors: new CursorCodec(store),
    idempotency: new IdempotentExecutor(client, tableName),
    settings: { handoffGraceMinutes: config.handoffGraceMinutes() },
    products: new ProductRepository(store),
    lineItems: new LineItemRepository(store),
    quotes: new QuoteRepository(store),
    productTotals: new ProductTotalsRepository(store),
  };
}
