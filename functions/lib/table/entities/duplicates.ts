import type { Company } from '../../../../domain/crm/company.js';
import type { Contact } from '../../../../domain/crm/contact.js';
import {
  companyMatchKeys,
  contactMatchKeys,
  type DuplicateKind,
  type DuplicatePair,
  reasonOf,
} from '../../../../domain/crm/duplicates.js';
import { type Item, type Key, toEntity, type Write } from '../item.js';
import { type Page, type PageRequest, pageItems } from '../page.js';
import { partitions } from '../partitions.js';
import { batchGet, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import { companyKey } from './company.js';
import { contactKey } from './contact.js';

/** A record's membership of a match key (likely-duplicate detection): no data but its id. */
const matchPartition = (kind: DuplicateKind, key: string) => `MATCH#${kind}#${key}`;
const matchKey = (kind: DuplicateKind, key: string, id: string): Key => ({
  pk: matchPartition(kind, key),
  sk: id,
});
/** One side of a likely-duplicate pair, in the record's own partition. */
const pairKey = (kind: DuplicateKind, id: string, otherId: string): Key => ({
  pk: kind === 'contact' ? partitions.contact(id) : partitions.company(id),
  sk: `DUPLICATE#${otherId}`,
});
const duplicatesPartition = (kind: DuplicateKind) => `DUPLICATES#${kind}`;
const recordKey = (kind: DuplicateKind, id: string) => (kind === 'contact' ? contactKey(id) : companyKey(id));

export const duplicatePatterns = patterns({
  likelyDuplicates: query({
    entity: 'duplicate pair',
    pattern: 'likely duplicates, oldest found first',
    usedBy: '`GET /contacts/duplicates`, `/companies/duplicates`',
    functions: ['CrmApi'],
    index: 'gsi1',
    keyCondition: '`gsi1pk = DUPLICATES#<kind>`, then BatchGet both records of each pair (`pairRecords`)',
    roundTrips: '1 Query + 1 BatchGet',
    query: (kind: DuplicateKind) => ({ index: 'gsi1', partition: duplicatesPartition(kind) }),
  }),
  pairRecords: batchGet({
    entity: 'contact, company',
    pattern: 'both records of each likely-duplicate pair of a page, as they are now',
    usedBy: '`GET /contacts/duplicates`, `/companies/duplicates`',
    functions: ['CrmApi'],
    keyCondition: 'BatchGet `CONTACT#<id>` (or `COMPANY#<id>`) of both sides',
    roundTrips: '1 BatchGet',
    keys: (kind: DuplicateKind, ids: string[]) => ids.map((id) => recordKey(kind, id)),
  }),
  recordPairs: query({
    entity: 'duplicate pair',
    pattern: "a record's likely-duplicate pairs",
    usedBy: 'contact and company writes that change their match keys, merges, imports',
    functions: ['CrmApi', 'CsvImport'],
    index: 'table',
    keyCondition: '`pk = CONTACT#<id> | COMPANY#<id> AND begins_with(sk, DUPLICATE#)`',
    roundTrips: '+1 Query, only when a write changes the match keys',
    query: (kind: DuplicateKind, id: string) => ({
      partition: kind === 'contact' ? partitions.contact(id) : partitions.company(id),
      sort: { beginsWith: 'DUPLICATE#' },
    }),
  }),
  matchKeyMembers: query({
    entity: 'match key',
    pattern: "a match key's members",
    usedBy: 'contact and company writes, imports (companies by domain)',
    functions: ['CrmApi', 'CsvImport'],
    index: 'table',
    keyCondition: '`pk = MATCH#<kind>#<key>` (limit 11)',
    roundTrips: '1 Query per changed key, in parallel',
    query: (kind: DuplicateKind, key: string) => ({ partition: matchPartition(kind, key) }),
  }),
  duplicatesTracked: write({
    entity: 'match key, duplicate pair',
    pattern: "a record's match keys and likely-duplicate pairs, kept in step with its write",
    usedBy: 'contact and company writes, deletes and merges, imports',
    functions: ['CrmApi', 'CsvImport'],
    keyCondition:
      'Put or Delete `MATCH#<kind>#<key>` / `<id>`, and both sides `<CONTACT|COMPANY>#<id>` / `DUPLICATE#<otherId>`',
    roundTrips: "none of its own (the record's transaction)",
    actions: ['PutItem', 'DeleteItem'],
  }),
  mergePair: batchGet({
    entity: 'contact, company',
    pattern: "a merge's survivor and duplicate",
    usedBy: '`POST /contacts/{id}/merge`, `POST /companies/{id}/merge`',
    functions: ['CrmApi'],
    keyCondition: 'BatchGet `CONTACT#<survivor>`, `CONTACT#<duplicate>` (or `COMPANY#`)',
    roundTrips: '1 BatchGet (again for the last step)',
    keys: (kind: DuplicateKind, survivorId: string, duplicateId: string) => [
      recordKey(kind, survivorId),
      recordKey(kind, duplicateId),
    ],
  }),
  mergeMoving: batchGet({
    entity: 'deal, contact, activity, deal history, project',
    pattern: 'the records a merge moves to the survivor, read again (consistently) before each batch',
    usedBy: '`POST /contacts/{id}/merge`, `POST /companies/{id}/merge`',
    functions: ['CrmApi'],
    keyCondition:
      'BatchGet the keys found by `contactDeals`, `contactTimeline`, `companyContacts`, `companyDeals`, `companyProjects`',
    roundTrips: '1 BatchGet per batch of 5 to 25',
    keys: (found: Key[]) => found,
  }),
});

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
    ...pairKey(kind, id, otherId),
    entity: 'duplicate',
    id,
    otherId,
    shared,
    foundAt,
    // one side of each pair is listed
    ...(id === first ? { gsi1pk: duplicatesPartition(kind), gsi1sk: `${foundAt}#${first}#${second}` } : {}),
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
          .query({ ...duplicatePatterns.matchKeyMembers.query(kind, key), limit: MAX_NEW_PAIRS + skip.size })
          .then(({ items }) => ({
            key,
            ids: items.map((i) => String(i.sk)).filter((other) => !skip.has(other)),
          })),
      ),
    ]);
    const pattern = duplicatePatterns.duplicatesTracked;
    const writes: Write[] = [
      ...added.map((key) => ({ pattern, put: { ...matchKey(kind, key, id), entity: 'match' } })),
      ...removed.map((key) => ({ pattern, delete: matchKey(kind, key, id) })),
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
          { pattern, delete: pairKey(kind, id, other) },
          { pattern, delete: pairKey(kind, other, id) },
        );
      } else if (!before_ || before_.shared.join() !== now_.join()) {
        writes.push(...pairItems(kind, id, other, now_, entry.foundAt).map((put) => ({ pattern, put })));
      }
    }
    return writes;
  }

  private async pairsOf(kind: DuplicateKind, id: string): Promise<PairSide[]> {
    const items = await this.store.queryAll(duplicatePatterns.recordPairs.query(kind, id));
    return items.map(asPairSide);
  }

  /** Likely duplicates, oldest found first, each with both records as they are now. */
  async list(kind: DuplicateKind, page: PageRequest): Promise<Page<DuplicatePair>> {
    const { items, lastKey } = await pageItems(this.store, {
      ...duplicatePatterns.likelyDuplicates.query(kind),
      limit: page.limit,
      ...(page.startKey ? { startKey: page.startKey } : {}),
    });
    const sides = items.map(asPairSide);
    const records = await this.store.batchGet(
      duplicatePatterns.pairRecords,
      kind,
      sides.flatMap((p) => [p.id, p.otherId]),
    );
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

  /** The company an import row names by its domain: the first member of the domain's match key. */
  async companyWithDomain(domain: string): Promise<string | undefined> {
    const { items } = await this.store.query({
      ...duplicatePatterns.matchKeyMembers.query('company', `domain:${domain}`),
      limit: 1,
    });
    return items[0] ? String(items[0].sk) : undefined;
  }
}
