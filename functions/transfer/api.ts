import { httpApi } from '../lib/http/http-handler.js';
import { transferRoutes } from './routes/transfers.js';
import { transferServices } from './services.js';

// The transfer API function: asks for imports and exports and signs their links. The only API
// function that touches the bucket (its role may put uploads and get downloads).
const services = transferServices('TransferApi');

export const handler = httpApi(transferRoutes(services), () => services);
