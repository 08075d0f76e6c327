import { SearchResults } from '../../../domain/crm/search.js';
import * as z from '../../../domain/shared/zod.js';
import { canRead } from '../../lib/http/access.js';
import { ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { search } from '../use-cases/search.js';

// One search box for the whole CRM, as a person types: each kind of record read by a Query of
// its own copies or index, in parallel (no scan), folded as the copies are (accents, case,
// German umlauts in both spellings).

export function searchRoutes(s: Pick<Services, 'companies' | 'contacts' | 'deals'>): Routes {
  return {
    'GET /search': route({
      tag: 'Search',
      summary: 'Find deals, contacts and companies as you type, grouped by kind',
      description:
        'Deals by the start of any word of their title; contacts by the start of any part of their name, of an email address or of a phone number (its digits); companies by the start of any word of their name or of their domain. Several words: each starts a word of the name, in any order. Case, accents and German umlauts are folded as people type them: "mue" and "mul" find Müller, "juergen" finds Jürgen, "weiss" finds Weiß. Each kind is answered by one Query of its own (contacts and companies: one more for an email, phone or domain), in parallel; at most `limit` of each.',
      roles: canRead,
      query: z.strictObject(() => ({
        q: z.string().trim().min(1).max(100),
        limit: z.coerce.number().int().min(1).max(20).default(5).describe('at most this many of each kind'),
      })),
      problems: { 422: '`q` has no letters or digits to search for' },
      response: { status: 200, schema: SearchResults },
      handle: async ({ query }) => ok(await search(s, query.q, query.limit)),
    }),
  };
}
