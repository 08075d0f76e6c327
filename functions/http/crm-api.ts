import openApi from '../../docs/openapi.json' with { type: 'json' };
import { httpApi } from '../lib/http/http-handler.js';
import { createServices } from '../lib/services.js';
import { crmRoutes } from './crm-routes.js';
import { metaRoutes } from './meta-routes.js';

// The CRM API function: its routes over services built once per instance.
const services = createServices();

export const handler = httpApi({ ...crmRoutes(services), ...metaRoutes(openApi) }, () => services);
