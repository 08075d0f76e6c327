import { crmRoutes } from '../crm/routes/index.js';
import { deliveryRoutes } from '../delivery/routes/index.js';
import type { Routes } from '../lib/http/route.js';
import { fontFilesToShip } from '../lib/pdf/font-files.js';
import type { Services } from '../lib/services.js';
import { portalRoutes } from '../portal/routes/portal.js';
import { reportRoutes } from '../reports/routes/reports.js';
import { transferRoutes } from '../transfer/routes/transfers.js';
import { workspaceRoutes } from '../workspace/routes/index.js';

// The HTTP API's functions, one per bounded context, and the routes each serves. The CDK stack
// makes one gateway route per entry here, and the OpenAPI document covers the same routes: one
// list, no drift. Why one function per context: docs/architecture.md, "One API, five functions".

export interface ApiFunction {
  /** Construct id, and the function's name in logs. */
  name: string;
  /** Entry file relative to the repository root. */
  entry: string;
  description: string;
  /** Files shipped beside the bundle (relative to the repository root). */
  assets?: string[];
  /** The routes, built over no services: for the stack and the document, never to be called. */
  routes(): Routes;
}

/** Route tables only describe themselves here: no handler runs, so no services are needed. */
const describeOnly = new Proxy({} as Services, {
  get: (_, name) => {
    throw new Error(`a route table built for its description used services.${String(name)}`);
  },
});

export const API_FUNCTIONS: ApiFunction[] = [
  {
    name: 'CrmApi',
    entry: 'functions/crm/api.ts',
    description:
      'CRM routes: companies, contacts, pipelines, deals, activities, segments, duplicates, follow-ups, products, quotes',
    // the fonts its quote PDFs embed
    assets: fontFilesToShip().map((file) => `node_modules/${file}`),
    routes: () => crmRoutes(describeOnly),
  },
  {
    name: 'WorkspaceApi',
    entry: 'functions/workspace/api.ts',
    description:
      'Workspace routes: custom fields, lead routing, your profile, the team, webhook endpoints; health and OpenAPI',
    assets: ['docs/openapi.json'],
    routes: () => workspaceRoutes(describeOnly, () => undefined),
  },
  {
    name: 'TransferApi',
    entry: 'functions/transfer/api.ts',
    description: 'CSV imports and exports: asks for them and signs their upload and download links',
    routes: () => transferRoutes(describeOnly),
  },
  {
    name: 'DeliveryApi',
    entry: 'functions/delivery/api.ts',
    description: 'Delivery routes: templates, projects, tasks, dependencies, schedule, approvals, time',
    routes: () => deliveryRoutes(describeOnly),
  },
  {
    name: 'ReportsApi',
    entry: 'functions/reports/api.ts',
    description: 'Report routes: pipeline, forecast, conversion, lead sources, stalled deals (read-only)',
    routes: () => reportRoutes(describeOnly),
  },
  {
    name: 'PortalApi',
    entry: 'functions/portal/api.ts',
    description:
      "The customer portal: a link's token exchanged for a session; the project as its customer sees it; their approvals",
    routes: () => portalRoutes(describeOnly),
  },
];
