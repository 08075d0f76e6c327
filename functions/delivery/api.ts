import { functionBase, loadFileStore, repositories } from '../lib/function-base.js';
import { httpApi } from '../lib/http/http-handler.js';
import { AttachmentRepository } from '../lib/table/entities/attachment.js';
import { CompanyRepository } from '../lib/table/entities/company.js';
import { CompanyCalendarRepository } from '../lib/table/entities/company-calendar.js';
import { ContactRepository } from '../lib/table/entities/contact.js';
import { CustomFieldRepository } from '../lib/table/entities/custom-fields.js';
import { DealRepository } from '../lib/table/entities/deal.js';
import { DeliveryNewsRepository } from '../lib/table/entities/delivery-news.js';
import { PortalRepository } from '../lib/table/entities/portal.js';
import { ProfileRepository } from '../lib/table/entities/profile.js';
import { ProjectRepository } from '../lib/table/entities/project.js';
import { TemplateRepository } from '../lib/table/entities/template.js';
import { deliveryRoutes } from './routes/index.js';

// The delivery API function: its routes over the repositories they use, built once per instance.
// the bucket's client is loaded only by a request that touches a file (an attachment)
const base = functionBase({ runningAs: 'DeliveryApi', files: loadFileStore });
const services = {
  ...base,
  ...repositories(base.store, {
    attachments: AttachmentRepository,
    calendar: CompanyCalendarRepository,
    companies: CompanyRepository,
    contacts: ContactRepository,
    customFields: CustomFieldRepository,
    deals: DealRepository,
    news: DeliveryNewsRepository,
    portal: PortalRepository,
    profiles: ProfileRepository,
    projects: ProjectRepository,
    templates: TemplateRepository,
  }),
};

export const handler = httpApi(deliveryRoutes(services), () => services);
