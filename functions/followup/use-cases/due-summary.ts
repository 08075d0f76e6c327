import type { DueSummary } from '../../../domain/followup/due-list.js';
import type { Actor } from '../../../domain/shared/context.js';
import type { Instant } from '../../../domain/shared/time.js';
import type { Services } from '../../lib/services.js';

/** The caller's late next actions, tasks and projects at risk, and what falls due next: their due list. */
export function dueSummary(s: Pick<Services, 'dueList'>, actor: Actor, now: Instant): Promise<DueSummary> {
  return s.dueList.summary(actor.userId, now);
}
