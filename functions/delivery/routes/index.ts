import { deliveryAttachmentRoutes } from '../../attachments/routes.js';
import type { Routes } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { portalLinkRoutes } from '../../portal/routes/links.js';
import { projectRoutes } from './projects.js';
import { taskRoutes } from './tasks.js';
import { templateRoutes } from './templates.js';
import { timeEntryRoutes } from './time-entries.js';

// Every route the delivery API function serves: kickoff templates, projects planned from them,
// tasks with real dependencies and a schedule, approvals, time and budget. Delivery and managers
// write, sales read, admins do everything (the domain checks the finer rules).

export function deliveryRoutes(
  s: Pick<
    Services,
    | 'attachments'
    | 'calendar'
    | 'companies'
    | 'contacts'
    | 'deals'
    | 'files'
    | 'news'
    | 'portal'
    | 'profiles'
    | 'projects'
    | 'store'
    | 'templates'
  >,
): Routes {
  return {
    ...templateRoutes(s),
    ...projectRoutes(s),
    ...taskRoutes(s),
    ...timeEntryRoutes(s),
    ...deliveryAttachmentRoutes(s),
    ...portalLinkRoutes(s),
  };
}
