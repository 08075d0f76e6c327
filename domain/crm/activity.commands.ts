import { type DomainEvent, emit } from '../events.js';
import { type CommandContext, hasRole } from '../shared/context.js';
import { Forbidden, ValidationFailed } from '../shared/errors.js';
import { applyPatch } from '../shared/patch.js';
import type { Activity, ActivityPatch, NewActivity } from './activity.js';
import type { Contact } from './contact.js';
import { assertMayChangeDeal, type Deal } from './deal.js';

type Decision = { activity: Activity; events: DomainEvent[] };

function assertMayLog(ctx: CommandContext, deal: Deal | null): void {
  if (!hasRole(ctx.actor, 'admin', 'manager', 'sales')) {
    throw new Forbidden('your role may read activities but not log them');
  }
  if (deal) assertMayChangeDeal(ctx.actor, deal);
}

/**
 * A note is done when written; anything else is done when said so. An activity on a deal is on
 * the deal's timeline, its contact's (the deal's primary contact unless another is named) and its
 * company's (the deal's, else the contact's): `contact` is the named contact, when there is one.
 */
export function logActivity(
  input: NewActivity,
  deal: Deal | null,
  ctx: CommandContext,
  contact: Pick<Contact, 'companyId'> | null = null,
): Decision {
  assertMayLog(ctx, deal);
  const done = input.type === 'note' ? true : (input.done ?? false);
  const contactId = input.contactId ?? deal?.contactId;
  const companyId = deal?.companyId ?? contact?.companyId;
  const activity: Activity = {
    id: ctx.newId('activity'),
    ...input,
    ...(contactId ? { contactId } : {}),
    ...(companyId ? { companyId } : {}),
    ownerId: ctx.actor.userId,
    ...(input.type === 'task' ? { assigneeId: input.assigneeId ?? ctx.actor.userId } : {}),
    done,
    ...(done ? { doneAt: ctx.now } : {}),
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
  };
  const events = [emit(ctx, 'ActivityLogged', { activity })];
  if (done && input.type !== 'note') events.push(emit(ctx, 'ActivityCompleted', { activity }));
  return { activity, events };
}

/** Its author and a task's assignee change it; anyone else needs to be allowed to change its deal. */
function assertMayChange(current: Activity, deal: Deal | null, ctx: CommandContext, what: string): void {
  const mine = current.ownerId === ctx.actor.userId || current.assigneeId === ctx.actor.userId;
  if (!mine) assertMayLog(ctx, deal);
  else if (!hasRole(ctx.actor, 'admin', 'manager', 'sales'))
    throw new Forbidden(`your role may not ${what} activities`);
}

export function updateActivity(
  current: Activity,
  patch: ActivityPatch,
  deal: Deal | null,
  ctx: CommandContext,
): Decision {
  assertMayChange(current, deal, ctx, 'change');
  if (patch.assigneeId !== undefined && current.type !== 'task')
    throw new ValidationFailed([{ path: 'assigneeId', message: 'only a task is assigned (type: task)' }]);
  if (current.type === 'task' && patch.dueAt === null)
    throw new ValidationFailed([{ path: 'dueAt', message: 'a task keeps a due time; change it instead' }]);
  const { next, changed } = applyPatch(current, patch);
  if (changed.length === 0) return { activity: current, events: [] };
  const completing = !current.done && next.done;
  const activity: Activity = {
    ...next,
    ...(completing ? { doneAt: ctx.now } : {}),
    updatedAt: ctx.now,
    version: current.version + 1,
  };
  if (!activity.done) delete activity.doneAt;
  return {
    activity,
    events: [
      completing
        ? emit(ctx, 'ActivityCompleted', { activity })
        : emit(ctx, 'ActivityUpdated', { activity, changed }),
    ],
  };
}

/**
 * Deletes an activity: its author, a task's assignee, or a manager (sales may delete on the
 * deals they own). A deleted activity leaves every timeline it was on.
 */
export function deleteActivity(current: Activity, deal: Deal | null, ctx: CommandContext): DomainEvent[] {
  const mine = current.ownerId === ctx.actor.userId || current.assigneeId === ctx.actor.userId;
  if (!mine && !hasRole(ctx.actor, 'admin', 'manager')) {
    if (!deal) throw new Forbidden('only its author, its assignee or a manager deletes an activity');
    assertMayLog(ctx, deal);
  }
  return [emit(ctx, 'ActivityDeleted', { activityId: current.id, activity: current })];
}

/** An activity whose deal an admin deleted: it stays on its contact's and company's timelines. */
export function detachActivityFromDeal(current: Activity, ctx: CommandContext): Decision {
  if (current.dealId === undefined) return { activity: current, events: [] };
  const { dealId: _, ...rest } = current;
  const activity: Activity = { ...rest, updatedAt: ctx.now, version: current.version + 1 };
  return { activity, events: [emit(ctx, 'ActivityUpdated', { activity, changed: ['dealId'] })] };
}
