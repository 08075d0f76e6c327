import type { Task } from '../../../domain/delivery/project.js';
import { emit } from '../../../domain/events.js';
import { deliveryNewsOf } from '../../../domain/followup/delivery-news.js';
import {
  type CustomerDecision,
  decideCustomerApproval as decide,
  type PortalViewer,
} from '../../../domain/portal/customer-actions.js';
import type { CommandContext } from '../../../domain/shared/context.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/**
 * The customer decides an approval assigned to them (POST /portal/approvals/{taskId}): the
 * session's project only, through the same decision and write as an approval in the console,
 * with its entry on the project's timeline in the same transaction.
 */
export function decideCustomerApproval(
  s: Pick<Services, 'projects' | 'portal' | 'news'>,
  viewer: PortalViewer,
  taskId: string,
  body: CustomerDecision,
  ctx: CommandContext,
): Promise<Task> {
  return versionedCommand({
    ifMatch: undefined,
    entity: 'task',
    load: () => s.projects.load(viewer.projectId),
    target: (loaded) => loaded.project,
    run: async (loaded) => {
      const decision = decide(loaded.project, loaded.tasks, viewer, taskId, body, ctx);
      await s.projects.apply(loaded, decision, {
        extra: [
          ...s.portal.log(new UnitOfWork(), decision.log).writes,
          // the customer's decision is news for the rep who sold it and the delivery owner
          ...s.news.writes(deliveryNewsOf(decision.events, loaded.project.name, ctx.actor.userId)),
        ],
        now: ctx.now,
        cascade: () =>
          emit(ctx, 'ProjectRescheduleRequested', {
            projectId: loaded.project.id,
            cause: { kind: 'task-changed', taskId },
          }),
      });
      return decision.changed.find((t) => t.id === taskId)!;
    },
  });
}
