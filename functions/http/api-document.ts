import { openApiDocument } from '../lib/http/openapi.js';
import type { Routes } from '../lib/http/route.js';
import type { Services } from '../lib/services.js';
import { crmRoutes } from './crm-routes.js';
import { metaRoutes } from './meta-routes.js';

// Every route of every API function, for the one OpenAPI document. Route tables only close
// over their services inside handlers, so building them without services is safe here.

export const apiVersion = '0.1.0';

export function allRoutes(): Routes {
  const none = undefined as unknown as Services;
  return { ...crmRoutes(none), ...metaRoutes(undefined) };
}

export function renderOpenApi(routes: Routes, version: string): string {
  return `${JSON.stringify(openApiDocument(routes, version), null, 2)}\n`;
}
