import type { Store } from '../store.js';

/** One page of a list: the items and, when there is more, where the next page starts. */
export interface Page<T> {
  items: T[];
  lastKey?: Record<string, unknown>;
}

export interface PageRequest {
  limit: number;
  startKey?: Record<string, unknown> | undefined;
}

export async function pageOf<T>(
  store: Store,
  spec: Parameters<Store['query']>[0],
  map: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const { items, lastKey } = await store.query(spec);
  return { items: items.map(map), ...(lastKey ? { lastKey } : {}) };
}
