import type { Routes } from '../lib/http/route.js';
import type { Services } from '../lib/services.js';
import { crmRoutes } from './crm-routes.js';
import { customFieldRoutes } from './custom-field-routes.js';
import { duplicateRoutes } from './duplicate-routes.js';
import { followUpRoutes } from './followup-routes.js';
import { leadRoutingRoutes } from './lead-routing-routes.js';
import { metaRoutes } from './meta-routes.js';
import { segmentRoutes } from './segment-routes.js';
import { transferRoutes } from './transfer-routes.js';

/** Every route the CRM API function serves; the function, the stack and the tests all use this. */
export function crmApiRoutes(s: Services, openApi: () => unknown): Routes {
  return {
    ...crmRoutes(s),
    ...leadRoutingRoutes(s),
    ...customFieldRoutes(s),
    ...segmentRoutes(s),
    ...duplicateRoutes(s),
    ...transferRoutes(s),
    ...followUpRoutes(s),
    ...metaRoutes(openApi),
  };
}
