import { functionBase, loadFileStore, repositories } from '../lib/function-base.js';
import { httpApi } from '../lib/http/http-handler.js';
import { CompanyRepository } from '../lib/table/entities/company.js';
import { ContactRepository } from '../lib/table/entities/contact.js';
import { CustomFieldRepository } from '../lib/table/entities/custom-fields.js';
import { DealRepository } from '../lib/table/entities/deal.js';
import { ProfileRepository } from '../lib/table/entities/profile.js';
import { SegmentRepository } from '../lib/table/entities/segment.js';
import { ExportJobRepository, ImportJobRepository } from '../lib/table/entities/transfer-jobs.js';
import { transferRoutes } from './routes/transfers.js';

// The transfer API function: asks for imports and exports and signs their links, over the
// repositories its routes use. The only API function that touches the bucket (its role may put
// uploads and get downloads).
const base = functionBase({ runningAs: 'TransferApi', files: loadFileStore });
const services = {
  ...base,
  ...repositories(base.store, {
    customFields: CustomFieldRepository,
    exports: ExportJobRepository,
    imports: ImportJobRepository,
    profiles: ProfileRepository,
  }),
  segments: new SegmentRepository(
    base.store,
    repositories(base.store, {
      companies: CompanyRepository,
      contacts: ContactRepository,
      deals: DealRepository,
    }),
  ),
};

export const handler = httpApi(transferRoutes(services), () => services);
