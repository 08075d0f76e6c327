import { DealReasons, DealReasonsInput } from '../../../domain/crm/deal-reasons.js';
import { canAdminister, canRead } from '../../lib/http/access.js';
import { ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { setDealReasons } from '../use-cases/set-deal-reasons.js';

// The won and lost reasons (docs/api.md, "The CRM rules the API enforces"): everyone reads them
// (a win or loss picks one); only admins change them.

export function dealReasonRoutes(s: Pick<Services, 'dealReasons' | 'store'>): Routes {
  return {
    'GET /deal-reasons': route({
      tag: 'Deals',
      summary: 'The reasons a deal is won or lost for (empty lists: any reason is taken)',
      roles: canRead,
      response: { status: 200, schema: DealReasons },
      handle: async () => {
        const reasons = await s.dealReasons.get();
        return ok(reasons, reasons.version);
      },
    }),
    'PUT /deal-reasons': route({
      tag: 'Deals',
      summary: 'Replace the won and lost reasons (admins); "other" with a detail is always allowed',
      roles: canAdminister,
      body: DealReasonsInput,
      conditional: true,
      response: { status: 200, schema: DealReasons },
      handle: async ({ body, ...input }) => {
        const reasons = await setDealReasons(s, body, input);
        return ok(reasons, reasons.version);
      },
    }),
  };
}
