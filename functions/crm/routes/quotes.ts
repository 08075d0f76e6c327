import { DeclineQuote, isExpired, NewQuote, type Quote, QuoteView } from '../../../domain/crm/quote.js';
import * as z from '../../../domain/shared/zod.js';
import { canRead, canSell } from '../../lib/http/access.js';
import { idParams, listQuery } from '../../lib/http/params.js';
import { created, ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { acceptQuote, declineQuote } from '../use-cases/accept-quote.js';
import { makeQuote } from '../use-cases/make-quote.js';
import { quotePdfLink } from '../use-cases/quote-document.js';
import { sendQuote } from '../use-cases/send-quote.js';

// Quotes: a deal's lines frozen as a numbered, versioned offer; its PDF; sent, accepted or
// declined. docs/api.md, "Products, line items and quotes".

const params = idParams('quote');
const PdfLink = z
  .object(() => ({ url: z.string(), expiresAt: z.string(), fileName: z.string() }))
  .register(z.globalRegistry, { id: 'QuotePdfLink' });
const notLive =
  'the quote was superseded by a newer version, has expired (its validUntil passed: `quoteStatus` is `expired`), or was answered already; or its deal is closed';

const view = (q: Quote, now: string) => ({ ...q, expired: isExpired(q, now) });

export function quoteRoutes(
  s: Pick<Services, 'deals' | 'files' | 'lineItems' | 'mailer' | 'quotes' | 'store'>,
): Routes {
  return {
    'POST /deals/{id}/quotes': route({
      tag: 'Quotes',
      summary:
        "Make the next version of an open deal's quote from its line items (Q-<year>-<n> vN); it supersedes the version before",
      roles: canSell,
      params: idParams('deal'),
      body: NewQuote,
      problems: {
        409: 'the deal is closed, or a quote of it is accepted (decline it before making a new version)',
      },
      response: { status: 201, schema: QuoteView },
      handle: async ({ params, body, ctx, ...input }) => {
        const quote = await makeQuote(s, params.id, body, { ctx, ...input });
        return created(view(quote, ctx.now), quote.version);
      },
    }),
    'GET /deals/{id}/quotes': route({
      tag: 'Quotes',
      summary: "A deal's quotes, newest version first",
      roles: canRead,
      params: idParams('deal'),
      query: listQuery({}),
      response: { status: 200, schema: QuoteView, list: true },
      handle: async (req) => {
        const page = await s.quotes.list(req.params.id, await req.page());
        return req.list({ ...page, items: page.items.map((q) => view(q, req.ctx.now)) });
      },
    }),
    'GET /quotes/{id}': route({
      tag: 'Quotes',
      summary: 'A quote version: its frozen lines and totals, its status, and whether it has expired',
      roles: canRead,
      params,
      response: { status: 200, schema: QuoteView },
      handle: async ({ params, ctx }) => {
        const quote = await s.quotes.require(params.id);
        return ok(view(quote, ctx.now), quote.version);
      },
    }),
    'GET /quotes/{id}/pdf': route({
      tag: 'Quotes',
      summary: "A short-lived link to the quote's PDF (rendered server-side once, stored privately)",
      roles: canRead,
      params,
      response: { status: 200, schema: PdfLink },
      handle: async ({ params, ctx }) => ok(await quotePdfLink(s, params.id, Date.parse(ctx.now))),
    }),
    'POST /quotes/{id}/send': route({
      tag: 'Quotes',
      summary: "Mail the quote's PDF to its contact (SES) and record it as sent, on the deal's timeline",
      roles: canSell,
      params,
      conditional: true,
      problems: {
        409: `${notLive}; or this deployment has no sender address; or another request is sending it (a double click): nothing mailed`,
        422: 'the quote names no contact, or its contact has no email address (`contactId`)',
      },
      response: { status: 200, schema: QuoteView },
      handle: async ({ params, ctx, ...input }) => {
        const quote = await sendQuote(s, params.id, { ctx, ...input });
        return ok(view(quote, ctx.now), quote.version);
      },
    }),
    'POST /quotes/{id}/accept': route({
      tag: 'Quotes',
      summary:
        "Record the customer's acceptance of the latest version: the deal's lines become the quote's (its value their net total), fixed while it stands",
      roles: canSell,
      params,
      conditional: true,
      problems: { 409: `${notLive}; or it is not the deal's latest version` },
      response: { status: 200, schema: QuoteView },
      handle: async ({ params, ctx, ...input }) => {
        const quote = await acceptQuote(s, params.id, { ctx, ...input });
        return ok(view(quote, ctx.now), quote.version);
      },
    }),
    'POST /quotes/{id}/decline': route({
      tag: 'Quotes',
      summary:
        "Record the customer's refusal, with the reason; declining an accepted quote frees the deal's lines",
      roles: canSell,
      params,
      body: DeclineQuote,
      conditional: true,
      problems: { 409: 'the quote was superseded or declined already, or its deal is closed' },
      response: { status: 200, schema: QuoteView },
      handle: async ({ params, body, ctx, ...input }) => {
        const quote = await declineQuote(s, params.id, body.reason, { ctx, ...input });
        return ok(view(quote, ctx.now), quote.version);
      },
    }),
  };
}
