import { readFileSync } from 'node:fs';
import { httpApi } from '../lib/http/http-handler.js';
import { createServices } from '../lib/services.js';
import { crmApiRoutes } from './crm-api-routes.js';

// The CRM API function: its routes over services built once per instance.
const services = createServices();

const openApi = () => JSON.parse(readFileSync(new URL('./openapi.json', import.meta.url), 'utf8'));

export const handler = httpApi(crmApiRoutes(services, openApi), () => services);
