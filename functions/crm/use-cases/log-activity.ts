import { logActivity as decide } from '../../../domain/crm/activity.commands.js';
import type { Activity, NewActivity } from '../../../domain/crm/activity.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';

/** Logs a call, email, meeting, task or note; a deal it names must exist (404). */
export async function logActivity(s: Services, body: NewActivity, { ctx }: CommandInput): Promise<Activity> {
  const deal = body.dealId ? await s.deals.require(body.dealId) : null;
  const { activity, events } = decide(body, deal, ctx);
  await s.activities.create(new UnitOfWork(), activity).events(events).commit(s.store);
  return activity;
}
