import { LeadRouting, LeadRoutingInput } from '../../../domain/crm/lead-routing.js';
import { canAdminister, canRead } from '../../lib/http/access.js';
import { ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { setLeadRouting } from '../use-cases/set-lead-routing.js';

// Lead routing (docs/api.md, "Lead routing"): the ordered rules that give a deal created
// without an owner one. Everyone may read them; only admins change them.

export function leadRoutingRoutes(s: Pick<Services, 'leadRouting' | 'profiles' | 'store'>): Routes {
  return {
    'GET /lead-routing': route({
      tag: 'Lead routing',
      summary: 'The lead-routing rules, in order (the first match wins)',
      roles: canRead,
      response: { status: 200, schema: LeadRouting },
      handle: async () => {
        const routing = await s.leadRouting.get();
        return ok(routing, routing.version);
      },
    }),
    'PUT /lead-routing': route({
      tag: 'Lead routing',
      summary: 'Replace the lead-routing rules (admins); each owner must be a known user',
      roles: canAdminister,
      body: LeadRoutingInput,
      conditional: true,
      response: { status: 200, schema: LeadRouting },
      handle: async ({ body, ...input }) => {
        const routing = await setLeadRouting(s, body, input);
        return ok(routing, routing.version);
      },
    }),
  };
}
