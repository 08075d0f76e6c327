import { updateProfile as decide } from '../../../domain/people/profile.commands.js';
import type { Profile, ProfilePatch } from '../../../domain/people/profile.js';
import type * as z from '../../../domain/shared/zod.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Changes the caller's own profile (made from their token on first use). */
export async function updateProfile(
  s: Pick<Services, 'profiles' | 'store'>,
  patch: z.output<typeof ProfilePatch>,
  { ctx, ifMatch }: CommandInput,
): Promise<Profile> {
  await s.profiles.ensure(ctx.actor, ctx.now);
  return versionedCommand({
    ifMatch,
    entity: 'profile',
    load: () => s.profiles.require(ctx.actor.userId),
    run: async (current) => {
      const { profile, events } = decide(current, patch, ctx);
      if (events.length)
        await s.profiles.update(new UnitOfWork(), current, profile).events(events).commit(s.store);
      return profile;
    },
  });
}
