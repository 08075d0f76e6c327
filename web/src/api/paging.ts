import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';

// A list read a page at a time with the API's cursors (docs/api.md, "Lists and cursors"): the
// cursors of the pages already seen are kept, so "previous" goes back without a cursor the API
// would have to give, and a change of filter or sort starts again at the first page.

export interface ApiPage<T> {
  items: T[];
  nextCursor: string | null;
}

export const PAGE_SIZES = [25, 50, 100] as const;

interface CursorPagesOptions<T> {
  /** What the list is (its filters and order): a new key starts over at page 1. */
  key: readonly unknown[];
  limit: number;
  fetchPage: (cursor: string | undefined, limit: number) => Promise<ApiPage<T>>;
  enabled?: boolean;
}

export function useCursorPages<T>({ key, limit, fetchPage, enabled = true }: CursorPagesOptions<T>) {
  const scope = JSON.stringify([key, limit]);
  const [at, setAt] = useState<{ scope: string; cursors: (string | undefined)[] }>({
    scope,
    cursors: [undefined],
  });
  // a page of another list (filters or size changed) is not this list's: start at the first
  const cursors = at.scope === scope ? at.cursors : [undefined];
  const cursor = cursors.at(-1);
  const query = useQuery({
    queryKey: [...key, 'page', limit, cursor ?? null],
    queryFn: () => fetchPage(cursor, limit),
    placeholderData: keepPreviousData,
    enabled,
  });
  const nextCursor = query.isPlaceholderData ? null : (query.data?.nextCursor ?? null);
  return {
    query,
    items: query.data?.items ?? [],
    /** 1 for the first page. */
    page: cursors.length,
    hasNext: nextCursor !== null,
    hasPrevious: cursors.length > 1,
    next: () => {
      if (nextCursor) setAt({ scope, cursors: [...cursors, nextCursor] });
    },
    previous: () => setAt({ scope, cursors: cursors.slice(0, -1) }),
    first: () => setAt({ scope, cursors: [undefined] }),
  };
}

export type CursorPages<T> = ReturnType<typeof useCursorPages<T>>;
