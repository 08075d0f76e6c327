import { readFileSync } from 'node:fs';
import { httpApi } from '../lib/http/http-handler.js';
import { createServices } from '../lib/services.js';
import { workspaceRoutes } from './routes/index.js';

// The workspace API function: its routes over services built once per instance. The OpenAPI
// document ships beside the bundle and is read on its first request.
const services = createServices({ runningAs: 'WorkspaceApi' });

const openApi = () => JSON.parse(readFileSync(new URL('./openapi.json', import.meta.url), 'utf8'));

export const handler = httpApi(workspaceRoutes(services, openApi), () => services);
