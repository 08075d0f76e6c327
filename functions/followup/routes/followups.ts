import { DueSummary } from '../../../domain/followup/due-list.js';
import { FollowUp, followUpId } from '../../../domain/followup/followups.js';
import { UserId } from '../../../domain/shared/ids.js';
import * as z from '../../../domain/shared/zod.js';
import { canRead } from '../../lib/http/access.js';
import { listQuery } from '../../lib/http/params.js';
import { ok, type Routes, route } from '../../lib/http/route.js';
import { sortedPage } from '../../lib/http/sorted-page.js';
import type { Services } from '../../lib/services.js';
import { dueSummary } from '../use-cases/due-summary.js';
import { followUps } from '../use-cases/follow-ups.js';

// Follow-up enforcement, on demand: what is late for a person (or, for managers, the whole
// team), most late first.

const Kind = z.enum([
  'overdue-next-action',
  'overdue-task',
  'overdue-activity',
  'stalled-deal',
  'missing-handoff',
  'project-at-risk',
  'needs-reassignment',
  'webhook-endpoint-disabled',
]);

export function followUpRoutes(
  s: Pick<Services, 'dueList' | 'followups' | 'settings' | 'webhookEndpoints'>,
): Routes {
  return {
    'GET /followups/summary': route({
      tag: 'Follow-ups',
      summary:
        'Yours at a glance: how many of your next actions and tasks are late and projects at risk, and what falls due next',
      description:
        "What the console's badge shows, read from your due list (two Queries of one partition, not the team's follow-ups): your open deals whose next action is past due and not snoozed, your late CRM tasks and project tasks (an unassigned task of a project you deliver counts for you), and the live projects you deliver, or that deliver a deal you own, whose promise is at risk, as GET /followups lists them for you; and the first of them to fall due after now, so a client sets one timer rather than polling. Kept with every change to those records, in its own transaction; a project stopped, resumed or handed over moves its tasks a moment later.",
      roles: canRead,
      response: { status: 200, schema: DueSummary },
      handle: async (req) => ok(await dueSummary(s, req.actor, req.ctx.now)),
    }),
    'GET /followups': route({
      tag: 'Follow-ups',
      summary:
        'What is late: overdue next actions, tasks and CRM tasks, stalled deals, won deals without a project, projects at risk, disabled webhook endpoints; most late first',
      description:
        "Yours by default: a project's late unassigned tasks and its promise at risk are its delivery owner's (the project's `ownerId`); the owner of the deal it delivers has the at-risk entry too (`role: deal-owner`). Managers and admins may ask for anyone (`ownerId`) or the whole team (`team=true`); they also see a deactivated person's open deals and tasks (`needs-reassignment`) until someone else owns them. Admins see the webhook endpoints Handoff stopped sending to (`webhook-endpoint-disabled`: failing for their whole retry window, or answering 410) until one is enabled again or deleted. Snoozed deals are left out until their snooze ends.",
      roles: canRead,
      query: listQuery({
        ownerId: UserId.optional(),
        team: z.enum(['true', 'false']).optional(),
        kind: Kind.optional(),
      }),
      response: { status: 200, schema: FollowUp, list: true },
      handle: async (req) => {
        const team = req.query.team === 'true';
        const all = await followUps(s, req.actor, req.ctx.now, { ...req.query, team });
        const scope = `${team ? '*' : (req.query.ownerId ?? req.actor.userId)}|${req.query.kind ?? ''}`;
        return sortedPage(req, scope, all, followUpId);
      },
    }),
  };
}
