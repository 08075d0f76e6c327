import { httpApi } from '../lib/http/http-handler.js';
import { createServices } from '../lib/services.js';
import { crmRoutes } from './routes/index.js';

// The CRM API function: its routes over services built once per instance.
const services = createServices();

export const handler = httpApi(crmRoutes(services), () => services);
