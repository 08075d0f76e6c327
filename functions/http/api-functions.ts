import type { Routes } from '../lib/http/route.js';
import type { Services } from '../lib/services.js';
import { crmApiRoutes } from './crm-api-routes.js';
import { deliveryRoutes } from './delivery-routes.js';

import { reportRoutes } from './report-routes.js';

// The HTTP API's functions and the routes each serves. The CDK stack makes one gateway route
// per entry here, and the OpenAPI document covers the same routes: one list, no drift.

export interface ApiFunction {
  /** Construct id, and the function's name in logs. */
  name: string;
  /** Entry file relative to the repository root. */
  entry: string;
  description: string;
  /** Files shipped beside the bundle (relative to the repository root). */
  assets?: string[];
  routes(): Routes;
}

const none = undefined as unknown as Services;

export const API_FUNCTIONS: ApiFunction[] = [
  {
    name: 'CrmApi',
    entry: 'functions/http/crm-api.ts',
    description: 'CRM routes: companies, contacts, pipelines, deals, activities; health and OpenAPI',
    assets: ['docs/openapi.json'],
    routes: () => crmApiRoutes(none, () => undefined),
  },
  {
    name: 'DeliveryApi',
    entry: 'functions/http/delivery-api.ts',
    description: 'Delivery routes: templates, projects, tasks, dependencies, schedule, approvals, time',
    routes: () => deliveryRoutes(none),
  },
  {
    name: 'ReportsApi',
    entry: 'functions/http/reports-api.ts',
    description: 'Report routes: pipeline, forecast, conversion, lead sources, stalled deals (read-only)',
    routes: () => reportRoutes(none),
  },
];
