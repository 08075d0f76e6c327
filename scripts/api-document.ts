import { API_FUNCTIONS } from '../functions/api/functions.js';
import type { Routes } from '../functions/lib/http/route.js';
import { openApiDocument } from './openapi.js';

// Every route of every API function, for the one OpenAPI document.

export const apiVersion = '0.1.0';

export function allRoutes(): Routes {
  return Object.assign({}, ...API_FUNCTIONS.map((f) => f.routes()));
}

export function renderOpenApi(routes: Routes, version: string): string {
  return `${JSON.stringify(openApiDocument(routes, version), null, 2)}\n`;
}
