import { crmAttachmentRoutes } from '../../attachments/routes.js';
import { emailRoutes } from '../../email/routes.js';
import { followUpRoutes } from '../../followup/routes/followups.js';
import type { Routes } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { activityRoutes } from './activities.js';
import { companyRoutes } from './companies.js';
import { contactRoutes } from './contacts.js';
import { dealRoutes } from './deals.js';
import { duplicateRoutes } from './duplicates.js';
import { lineItemRoutes } from './line-items.js';
import { pipelineRoutes } from './pipelines.js';
import { productRoutes } from './products.js';
import { quoteRoutes } from './quotes.js';
import { searchRoutes } from './search.js';
import { segmentRoutes } from './segments.js';

// Every route the CRM API function serves: the CRM's records, the follow-ups (which read the
// same deals through the due index), and attachments (theirs, and any attachment by id).

export function crmRoutes(
  s: Pick<
    Services,
    | 'activities'
    | 'attachments'
    | 'companies'
    | 'contacts'
    | 'customFields'
    | 'dealReasons'
    | 'deals'
    | 'dueList'
    | 'duplicates'
    | 'emailReviews'
    | 'emails'
    | 'files'
    | 'followups'
    | 'leadRouting'
    | 'lineItems'
    | 'mailer'
    | 'pipelines'
    | 'productTotals'
    | 'products'
    | 'profiles'
    | 'projects'
    | 'quotes'
    | 'segments'
    | 'settings'
    | 'store'
    | 'webhookEndpoints'
  >,
): Routes {
  return {
    ...companyRoutes(s),
    ...contactRoutes(s),
    ...pipelineRoutes(s),
    ...dealRoutes(s),
    ...productRoutes(s),
    ...lineItemRoutes(s),
    ...quoteRoutes(s),
    ...activityRoutes(s),
    ...duplicateRoutes(s),
    ...segmentRoutes(s),
    ...searchRoutes(s),
    ...followUpRoutes(s),
    ...crmAttachmentRoutes(s),
    ...emailRoutes(s),
  };
}
