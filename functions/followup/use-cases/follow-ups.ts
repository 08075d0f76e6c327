import { byLateness, disabledWebhookEndpoint, type FollowUp } from '../../../domain/followup/followups.js';
import { type Actor, hasRole } from '../../../domain/shared/context.js';
import { Forbidden } from '../../../domain/shared/errors.js';
import type { Instant } from '../../../domain/shared/time.js';
import type { Services } from '../../lib/services.js';

export interface FollowUpQuery {
  /** Whose follow-ups (default: the caller's); anyone else's is for managers and admins. */
  ownerId?: string | undefined;
  /** Everyone's (managers and admins). */
  team: boolean;
  kind?: FollowUp['kind'] | undefined;
}

/**
 * What is late (overdue next actions and tasks, stalled deals, missing handoffs, projects whose
 * promise is at risk; for managers, a deactivated person's open deals and tasks to reassign; for
 * admins, the webhook endpoints Handoff stopped sending to), most late first.
 */
export async function followUps(
  s: Pick<Services, 'followups' | 'settings' | 'webhookEndpoints'>,
  actor: Actor,
  now: Instant,
  query: FollowUpQuery,
): Promise<FollowUp[]> {
  const ownerId = query.ownerId ?? actor.userId;
  if ((query.team || ownerId !== actor.userId) && !hasRole(actor, 'admin', 'manager')) {
    throw new Forbidden("only managers and admins see other people's follow-ups");
  }
  const manager = hasRole(actor, 'admin', 'manager');
  // a webhook endpoint Handoff stopped sending to is every admin's to fix, in their own list
  const webhooksFor =
    hasRole(actor, 'admin') && (query.team || ownerId === actor.userId) ? actor.userId : undefined;
  const [overdue, stalled, missing, atRisk, orphaned, endpoints] = await Promise.all([
    s.followups.overdue(now),
    s.followups.stalled(now),
    s.followups.missingHandoffs(now, s.settings.handoffGraceMinutes),
    s.followups.projectsAtRisk(now),
    // a deactivated person's open work is for the managers who reassign it
    manager ? s.followups.needsReassignment(now) : { items: [] },
    webhooksFor ? s.webhookEndpoints.list() : [],
  ]);
  const webhooks = endpoints.flatMap((e) => disabledWebhookEndpoint(e, webhooksFor!, now) ?? []);
  return [
    ...overdue.items,
    ...stalled.items,
    ...missing.items,
    ...atRisk.items,
    ...orphaned.items,
    ...webhooks,
  ]
    .filter((f) => query.team || f.ownerId === ownerId)
    .filter((f) => !query.kind || f.kind === query.kind)
    .sort(byLateness);
}
