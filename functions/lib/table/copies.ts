import { BadRequest } from '../../../domain/shared/errors.js';
import { nameWords } from '../../../domain/shared/text.js';
import type { Item, Key, QuerySpec } from './item.js';
import { patterns, query } from './pattern.js';

// What DynamoDB cannot index directly is kept as copies written with the record
// (docs/architecture.md, decision 1): a copy per tag, and per word of a name or title. Contacts,
// companies and deals keep both, in their own transactions (their modules in entities/).
//
// `?q=` on contacts, companies and deals (their titles), and `GET /search`. One word finds every
// record with a name word starting with it ("dur" → Marie Durand, "muller" and "mue" → Zürich
// Müller AG: each word is copied in both spellings, text.ts `searchWords`): a Query of the
// name-word copies. A record can match on two of its words ("an" → Anna Andersen); each copy
// carries all the record's words, so a page keeps only the copy of the first word the query
// matches: a rule on the item alone, so pages agree with each other. Several words are a prefix
// of the full name, in order.

/** The records found by their tags and by the words of their name (title). */
export type CopiedKind = 'contact' | 'company' | 'deal';

const tagPartition = (kind: CopiedKind, tag: string) => `TAG#${kind}#${tag}`;
/** Every word of every contact's or company's name (a deal's title), each a copy of its record. */
const wordPartition = (kind: CopiedKind) => `WORDS#${kind}`;

/** A copy of a tagged record, in its tag's partition. */
export const taggedKey = (kind: CopiedKind, tag: string, id: string): Key => ({
  pk: tagPartition(kind, tag),
  sk: id,
});

/** A copy of a record under one word of its name or title. */
export const nameWordKey = (kind: CopiedKind, word: string, id: string): Key => ({
  pk: wordPartition(kind),
  sk: `${word}#${id}`,
});

/** A record's copy per tag. */
export function tagItems(kind: CopiedKind, record: { id: string; tags: string[] }): Item[] {
  return record.tags.map((tag) => ({ ...taggedKey(kind, tag, record.id), entity: `${kind}-tag`, ...record }));
}

/** The name-word copies of a record: one per word, each carrying the record and all its words. */
export function nameWordItems(kind: CopiedKind, record: { id: string }, words: string[]): Item[] {
  return words.map((word) => ({
    ...nameWordKey(kind, word, record.id),
    entity: `${kind}-word`,
    ...record,
    words,
  }));
}

export const copyPatterns = patterns({
  nameWordRecords: query({
    entity: 'contact, company, deal',
    pattern:
      'contacts, companies or deals by the start of any word of their name or title (accent- and case-folded; a German umlaut in both spellings, ü as u and as ue)',
    usedBy:
      '`GET /search` (each kind), `GET /contacts?q=`, `GET /companies?q=` (one word), `GET /deals?q=` (any words; other filters narrow it)',
    functions: ['CrmApi'],
    index: 'table',
    keyCondition: '`pk = WORDS#<kind> AND begins_with(sk, <folded q>)`',
    roundTrips: '1 Query (a record matching on two words is read twice and kept once)',
    query: (kind: CopiedKind, wordPrefix: string) => ({
      partition: wordPartition(kind),
      sort: { beginsWith: wordPrefix },
    }),
  }),
  taggedRecords: query({
    entity: 'company, contact, deal',
    pattern: 'records with a tag (their copies)',
    usedBy: '`GET /companies?tag=`, `/contacts?tag=`, `/deals?tag=`, segments, exports',
    functions: ['CrmApi', 'CsvExport'],
    index: 'table',
    keyCondition: '`pk = TAG#<kind>#<tag>`, narrowed by a filter',
    roundTrips: '1 Query',
    query: (kind: CopiedKind, tag: string) => ({ partition: tagPartition(kind, tag) }),
  }),
});

export interface NameSearch {
  spec: QuerySpec;
  keep?: (item: Record<string, unknown>) => boolean;
}

/** The search of one word, or undefined when `q` has several (the caller reads the full name). */
export function nameWordSearch(kind: CopiedKind, q: string): NameSearch | undefined {
  const words = nameWords(q);
  if (words.length !== 1) return undefined;
  const prefix = words[0]!;
  return {
    spec: copyPatterns.nameWordRecords.query(kind, prefix),
    keep: (item) => {
      const own = String(item.sk).slice(0, String(item.sk).lastIndexOf('#'));
      const first = (item.words as string[] | undefined)?.find((w) => w.startsWith(prefix));
      return own === first;
    },
  };
}

/**
 * The search of several words (`GET /search`): the first word's copies, each record once, kept
 * when every other word starts one of its words too (in any order, in either spelling).
 */
export function wordsSearch(kind: CopiedKind, words: string[]): NameSearch | undefined {
  const [first, ...others] = words;
  if (first === undefined) return undefined;
  const one = nameWordSearch(kind, first)!;
  return {
    spec: one.spec,
    keep: (item) => {
      if (!one.keep!(item)) return false;
      const own = (item.words as string[] | undefined) ?? [];
      return others.every((w) => own.some((t) => t.startsWith(w)));
    },
  };
}

/** A name prefix is a key condition of its own, so it cannot narrow a tag's copies. */
export const nameWithTag = () =>
  new BadRequest('q (a name prefix) cannot be combined with tag: each is an index of its own', {
    errors: [{ path: 'q', message: 'cannot be combined with tag' }],
  });
