import { setLeadRouting } from '../../domain/crm/lead-routing.commands.js';
import { LeadRouting, LeadRoutingInput, ownersOf } from '../../domain/crm/lead-routing.js';
import type { Role } from '../../domain/shared/context.js';
import { ValidationFailed } from '../../domain/shared/errors.js';
import { expectVersion, mutate } from '../lib/command.js';
import { ok, type Routes, route } from '../lib/http/route.js';
import type { Services } from '../lib/services.js';
import { UnitOfWork } from '../lib/table/unit-of-work.js';

// Lead routing (docs/api.md, "Lead routing"): the ordered rules that give a deal created
// without an owner one. Everyone may read them; only admins change them.

const READ: readonly Role[] = ['admin', 'manager', 'sales', 'delivery'];
/** A rule list names at most this many distinct owners (each is checked in the transaction). */
const MAX_OWNERS = 90;

export function leadRoutingRoutes(s: Services): Routes {
  return {
    'GET /lead-routing': route({
      tag: 'Lead routing',
      summary: 'The lead-routing rules, in order (the first match wins)',
      roles: READ,
      response: { status: 200, schema: LeadRouting },
      handle: async () => {
        const routing = await s.leadRouting.get();
        return ok(routing, routing.version);
      },
    }),
    'PUT /lead-routing': route({
      tag: 'Lead routing',
      summary: 'Replace the lead-routing rules (admins); each owner must be a known user',
      roles: ['admin'],
      body: LeadRoutingInput,
      conditional: true,
      response: { status: 200, schema: LeadRouting },
      handle: async ({ body, ctx, ifMatch }) => {
        const owners = [...new Set(body.rules.flatMap(ownersOf))];
        if (owners.length > MAX_OWNERS) {
          throw new ValidationFailed([
            { path: 'rules', message: `name at most ${MAX_OWNERS} different owners, not ${owners.length}` },
          ]);
        }
        const routing = await mutate(ifMatch, async () => {
          const current = await s.leadRouting.get();
          expectVersion(ifMatch, 'lead routing', { id: 'lead-routing', version: current.version });
          const { routing, events } = setLeadRouting(current, body, ctx);
          const uow = s.leadRouting.save(new UnitOfWork(), current, routing).events(events);
          const checked = new Set<string>();
          for (const [i, rule] of body.rules.entries()) {
            for (const owner of ownersOf(rule)) {
              if (checked.has(owner)) continue;
              checked.add(owner);
              uow.add(s.profiles.requireKnown(`rules.${i}.assign`, owner));
            }
          }
          await uow.commit(s.store);
          return routing;
        });
        return ok(routing, routing.version);
      },
    }),
  };
}
