import { updateActivity as decide } from '../../../domain/crm/activity.commands.js';
import type { Activity, ActivityPatch } from '../../../domain/crm/activity.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/**
 * Changes an activity, marks it done or undone, reassigns a task; its author and a task's
 * assignee may, anyone else needs its deal (whose owner may change it).
 */
export function updateActivity(
  s: Pick<Services, 'activities' | 'deals' | 'profiles' | 'store'>,
  id: string,
  patch: ActivityPatch,
  { ctx, ifMatch }: CommandInput,
): Promise<Activity> {
  return versionedCommand({
    ifMatch,
    entity: 'activity',
    load: () => s.activities.require(id),
    run: async (current) => {
      const mine = current.ownerId === ctx.actor.userId || current.assigneeId === ctx.actor.userId;
      const deal = current.dealId && !mine ? await s.deals.get(current.dealId) : null;
      const { activity, events } = decide(current, patch, deal ?? null, ctx);
      const uow = s.activities.update(new UnitOfWork(), current, activity).events(events);
      if (activity.assigneeId && activity.assigneeId !== current.assigneeId)
        uow.add(...s.profiles.requireActive('assigneeId', activity.assigneeId, ctx.actor));
      await uow.commit(s.store);
      return activity;
    },
  });
}
