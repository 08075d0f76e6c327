import type { Deal } from '../../../domain/crm/deal.js';
import { isSnoozed } from '../../../domain/followup/followups.js';
import type { Instant } from '../../../domain/shared/time.js';
import type { Services } from '../../lib/services.js';

/** Open deals whose next action is past due (from the due index), not snoozed, soonest due first. */
export async function overdueDeals(
  s: Pick<Services, 'followups'>,
  now: Instant,
  ownerId?: string,
): Promise<Deal[]> {
  const { items } = await s.followups.dueBy(now);
  return items.deals
    .filter((d) => d.status === 'open' && d.nextAction && !isSnoozed(d, now))
    .filter((d) => !ownerId || d.ownerId === ownerId)
    .sort((a, b) => a.nextAction!.dueAt.localeCompare(b.nextAction!.dueAt) || a.id.localeCompare(b.id));
}
