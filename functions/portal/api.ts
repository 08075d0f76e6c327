import { functionBase, loadFileStore, repositories } from '../lib/function-base.js';
import { AttachmentRepository } from '../lib/table/entities/attachment.js';
import { DeliveryNewsRepository } from '../lib/table/entities/delivery-news.js';
import { PortalRepository } from '../lib/table/entities/portal.js';
import { ProjectRepository } from '../lib/table/entities/project.js';
import { portalHttpApi } from './portal-api.js';

// The customer portal's API function (docs/architecture.md, decision 18): the /portal/* routes,
// outside the JWT authorizer. It checks each request's portal session itself, on every request,
// so a revoked link stops its sessions at once; its role reads the project and writes only what a
// customer may (docs/data-model.md: the patterns naming PortalApi).
// the bucket's client is loaded only to sign a shared file's download link
const base = functionBase({ runningAs: 'PortalApi', files: loadFileStore });
const services = {
  ...base,
  ...repositories(base.store, {
    attachments: AttachmentRepository,
    news: DeliveryNewsRepository,
    portal: PortalRepository,
    projects: ProjectRepository,
  }),
};

export const handler = portalHttpApi(services);
