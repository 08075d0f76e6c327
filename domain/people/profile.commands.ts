import { type DomainEvent, emit } from '../events.js';
import type { CommandContext } from '../shared/context.js';
import { Conflict } from '../shared/errors.js';
import { applyPatch } from '../shared/patch.js';
import type { Profile } from './profile.js';

export function updateProfile(
  current: Profile,
  patch: { name?: string | undefined; timeZone?: string | undefined },
  ctx: CommandContext,
): { profile: Profile; events: DomainEvent[] } {
  const { next, changed } = applyPatch(current, patch);
  if (changed.length === 0) return { profile: current, events: [] };
  const profile = { ...next, updatedAt: ctx.now, version: current.version + 1 };
  return { profile, events: [emit(ctx, 'ProfileUpdated', { profile, changed })] };
}

/**
 * Deactivates (or reactivates) a person. Their deals and tasks stay theirs until a manager
 * reassigns them (GET /followups lists them); no new deal, task or routing rule can name them.
 */
export function setUserActive(
  current: Profile,
  active: boolean,
  ctx: CommandContext,
): { profile: Profile; events: DomainEvent[] } {
  if (current.active === active) return { profile: current, events: [] };
  if (!active && current.id === ctx.actor.userId) throw new Conflict('you cannot deactivate yourself');
  const { deactivatedAt: _, ...rest } = current;
  const profile: Profile = {
    ...rest,
    active,
    ...(active ? {} : { deactivatedAt: ctx.now }),
    updatedAt: ctx.now,
    version: current.version + 1,
  };
  return { profile, events: [emit(ctx, 'ProfileUpdated', { profile, changed: ['active'] })] };
}
