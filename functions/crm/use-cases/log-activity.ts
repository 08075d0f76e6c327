import { logActivity as decide } from '../../../domain/crm/activity.commands.js';
import type { Activity, NewActivity } from '../../../domain/crm/activity.js';
import { touchDeal } from '../../../domain/crm/deal.commands.js';
import { Gone } from '../../../domain/shared/errors.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { retryOnConflict } from '../../lib/versioned-command.js';

/**
 * Logs a call, email, meeting, task or note; a deal it names must exist (404). The deal and the
 * named contact are read (in parallel) for the timelines it lands on: the deal's, the contact's
 * and the company's, all written with the activity itself.
 */
export function logActivity(
  s: Pick<Services, 'activities' | 'contacts' | 'deals' | 'profiles' | 'store'>,
  body: NewActivity,
  { ctx }: CommandInput,
): Promise<Activity> {
  // the deal's last activity is written with the activity, at the version read: a lost race
  // with a change to the deal is decided again on the fresh deal
  return retryOnConflict(undefined, () => attempt(s, body, ctx));
}

async function attempt(
  s: Pick<Services, 'activities' | 'contacts' | 'deals' | 'profiles' | 'store'>,
  body: NewActivity,
  ctx: CommandInput['ctx'],
): Promise<Activity> {
  const [deal, contact] = await Promise.all([
    body.dealId ? s.deals.require(body.dealId) : null,
    // a missing or merged contact is refused by the write's condition, naming contactId
    body.contactId
      ? s.contacts.get(body.contactId).catch((error: unknown) => {
          if (error instanceof Gone) return undefined;
          throw error;
        })
      : undefined,
  ]);
  const { activity, events } = decide(body, deal, ctx, contact ?? null);
  const uow = s.activities.create(new UnitOfWork(), activity).events(events);
  if (activity.assigneeId) uow.add(...s.profiles.requireActive('assigneeId', activity.assigneeId, ctx.actor));
  if (deal) s.deals.update(uow, deal, touchDeal(deal, ctx.now));
  await uow.commit(s.store);
  return activity;
}
