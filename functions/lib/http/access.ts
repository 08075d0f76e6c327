import type { Role } from '../../../domain/shared/context.js';

// Who may call a route, named by what the roles allow. Routes name one of these; the domain
// checks the finer rules (a sales rep changes only their own deals, reassigning is for managers).

/** Everyone signed in: reading the CRM, delivery and reports is open to the whole team. */
export const canRead: readonly Role[] = ['admin', 'manager', 'sales', 'delivery'];
/** Changing companies, contacts, deals, activities, segments, imports and exports. */
export const canSell: readonly Role[] = ['admin', 'manager', 'sales'];
/** Changing templates, projects, tasks, approvals and time. */
export const canDeliver: readonly Role[] = ['admin', 'manager', 'delivery'];
/** Deleting and merging records, pipelines, custom fields, lead routing, reports. */
export const canManage: readonly Role[] = ['admin', 'manager'];
/** Changing the workspace's settings: custom field definitions, lead-routing rules. */
export const canAdminister: readonly Role[] = ['admin'];
