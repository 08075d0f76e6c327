import { setLeadRouting as decide } from '../../../domain/crm/lead-routing.commands.js';
import { type LeadRouting, type LeadRoutingInput, ownersOf } from '../../../domain/crm/lead-routing.js';
import { ValidationFailed } from '../../../domain/shared/errors.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** A rule list names at most this many distinct owners (each is checked in the transaction). */
const MAX_OWNERS = 90;

/** Replaces the lead-routing rules; every owner they name must be a known, active user at commit. */
export function setLeadRouting(
  s: Pick<Services, 'leadRouting' | 'profiles' | 'store'>,
  body: LeadRoutingInput,
  { ctx, ifMatch }: CommandInput,
): Promise<LeadRouting> {
  const owners = [...new Set(body.rules.flatMap(ownersOf))];
  if (owners.length > MAX_OWNERS) {
    throw new ValidationFailed([
      { path: 'rules', message: `name at most ${MAX_OWNERS} different owners, not ${owners.length}` },
    ]);
  }
  return versionedCommand({
    ifMatch,
    entity: 'lead routing',
    id: 'lead-routing',
    load: () => s.leadRouting.get(),
    run: async (current) => {
      const { routing, events } = decide(current, body, ctx);
      const uow = s.leadRouting.save(new UnitOfWork(), current, routing).events(events);
      const checked = new Set<string>();
      for (const [i, rule] of body.rules.entries()) {
        for (const owner of ownersOf(rule)) {
          if (checked.has(owner)) continue;
          checked.add(owner);
          uow.add(...s.profiles.requireActive(`rules.${i}.assign`, owner, ctx.actor));
        }
      }
      await uow.commit(s.store);
      return routing;
    },
  });
}
