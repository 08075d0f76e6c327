import { httpApi } from '../lib/http/http-handler.js';
import { createServices } from '../lib/services.js';
import { deliveryRoutes } from './routes/index.js';

// The delivery API function: its routes over services built once per instance.
const services = createServices();

export const handler = httpApi(deliveryRoutes(services), () => services);
