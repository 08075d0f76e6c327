import { readFileSync } from 'node:fs';
import { functionBase, repositories } from '../lib/function-base.js';
import { httpApi } from '../lib/http/http-handler.js';
import { CompanyCalendarRepository } from '../lib/table/entities/company-calendar.js';
import { CustomFieldRepository } from '../lib/table/entities/custom-fields.js';
import { DealReasonsRepository } from '../lib/table/entities/deal-reasons.js';
import { LeadRoutingRepository } from '../lib/table/entities/lead-routing.js';
import { ProfileRepository } from '../lib/table/entities/profile.js';
import { WebhookDeliveryRepository } from '../lib/table/entities/webhook-delivery.js';
import { WebhookEndpointRepository } from '../lib/table/entities/webhook-endpoint.js';
import { WebhookReplayRepository } from '../lib/table/entities/webhook-replay.js';
import { workspaceRoutes } from './routes/index.js';

// The workspace API function: its routes over the repositories they use, built once per
// instance. The OpenAPI document ships beside the bundle and is read on its first request.
const base = functionBase({ runningAs: 'WorkspaceApi' });
const services = {
  ...base,
  ...repositories(base.store, {
    calendar: CompanyCalendarRepository,
    customFields: CustomFieldRepository,
    dealReasons: DealReasonsRepository,
    leadRouting: LeadRoutingRepository,
    profiles: ProfileRepository,
    webhookDeliveries: WebhookDeliveryRepository,
    webhookEndpoints: WebhookEndpointRepository,
    webhookReplays: WebhookReplayRepository,
  }),
};

const openApi = () => JSON.parse(readFileSync(new URL('./openapi.json', import.meta.url), 'utf8'));

export const handler = httpApi(workspaceRoutes(services, openApi), () => services);
