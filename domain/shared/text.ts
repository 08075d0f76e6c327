import * as z from './zod.js';

// Text normalisation used for search keys: case- and accent-insensitive, single spaces, so that
// "  Zoë   O'Neil" and "zoe o'neil" land on the same index key. Letters Unicode does not
// decompose are folded as a person types them on a keyboard without them (ß → ss, ø → o, æ → ae).
const FOLDED: Record<string, string> = {
  ß: 'ss',
  ẞ: 'ss',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  ø: 'o',
  Ø: 'o',
  ł: 'l',
  Ł: 'l',
  đ: 'd',
  Đ: 'd',
  ð: 'd',
  Ð: 'd',
  þ: 'th',
  Þ: 'th',
  ı: 'i',
};
const UNFOLDED = new RegExp(`[${Object.keys(FOLDED).join('')}]`, 'gu');

export function normalizeText(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(UNFOLDED, (c) => FOLDED[c]!)
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A record is findable by this many words of its name: each is a copy written in the record's
 * transactions, which DynamoDB caps at 100 items (a rename deletes the old copies and writes the
 * new, beside up to 20 tags each way).
 */
export const MAX_NAME_WORDS = 12;

/**
 * The words a name is found by (`?q=` matches the start of any of them): normalised, split at
 * anything not a letter or digit ("O'Neil-Smith" → o, neil, smith), each once, the first
 * MAX_NAME_WORDS of them, sorted.
 */
export function nameWords(...texts: (string | undefined)[]): string[] {
  const words = texts.flatMap((t) => (t ? normalizeText(t).split(/[^\p{L}\p{N}]+/u) : []));
  return [...new Set(words.filter(Boolean))].slice(0, MAX_NAME_WORDS).sort();
}

// German umlauts are typed two ways without a German keyboard: "Müller" as "muller" (the accent
// left off, what normalizeText does) or as "mueller" (the German transliteration; ß is "ss"
// either way). A name is stored under both spellings, so whichever a person types, the start of
// it finds the name ("mue" and "mul" both find Müller, "juergen" and "jurgen" Jürgen).
const GERMAN: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue' };

/** The German transliteration of the umlauts (ä → ae, ö → oe, ü → ue); other letters unchanged. */
export function transliterateGerman(value: string): string {
  return value.normalize('NFC').replace(/[äöüÄÖÜ]/g, (c) => GERMAN[c]!);
}

/**
 * A record is found by at most this many words, both spellings counted: the name's words
 * (MAX_NAME_WORDS), then the transliterated spellings of those with umlauts, as long as there is
 * room. Each is a copy written in the record's transactions (see MAX_NAME_WORDS).
 */
export const MAX_SEARCH_WORDS = 16;

/**
 * The words a record is found by: its name's words as `nameWords` folds them, and, for words with
 * umlauts, their German spelling too (docs/data-model.md, "Search"), at most MAX_SEARCH_WORDS,
 * sorted. A query is folded by `nameWords` alone: both spellings of it are stored.
 */
export function searchWords(...texts: (string | undefined)[]): string[] {
  const plain = nameWords(...texts);
  const german = nameWords(...texts.map((t) => (t ? transliterateGerman(t) : t))).filter(
    (w) => !plain.includes(w),
  );
  return [...plain, ...german].slice(0, MAX_SEARCH_WORDS).sort();
}

export const Tag = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]{0,39}$/u, {
    error: 'must be 1-40 letters, digits, spaces, - or _ and start with a letter or digit',
  });

export const Tags = z
  .array(Tag)
  .max(20)
  .overwrite((tags) => [...new Set(tags)]);

const nonEmptyText = (max: number) => z.string().trim().min(1, { error: 'must not be empty' }).max(max);
// One schema per length, shared by the fields of that length, and built when first parsed or
// documented: modules declare their fields at import, and a cold start should pay only for the
// ones its request reads (domain/shared/zod.ts).
const texts = new Map<number, z.ZodLazy<ReturnType<typeof nonEmptyText>>>();

export function text(max: number) {
  let schema = texts.get(max);
  if (!schema) {
    schema = z.lazyOnce(() => nonEmptyText(max));
    texts.set(max, schema);
  }
  return schema;
}
