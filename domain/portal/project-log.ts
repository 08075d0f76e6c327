import type { CommandContext } from '../shared/context.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';

// The project's timeline of what passed between delivery and the customer through the portal:
// a link shared or revoked, the customer's first look in each session, their decisions and
// their comments. Customer actions are recorded as the contact (`by`: `contact:<id>`), never as
// a user. Staff read it on the project (GET /projects/{id}/timeline) and the deal.

export const PROJECT_LOG_KINDS = [
  'portal-link-created',
  'portal-link-revoked',
  'portal-viewed',
  'approval-decided',
  'milestone-commented',
] as const;

export const ProjectLogEntry = z
  .object(() => ({
    id: z.string(),
    projectId: z.string(),
    at: Instant,
    kind: z.enum(PROJECT_LOG_KINDS),
    /** The contact of the customer it concerns. */
    contactId: z.string(),
    contactName: z.string(),
    by: z.string().describe('who did it: a user id, or `contact:<contactId>` for the customer'),
    taskId: z.string().optional(),
    taskTitle: z.string().optional(),
    decision: z.enum(['approved', 'rejected']).optional(),
    comment: z.string().optional(),
  }))
  .register(z.globalRegistry, { id: 'ProjectLogEntry' });
export type ProjectLogEntry = z.infer<typeof ProjectLogEntry>;

export function projectLogEntry(
  ctx: CommandContext,
  projectId: string,
  kind: ProjectLogEntry['kind'],
  fields: Omit<ProjectLogEntry, 'id' | 'projectId' | 'at' | 'kind' | 'by'>,
): ProjectLogEntry {
  return { id: ctx.newEventId(), projectId, at: ctx.now, kind, by: ctx.actor.userId, ...fields };
}
