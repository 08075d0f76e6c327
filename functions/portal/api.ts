import { createServices } from '../lib/services.js';
import { portalHttpApi } from './portal-api.js';

// The customer portal's API function (docs/architecture.md, decision 17): the /portal/* routes,
// outside the JWT authorizer. It checks each request's portal session itself, on every request,
// so a revoked link stops its sessions at once; its role reads the project and writes only what a
// customer may (docs/data-model.md: the patterns naming PortalApi).
// the bucket's client is loaded only to sign a shared file's download link
const services = createServices({
  runningAs: 'PortalApi',
  files: () => import('../lib/files/file-store.js').then(({ FileStore }) => new FileStore()),
});

export const handler = portalHttpApi(services);
