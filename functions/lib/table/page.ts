import { INDEXES } from './definition.js';
import type { QuerySpec, Store } from './store.js';

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
/** The most items one read of a filtered page asks for (DynamoDB stops at 1 MB anyway). */
const MAX_READ = 1_000;

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
    // a filter that drops most of what it reads: each read after the first asks for twice as
    // many (up to 1,000), so a selective filter fills its page in a few round trips, not ten
    const limit = Math.min(MAX_READ, (wanted + 1 - items.length) * 2 ** read);
    const out = await store.query({ ...spec, limit, ...(startKey ? { startKey } : {}) });
    items.push(...out.items.filter(keep));
    lastKey = out.lastKey;
    startKey = lastKey;
    if (!lastKey || items.length > wanted) break;
  }
  if (items.length > wanted)
    return { items: items.slice(0, wanted), lastKey: keyAfter(spec, items[wanted - 1]!) };
  return { items, ...(lastKey ? { lastKey } : {}) };
}

/**
 * What a list reads: one Query, or the union of several whose sort keys interleave (the same
 * order copied per status, one partition per tag). `keep` drops what no key or filter can.
 */
export type ListPlan = QuerySpec & {
  keep?: ((item: Record<string, unknown>) => boolean) | undefined;
  /** Read these Queries instead, merged by sort key in their direction, each record once. */
  union?: QuerySpec[] | undefined;
};

/** One page of a plan, one Query or a merged union. */
export async function planPage<T>(
  store: Store,
  plan: ListPlan,
  page: PageRequest,
  map: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const { keep, union, ...spec } = plan;
  if (!union) return pageOf(store, { ...spec, ...page }, map, keep);
  const { items, lastKey } = await unionItems(store, union, page, keep);
  return { items: items.map(map), ...(lastKey ? { lastKey } : {}) };
}

/** Where each Query of a union resumes: its next key, from the start (null), or done. */
type Resume = Record<string, unknown> | null | 'end';

const sortAttribute = (spec: QuerySpec) => (spec.index ? INDEXES[spec.index].sortKey : 'sk');

/**
 * A k-way merge with one cursor per Query. Each Query reads at most a page; an item is taken
 * only if no Query that has more could still hold an item before it (its read frontier), so a
 * page never skips anything. Items with the same sort key from two Queries are one record
 * (a deal with two of the tags asked for).
 */
async function unionItems(
  store: Store,
  specs: QuerySpec[],
  page: PageRequest,
  keep?: (item: Record<string, unknown>) => boolean,
): Promise<Page<Record<string, unknown>>> {
  const descending = specs[0]?.newestFirst === true;
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0) * (descending ? -1 : 1);
  const starts = (page.startKey?.parts as Resume[] | undefined) ?? specs.map(() => null);
  const reads = await Promise.all(
    specs.map((spec, i) => {
      const start = starts[i];
      if (start === 'end') return undefined;
      return pageItems(store, { ...spec, limit: page.limit, ...(start ? { startKey: start } : {}) }, keep);
    }),
  );
  let cut: string | undefined;
  reads.forEach((read, i) => {
    if (!read?.lastKey) return;
    const frontier = String(read.lastKey[sortAttribute(specs[i]!)]);
    if (cut === undefined || compare(frontier, cut) < 0) cut = frontier;
  });
  const merged = reads
    .flatMap((read, part) =>
      (read?.items ?? []).map((item) => ({ item, part, key: String(item[sortAttribute(specs[part]!)]) })),
    )
    .filter((e) => cut === undefined || compare(e.key, cut) <= 0)
    .sort((a, b) => compare(a.key, b.key) || a.part - b.part);
  const taken: Record<string, unknown>[] = [];
  const consumed = specs.map(() => 0);
  const lastConsumed: (Record<string, unknown> | undefined)[] = specs.map(() => undefined);
  let lastKeyTaken: string | undefined;
  for (const entry of merged) {
    const duplicate = entry.key === lastKeyTaken;
    if (!duplicate && taken.length === page.limit) break;
    if (!duplicate) taken.push(entry.item);
    lastKeyTaken = entry.key;
    consumed[entry.part]!++;
    lastConsumed[entry.part] = entry.item;
  }
  const parts: Resume[] = specs.map((spec, i) => {
    const read = reads[i];
    if (!read) return 'end';
    if (consumed[i] === read.items.length) return read.lastKey ?? 'end';
    const last = lastConsumed[i];
    return last ? keyAfter(spec, last) : (starts[i] ?? null);
  });
  return { items: taken, ...(parts.some((p) => p !== 'end') ? { lastKey: { parts } } : {}) };
}
