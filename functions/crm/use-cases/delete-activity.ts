import { deleteActivity as decide } from '../../../domain/crm/activity.commands.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Deletes an activity (its author, a task's assignee, a manager, or the owner of its deal). */
export function deleteActivity(
  s: Pick<Services, 'activities' | 'deals' | 'store'>,
  id: string,
  { ctx, ifMatch }: CommandInput,
): Promise<void> {
  return versionedCommand({
    ifMatch,
    entity: 'activity',
    load: () => s.activities.require(id),
    run: async (current) => {
      const deal = current.dealId ? await s.deals.get(current.dealId) : null;
      const events = decide(current, deal ?? null, ctx);
      await s.activities.remove(new UnitOfWork(), current).events(events).commit(s.store);
    },
  });
}
