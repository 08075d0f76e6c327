import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { requiredEnv } from './env.js';
import { FollowUpReader } from './followup/reader.js';
import { CursorCodec } from './http/cursor.js';
import { IdempotentExecutor } from './http/idempotency.js';
import { ActivityRepository } from './table/repositories/activities.js';
import { CompanyRepository } from './table/repositories/companies.js';
import { ContactRepository } from './table/repositories/contacts.js';
import { CustomFieldRepository } from './table/repositories/custom-fields.js';
import { DealRepository } from './table/repositories/deals.js';
import { DuplicateRepository } from './table/repositories/duplicates.js';
import { LeadRoutingRepository } from './table/repositories/lead-routing.js';
import { PipelineRepository } from './table/repositories/pipelines.js';
import { ProfileRepository } from './table/repositories/profiles.js';
import { ProjectRepository } from './table/repositories/projects.js';
import { SegmentRepository } from './table/repositories/segments.js';
import { TemplateRepository } from './table/repositories/templates.js';
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
  segments: SegmentRepository;
  duplicates: DuplicateRepository;
  activities: ActivityRepository;
  profiles: ProfileRepository;
  templates: TemplateRepository;
  projects: ProjectRepository;
  followups: FollowUpReader;
  cursors: CursorCodec;
  idempotency: IdempotentExecutor;
  settings: { handoffGraceMinutes: number };
}

export function createServices(options: { client?: DynamoDBClient; tableName?: string } = {}): Services {
  const client = options.client ?? new DynamoDBClient({});
  const tableName = options.tableName ?? requiredEnv('TABLE_NAME');
  const store = new Store(client, tableName);
  const services: Services = {
    client,
    store,
    companies: new CompanyRepository(store),
    contacts: new ContactRepository(store),
    pipelines: new PipelineRepository(store),
    deals: new DealRepository(store),
    customFields: new CustomFieldRepository(store),
    leadRouting: new LeadRoutingRepository(store),
    segments: undefined as unknown as SegmentRepository,
    duplicates: new DuplicateRepository(store),
    activities: new ActivityRepository(store),
    profiles: new ProfileRepository(store),
    templates: new TemplateRepository(store),
    projects: new ProjectRepository(store),
    followups: new FollowUpReader(store),
    cursors: new CursorCodec(store),
    idempotency: new IdempotentExecutor(client, tableName),
    settings: { handoffGraceMinutes: Number(process.env.HANDOFF_GRACE_MINUTES ?? 15) },
  };
  services.segments = new SegmentRepository(store, services);
  return services;
}
