import fc from 'fast-check';

// Strings of every shape a client gets wrong: near-misses of each format the API reads
// (instants, dates, months, ids, money, emails, URLs), boundary years, empty and blank, huge,
// control characters, unicode (combining marks, emoji, right-to-left, look-alike digits), and
// arbitrary text. Used by the scalar property tests and by the route-level ones.

export const NEAR_MISSES = [
  '',
  ' ',
  'x',
  'null',
  'undefined',
  '0',
  '-1',
  '1e309',
  'NaN',
  'Infinity',
  // instants
  '2026-03-01T09:00:00',
  '2026-03-01 09:00:00Z',
  '2026-03-01T09:00:00+01:00',
  '2026-02-30T09:00:00Z',
  '2026-13-01T09:00:00Z',
  '2026-03-01T24:00:00Z',
  '2026-03-01T09:60:00Z',
  '2026-03-01T09:00:60Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '10000-01-01T00:00:00Z',
  '-0001-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '2026-03-01T09:00:00.1234567890Z',
  '２０２６-03-01T09:00:00Z',
  // dates and months
  '2026-02-29',
  '2024-02-30',
  '0000-00-00',
  '0000-01-01',
  '9999-12-31',
  '10000-01-01',
  '2026-1-1',
  '2026-W10',
  '9999-11',
  '0000-01',
  '2026-00',
  '2026-13',
  // ids and users
  'deal_',
  'deal_01',
  'deal_01J!',
  `deal_${'0'.repeat(41)}`,
  'ct_01\u0000',
  'u-\u202Eadmin',
  // money and currencies
  'EUR',
  'eur',
  'XXX',
  'EU',
  'EURO',
  // emails and urls
  'a@b',
  '@example.com',
  'a@@example.com',
  'a@example..com',
  `${'a'.repeat(250)}@example.com`,
  'javascript:alert(1)',
  'http://',
  'https://exa mple.com',
  'ftp://example.com/x',
  // text
  '\u0000',
  '\t\n\r',
  'e\u0301\u0301\u0301',
  '👩🏽‍💻',
  'א ב ג',
  '\uD800',
];

export function malformedStrings(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...NEAR_MISSES),
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({
      unit: fc.constantFrom('0', '1', '9', '-', ':', 'T', 'Z', '.', '_', '@', '/'),
      maxLength: 30,
    }),
    fc.constantFrom(10_000, 300_000).map((n) => 'x'.repeat(n)),
  );
}
