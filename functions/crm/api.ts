import { httpApi } from '../lib/http/http-handler.js';
import { createServices } from '../lib/services.js';
import { crmRoutes } from './routes/index.js';

// The CRM API function: its routes over services built once per instance.
// the bucket's client is loaded only by a request that touches a file (an attachment)
const services = createServices({
  runningAs: 'CrmApi',
  files: () => import('../lib/files/file-store.js').then(({ FileStore }) => new FileStore()),
});

export const handler = httpApi(crmRoutes(services), () => services);
