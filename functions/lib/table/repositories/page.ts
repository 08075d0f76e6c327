import { INDEXES } from '../definition.js';
import type { QuerySpec, Store } from '../store.js';

/** One page of a list: the items and, when there is more, where the next page starts. */
export interface Page<T> {
  items: T[];
  lastKey?: Record<string, unknown>;
}

export interface PageRequest {
  limit: number;
  startKey?: Record<string, unknown> | undefined;
}

/** A filtered list reads at most this many DynamoDB pages to fill one page of its own. */
const MAX_READS_PER_PAGE = 10;

/** The key DynamoDB would give as LastEvaluatedKey after this item, for this query. */
function keyAfter(spec: QuerySpec, item: Record<string, unknown>): Record<string, unknown> {
  const names = [
    'pk',
    'sk',
    ...(spec.index ? [INDEXES[spec.index].partitionKey, INDEXES[spec.index].sortKey] : []),
  ];
  return Object.fromEntries(names.map((n) => [n, item[n]]));
}

/**
 * A page of `limit` items, with a next key only when there is a next item: DynamoDB answers a
 * LastEvaluatedKey whenever it stopped at the limit, even at the end of the data, so one more
 * item is asked for, and a page is filled again when a filter left it short.
 */
export async function pageOf<T>(
  store: Store,
  spec: QuerySpec,
  map: (item: Record<string, unknown>) => T,
  keep?: (item: Record<string, unknown>) => boolean,
): Promise<Page<T>> {
  const { items, lastKey } = await pageItems(store, spec, keep);
  return { items: items.map(map), ...(lastKey ? { lastKey } : {}) };
}

/**
 * The same page, of the items as stored. `keep` drops items no key or filter expression can
 * (it must depend on the item alone, so a page that starts after a dropped item agrees).
 */
export async function pageItems(
  store: Store,
  spec: QuerySpec,
  keep: (item: Record<string, unknown>) => boolean = () => true,
): Promise<Page<Record<string, unknown>>> {
  if (spec.limit === undefined) {
    const out = await store.query(spec);
    return { ...out, items: out.items.filter(keep) };
  }
  const wanted = spec.limit;
  const items: Record<string, unknown>[] = [];
  let startKey = spec.startKey;
  let lastKey: Record<string, unknown> | undefined;
  for (let read = 0; read < MAX_READS_PER_PAGE; read++) {
    const out = await store.query({
      ...spec,
      limit: wanted + 1 - items.length,
      ...(startKey ? { startKey } : {}),
    });
    items.push(...out.items.filter(keep));
    lastKey = out.lastKey;
    startKey = lastKey;
    if (!lastKey || items.length > wanted) break;
  }
  if (items.length > wanted)
    return { items: items.slice(0, wanted), lastKey: keyAfter(spec, items[wanted - 1]!) };
  return { items, ...(lastKey ? { lastKey } : {}) };
}
