import { DealLineItems, SetLineItems } from '../../../domain/crm/line-items.js';
import { canRead, canSell } from '../../lib/http/access.js';
import { idParams } from '../../lib/http/params.js';
import { ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { setLineItems } from '../use-cases/set-line-items.js';

// A deal's line items: what it sells. Their net total is the deal's value. The ETag is the
// deal's version (the lines change the deal), so `If-Match` guards both.

const params = idParams('deal');
const etag = "the deal's version: the lines are part of the deal (its value follows them)";

export function lineItemRoutes(s: Pick<Services, 'deals' | 'lineItems' | 'products' | 'store'>): Routes {
  return {
    'GET /deals/{id}/line-items': route({
      tag: 'Deals',
      summary: "A deal's line items, their totals in minor units, and its quotes' bookkeeping",
      roles: canRead,
      params,
      response: { status: 200, schema: DealLineItems, etag },
      handle: async ({ params }) => {
        const { deal, sheet } = await s.lineItems.withDeal(params.id);
        return ok(sheet, deal.version);
      },
    }),
    'PUT /deals/{id}/line-items': route({
      tag: 'Deals',
      summary:
        "Set an open deal's line items (all of them; an empty list clears them): each priced exactly, the deal's value their net total",
      description:
        'Each line is `quantity × unitPrice`, less `discountPercent`, plus `taxPercent`, each step rounded half-up to the minor unit, once per line; ' +
        "the totals are the sums of the lines. A line naming a `productId` takes the product's name, unit, price and tax unless it gives its own. " +
        'All lines are in one currency. A 422 names every faulty line and field; nothing is written. ' +
        'While a quote is accepted the lines are fixed (409): decline it first.',
      roles: canSell,
      params,
      body: SetLineItems,
      conditional: true,
      problems: {
        409: 'the deal is closed, or a quote of it is accepted (its lines are fixed until it is declined)',
      },
      response: { status: 200, schema: DealLineItems, etag },
      handle: async ({ params, body, ...input }) => {
        const { deal, sheet } = await setLineItems(s, params.id, body, input);
        return ok(sheet, deal.version);
      },
    }),
  };
}
