import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minorFromTyped } from '../../web/src/ui/format.js';
import { plainFieldMessage } from '../../web/src/ui/plain-message.js';

// What the console sends for what a person typed, and what it says about what the API refused
// (pure functions of the console, run here without a browser).

describe('an amount as typed', () => {
  it('property: any amount with at most the currency’s decimals becomes exactly its minor units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), fc.boolean(), (minor, comma) => {
        const typed = `${Math.floor(minor / 100)}${comma ? ',' : '.'}${String(minor % 100).padStart(2, '0')}`;
        expect(minorFromTyped(typed, 'EUR')).toBe(minor);
      }),
    );
  });

  it('whole amounts, yen without decimals, one decimal; fractions of a cent are never rounded away', () => {
    expect(minorFromTyped('12500', 'EUR')).toBe(1_250_000);
    expect(minorFromTyped('12.3', 'EUR')).toBe(1230);
    expect(minorFromTyped('700', 'JPY')).toBe(700);
    // sent as it is, not an integer: the API refuses it at the field
    expect(Number.isInteger(minorFromTyped('12.345', 'EUR'))).toBe(false);
    expect(Number.isInteger(minorFromTyped('1.5', 'JPY'))).toBe(false);
  });

  it('empty or not a number is NaN (null in JSON: the API names the missing amount)', () => {
    for (const typed of ['', '  ', 'abc', '1.2.3', '.', '12,500.50'])
      expect(minorFromTyped(typed, 'EUR')).toBeNaN();
  });
});

describe("the API's field messages, said as what to do", () => {
  it.each([
    ['must be an ISO 8601 UTC instant, e.g. 2026-03-01T09:00:00Z', 'datetime', 'Pick a date and time.'],
    ['is required', 'datetime', 'Pick a date and time.'],
    ['Invalid input: expected number, received null', 'money', 'Enter an amount.'],
    [
      'must be an integer amount in minor units (cents)',
      'money',
      'Use at most the currency’s decimals (cents).',
    ],
    ['Too small: expected number to be >=0', 'number', 'Must be 0 or more.'],
    ['Too big: expected string to have <=200 characters', 'text', 'Keep it to 200 characters or fewer.'],
    ['must be one of: gold, silver', 'choice', 'Choose one.'],
    [
      'must be an ISO 4217 currency code, e.g. EUR',
      'currency',
      'Enter a three-letter currency code, like EUR.',
    ],
    ['the contact belongs to another company', 'choice', 'The contact belongs to another company.'],
  ] as const)('%s → %s', (message, kind, said) => {
    expect(plainFieldMessage(message, kind)).toBe(said);
  });
});
