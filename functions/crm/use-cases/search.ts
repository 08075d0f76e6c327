import { type SearchResults, searchable, searchTerms } from '../../../domain/crm/search.js';
import { ValidationFailed } from '../../../domain/shared/errors.js';
import type { Services } from '../../lib/services.js';

/**
 * Global search: deals by title words, contacts by name words, email or phone, companies by name
 * words or domain, each kind at most `limit`, read in parallel (docs/data-model.md, "Search").
 */
export async function search(
  s: Pick<Services, 'deals' | 'contacts' | 'companies'>,
  q: string,
  limit: number,
): Promise<SearchResults> {
  const terms = searchTerms(q);
  if (!searchable(terms))
    throw new ValidationFailed([{ path: 'q', message: 'has no letters or digits to search for' }]);
  const [deals, contacts, companies] = await Promise.all([
    s.deals.search(terms, limit),
    s.contacts.search(terms, limit),
    s.companies.search(terms, limit),
  ]);
  return { q, deals, contacts, companies };
}
