import { nameWords } from '../../../../domain/shared/text.js';
import { accessPatterns } from '../access-patterns.js';
import type { NameKind } from '../keys.js';
import type { QuerySpec } from '../store.js';

// `?q=` on contacts, companies and deals (their titles). One word finds every record with a name word starting with
// it ("dur" → Marie Durand, "muller" → Zürich Müller AG): a Query of the name-word copies. A record
// can match on two of its words ("an" → Anna Andersen); each copy carries all the record's words,
// so a page keeps only the copy of the first word the query matches: a rule on the item alone,
// so pages agree with each other. Several words are a prefix of the full name, in order.

export interface NameSearch {
  spec: QuerySpec;
  keep?: (item: Record<string, unknown>) => boolean;
}

/** The search of one word, or undefined when `q` has several (the caller reads the full name). */
export function nameWordSearch(kind: NameKind, q: string): NameSearch | undefined {
  const words = nameWords(q);
  if (words.length !== 1) return undefined;
  const prefix = words[0]!;
  return {
    spec: accessPatterns.nameWordRecords.query(kind, prefix),
    keep: (item) => {
      const own = String(item.sk).slice(0, String(item.sk).lastIndexOf('#'));
      const first = (item.words as string[] | undefined)?.find((w) => w.startsWith(prefix));
      return own === first;
    },
  };
}
