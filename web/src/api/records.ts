import { useQuery } from '@tanstack/react-query';
import { useSession } from '../app/session-context.js';
import type { PickOption } from '../ui/Picker.js';
import { answer, type HandoffClient, type Schemas } from './client.js';
import { useTeam } from './queries.js';

// One record by id, for its name where another record points at it (a deal's company and
// contact), and the searches the pickers run. Each record's query key is the one its own page
// uses, so a name read here is the page's cache and the other way round.

export const fullName = (c: Pick<Schemas['Contact'], 'firstName' | 'lastName'>) =>
  [c.firstName, c.lastName].filter(Boolean).join(' ');

export function useContact(id: string | null | undefined) {
  const { client } = useSession();
  return useQuery({
    queryKey: ['contact', id],
    queryFn: () => answer(client.GET('/contacts/{id}', { params: { path: { id: id! } } })),
    enabled: Boolean(id),
    staleTime: 30_000,
  });
}

export function useCompany(id: string | null | undefined) {
  const { client } = useSession();
  return useQuery({
    queryKey: ['company', id],
    queryFn: () => answer(client.GET('/companies/{id}', { params: { path: { id: id! } } })),
    enabled: Boolean(id),
    staleTime: 30_000,
  });
}

const SEARCH_LIMIT = 20;

export const searchContacts =
  (client: HandoffClient, companyId?: string) =>
  async (text: string): Promise<PickOption[]> => {
    const page = await answer(
      client.GET('/contacts', {
        params: {
          query: { limit: SEARCH_LIMIT, ...(text ? { q: text } : {}), ...(companyId ? { companyId } : {}) },
        },
      }),
    );
    return page.items.map((c) => ({
      id: c.id,
      label: fullName(c),
      ...(c.emails[0] || c.title ? { detail: c.emails[0] ?? c.title } : {}),
    }));
  };

export const searchCompanies =
  (client: HandoffClient) =>
  async (text: string): Promise<PickOption[]> => {
    const page = await answer(
      client.GET('/companies', { params: { query: { limit: SEARCH_LIMIT, ...(text ? { q: text } : {}) } } }),
    );
    return page.items.map((c) => ({ id: c.id, label: c.name, ...(c.domain ? { detail: c.domain } : {}) }));
  };

/**
 * A name as a person may type it: without accents ("muller") and transliterated as German
 * writes it without umlauts ("mueller", "weiss"), so either spelling finds it.
 */
export function foldings(text: string): string[] {
  const lower = text.toLowerCase();
  const transliterated = lower
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss');
  const strip = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '');
  return [...new Set([strip(lower), strip(transliterated)])];
}

export const matchesFolded = (name: string, typed: string) => {
  const names = foldings(name);
  return foldings(typed.trim()).some((t) => names.some((n) => n.includes(t)));
};

/** The team, searched here: it is one small list every screen already holds. */
export function usePeopleSearch(activeOnly: boolean) {
  const team = useTeam();
  return async (text: string): Promise<PickOption[]> => {
    const people = team.data ?? (await team.refetch()).data ?? [];
    return people
      .filter(
        (p) =>
          (!activeOnly || p.active) &&
          (!text || matchesFolded(`${p.name ?? ''} ${p.email ?? ''} ${p.id}`, text)),
      )
      .slice(0, SEARCH_LIMIT)
      .map((p) => ({ id: p.id, label: p.name ?? p.email ?? p.id, ...(p.email ? { detail: p.email } : {}) }));
  };
}
