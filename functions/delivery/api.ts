import { httpApi } from '../lib/http/http-handler.js';
import { createServices } from '../lib/services.js';
import { deliveryRoutes } from './routes/index.js';

// The delivery API function: its routes over services built once per instance.
// the bucket's client is loaded only by a request that touches a file (an attachment)
const services = createServices({
  runningAs: 'DeliveryApi',
  files: () => import('../lib/files/file-store.js').then(({ FileStore }) => new FileStore()),
});

export const handler = httpApi(deliveryRoutes(services), () => services);
