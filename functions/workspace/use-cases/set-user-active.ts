import { setUserActive as decide } from '../../../domain/people/profile.commands.js';
import type { Profile } from '../../../domain/people/profile.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** An admin deactivates someone who left (or brings them back); their open work waits for reassignment. */
export function setUserActive(
  s: Pick<Services, 'profiles' | 'store'>,
  userId: string,
  active: boolean,
  { ctx, ifMatch }: CommandInput,
): Promise<Profile> {
  return versionedCommand({
    ifMatch,
    entity: 'user',
    id: userId,
    load: () => s.profiles.require(userId),
    run: async (current) => {
      const { profile, events } = decide(current, active, ctx);
      if (events.length)
        await s.profiles.update(new UnitOfWork(), current, profile).events(events).commit(s.store);
      return profile;
    },
  });
}
