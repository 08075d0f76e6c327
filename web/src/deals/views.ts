import { useQuery } from '@tanstack/react-query';
import { allPages, answer, type Schemas } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { DEFAULT_COLUMNS } from './deal-columns.js';

// Saved views of the deals list are segments (docs/api.md, "Segments"): the filter is the
// segment's, shared with everyone who reads the CRM (the API has no private segment). The
// columns and the order a view is shown in are not part of a segment: they are kept in this
// browser, by the segment's id, until the API can hold them.

export type Segment = Schemas['Segment'];

export function useDealViews() {
  const { client } = useSession();
  const all = useQuery({
    queryKey: ['segments'],
    queryFn: () =>
      allPages<Segment>((cursor) =>
        answer(client.GET('/segments', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } })),
      ),
    staleTime: 30_000,
  });
  return { ...all, views: (all.data ?? []).filter((s) => s.entity === 'deal') };
}

export interface ViewDisplay {
  columns: string[];
  sort: string;
}

const keyOf = (viewId: string | null) => `handoff.deals.display.${viewId ?? 'all'}`;

export function readDisplay(viewId: string | null): ViewDisplay {
  try {
    const kept = JSON.parse(localStorage.getItem(keyOf(viewId)) ?? 'null') as Partial<ViewDisplay> | null;
    return {
      columns: Array.isArray(kept?.columns) ? kept.columns : DEFAULT_COLUMNS,
      sort: typeof kept?.sort === 'string' ? kept.sort : '',
    };
  } catch {
    return { columns: DEFAULT_COLUMNS, sort: '' };
  }
}

export function keepDisplay(viewId: string | null, display: ViewDisplay): void {
  try {
    localStorage.setItem(keyOf(viewId), JSON.stringify(display));
  } catch {
    // storage full or refused: the view still opens, in the default columns
  }
}
