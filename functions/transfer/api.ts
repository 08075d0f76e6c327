import { httpApi } from '../lib/http/http-handler.js';
import { createServices } from '../lib/services.js';
import { transferRoutes } from './routes/transfers.js';

// The transfer API function: asks for imports and exports and signs their links. The only API
// function that touches the bucket (its role may put uploads and get downloads).
const services = createServices();

export const handler = httpApi(transferRoutes(services), () => services);
