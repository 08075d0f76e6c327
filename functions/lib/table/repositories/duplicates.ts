import type { Company } from '../../../../domain/crm/company.js';
import type { Contact } from '../../../../domain/crm/contact.js';
import {
  companyMatchKeys,
  contactMatchKeys,
  type DuplicateKind,
  type DuplicatePair,
  reasonOf,
} from '../../../../domain/crm/duplicates.js';
import { accessPatterns } from '../access-patterns.js';
import { keys, partitions } from '../keys.js';
import { type Item, type Store, toEntity, type Write } from '../store.js';
import { type Page, type PageRequest, pageItems } from './page.js';

// Likely duplicates, found as records are written, never by a scan. Each contact or company is a
// member of its match keys (a small item per key). A write that gives a record a new key reads
// that key's members and records a pair with each: one item on each side, in the records' own
// partitions, the first of them in gsi1 (`DUPLICATES#<kind>`) for the list. A write that takes a
// key away (or deletes, or merges the record) removes the pairs it no longer shares a key with.
// Two records written in the same instant with the same new key may miss each other (until one
// of them gets another new key). One write records at most 10 new pairs.

type Record_ = Contact | Company;

/**
 * New pairs one write records at most: a key shared by very many records (a common name at a
 * large company) would otherwise outgrow the write's transaction. The first ones are enough to
 * show the problem; merging them brings the next.
 */
const MAX_NEW_PAIRS = 10;

const keysOf = (kind: DuplicateKind, record: Record_) =>
  kind === 'contact' ? contactMatchKeys(record as Contact) : companyMatchKeys(record as Company);

interface PairSide {
  id: string;
  otherId: string;
  shared: string[];
  foundAt: string;
}

/** One side of a pair, as stored. */
function asPairSide(item: Record<string, unknown>): PairSide {
  return {
    id: String(item.id),
    otherId: String(item.otherId),
    shared: (item.shared as string[] | undefined) ?? [],
    foundAt: String(item.foundAt),
  };
}

function pairItems(kind: DuplicateKind, a: string, b: string, shared: string[], foundAt: string): Item[] {
  const [first, second] = a < b ? [a, b] : [b, a];
  const side = (id: string, otherId: string): Item => ({
    ...keys.duplicatePair(kind, id, otherId),
    entity: 'duplicate',
    id,
    otherId,
    shared,
    foundAt,
    // one side of each pair is listed
    ...(id === first ? { gsi1pk: partitions.duplicates(kind), gsi1sk: `${foundAt}#${first}#${second}` } : {}),
  });
  return [side(a, b), side(b, a)];
}

export class DuplicateRepository {
  constructor(private readonly store: Store) {}

  /**
   * The writes that keep match keys and pairs in step with a change of a record (`before` null:
   * created; `after` null: deleted or merged away). `ignore` leaves records out (a merge's
   * duplicate, which shares keys with its survivor by design).
   */
  async track(
    kind: DuplicateKind,
    before: Record_ | null,
    after: Record_ | null,
    now: string,
    ignore: string[] = [],
  ): Promise<Write[]> {
    const id = (after ?? before)!.id;
    const had = before ? keysOf(kind, before) : [];
    const has = after ? keysOf(kind, after) : [];
    const added = has.filter((k) => !had.includes(k));
    const removed = had.filter((k) => !has.includes(k));
    if (added.length === 0 && removed.length === 0) return [];
    const skip = new Set([id, ...ignore]);
    const [existing, ...members] = await Promise.all([
      before ? this.pairsOf(kind, id) : Promise.resolve([]),
      ...added.map((key) =>
        this.store
          .query({ ...accessPatterns.matchKeyMembers.query(kind, key), limit: MAX_NEW_PAIRS + skip.size })
          .then(({ items }) => ({
            key,
            ids: items.map((i) => String(i.sk)).filter((other) => !skip.has(other)),
          })),
      ),
    ]);
    const writes: Write[] = [
      ...added.map((key) => ({ put: { ...keys.match(kind, key, id), entity: 'match' } })),
      ...removed.map((key) => ({ delete: keys.match(kind, key, id) })),
    ];
    const shared = new Map<string, { keys: Set<string>; foundAt: string }>();
    for (const pair of existing as PairSide[]) {
      if (skip.has(pair.otherId)) continue;
      shared.set(pair.otherId, {
        keys: new Set(pair.shared.filter((k) => has.includes(k))),
        foundAt: pair.foundAt,
      });
    }
    let fresh = 0;
    for (const { key, ids } of members) {
      for (const other of ids) {
        if (!shared.has(other) && ++fresh > MAX_NEW_PAIRS) break;
        const entry = shared.get(other) ?? { keys: new Set<string>(), foundAt: now };
        entry.keys.add(key);
        shared.set(other, entry);
      }
    }
    for (const [other, entry] of shared) {
      const before_ = (existing as PairSide[]).find((p) => p.otherId === other);
      const now_ = [...entry.keys].sort();
      if (now_.length === 0) {
        writes.push(
          { delete: keys.duplicatePair(kind, id, other) },
          { delete: keys.duplicatePair(kind, other, id) },
        );
      } else if (!before_ || before_.shared.join() !== now_.join()) {
        writes.push(...pairItems(kind, id, other, now_, entry.foundAt).map((put) => ({ put })));
      }
    }
    return writes;
  }

  private async pairsOf(kind: DuplicateKind, id: string): Promise<PairSide[]> {
    const items = await this.store.queryAll(accessPatterns.recordPairs.query(kind, id));
    return items.map(asPairSide);
  }

  /** Likely duplicates, oldest found first, each with both records as they are now. */
  async list(kind: DuplicateKind, page: PageRequest): Promise<Page<DuplicatePair>> {
    const { items, lastKey } = await pageItems(this.store, {
      ...accessPatterns.likelyDuplicates.query(kind),
      limit: page.limit,
      ...(page.startKey ? { startKey: page.startKey } : {}),
    });
    const sides = items.map(asPairSide);
    const recordKey = (id: string) => (kind === 'contact' ? keys.contact(id) : keys.company(id));
    const records = await this.store.batchGet(sides.flatMap((p) => [recordKey(p.id), recordKey(p.otherId)]));
    const pairs: DuplicatePair[] = [];
    sides.forEach((p, i) => {
      const a = records[2 * i];
      const b = records[2 * i + 1];
      // a record merged or deleted since is no longer a candidate (its pairs go with it)
      if (!a || !b || a.mergedInto || b.mergedInto) return;
      pairs.push({
        records: [toEntity(a), toEntity(b)],
        reasons: p.shared.map(reasonOf),
        foundAt: p.foundAt,
      });
    });
    return { items: pairs, ...(lastKey ? { lastKey } : {}) };
  }
}
