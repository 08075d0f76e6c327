import { type DomainEvent, emit } from '../events.js';
import type { CommandContext } from '../shared/context.js';
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
