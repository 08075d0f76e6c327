import * as z from 'zod';

// Text normalisation used for search keys: case- and accent-insensitive, single spaces, so that
// "  Zoë   O'Neil" and "zoe o'neil" land on the same index key.
export function normalizeText(value: string): string {
  return value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
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

export const text = (max: number) => z.string().trim().min(1, { error: 'must not be empty' }).max(max);
