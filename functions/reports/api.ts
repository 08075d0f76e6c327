import { httpApi } from '../lib/http/http-handler.js';
import { createServices } from '../lib/services.js';
import { reportRoutes } from './routes/reports.js';

// The reports API function: read-only routes over services built once per instance. It does not
// record callers' profiles (the other API functions do): its role may read the table, never write it.
const services = createServices({ runningAs: 'ReportsApi' });

export const handler = httpApi(reportRoutes(services), () => ({
  cursors: services.cursors,
  idempotency: services.idempotency,
}));
