import { updateActivity as decide } from '../../../domain/crm/activity.commands.js';
import type { Activity, ActivityPatch } from '../../../domain/crm/activity.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Changes an activity or marks it done; someone else's needs its deal, whose owner may change it. */
export function updateActivity(
  s: Services,
  id: string,
  patch: ActivityPatch,
  { ctx, ifMatch }: CommandInput,
): Promise<Activity> {
  return versionedCommand({
    ifMatch,
    entity: 'activity',
    load: () => s.activities.require(id),
    run: async (current) => {
      const deal =
        current.dealId && current.ownerId !== ctx.actor.userId ? await s.deals.get(current.dealId) : null;
      const { activity, events } = decide(current, patch, deal ?? null, ctx);
      await s.activities.update(new UnitOfWork(), current, activity).events(events).commit(s.store);
      return activity;
    },
  });
}
