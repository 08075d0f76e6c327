import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { Email } from '../../../domain/crm/contact.js';
import { CUSTOM_FIELD_TYPES, validateCustomFields } from '../../../domain/custom-fields/custom-fields.js';
import { addMonths, inCalendar } from '../../../domain/reports/reports.js';
import { ID_PREFIX, type IdKind, idSchema, UserId } from '../../../domain/shared/ids.js';
import { Currency, Money } from '../../../domain/shared/money.js';
import { Tag } from '../../../domain/shared/text.js';
import { CalendarDate, Instant } from '../../../domain/shared/time.js';
import { malformedStrings } from '../../support/malformed.js';

// Every scalar the API reads, checked on its own against malformed strings of every shape
// (wrong format, boundary years, empty, huge, control characters, unicode, look-alikes):
// parsing never throws, whatever it is given, and what it accepts has the form it promises.
// (A check that fails but lets a later step throw is how a malformed instant once became a 500.)

const runs = { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) };

function neverThrows(name: string, schema: z.ZodType, accepted: (out: unknown) => boolean) {
  it(`${name}: parsing never throws, and what it accepts has its form`, () => {
    fc.assert(
      fc.property(fc.oneof(malformedStrings(), fc.anything()), (input) => {
        const result = schema.safeParse(input);
        if (result.success) expect(accepted(result.data), JSON.stringify(input)).toBe(true);
      }),
      runs,
    );
  });
}

describe('scalar schemas', () => {
  neverThrows(
    'Instant',
    Instant,
    (s) => typeof s === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(s),
  );
  neverThrows(
    'CalendarDate',
    CalendarDate,
    (s) => typeof s === 'string' && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)),
  );
  neverThrows('Email', Email, (s) => typeof s === 'string' && s.includes('@') && s.length <= 254);
  neverThrows('Currency', Currency, (s) => typeof s === 'string' && /^[A-Z]{3}$/.test(s));
  neverThrows('Money', Money, (m) => Number.isSafeInteger((m as { amount: number }).amount));
  neverThrows('UserId', UserId, (s) => typeof s === 'string' && s.length >= 1 && s.length <= 128);
  neverThrows('Tag', Tag, (s) => typeof s === 'string' && s === s.toLowerCase() && s.length <= 40);
  for (const kind of Object.keys(ID_PREFIX) as IdKind[]) {
    neverThrows(
      `${kind} id`,
      idSchema(kind),
      (s) => typeof s === 'string' && s.startsWith(`${ID_PREFIX[kind]}_`),
    );
  }
  for (const type of CUSTOM_FIELD_TYPES) {
    it(`a custom field of type ${type}: checking a value never throws`, () => {
      const field = {
        key: 'f',
        label: 'F',
        type,
        options: ['a', 'b'],
        required: false,
        entity: 'deal',
      } as never;
      fc.assert(
        fc.property(fc.oneof(malformedStrings(), fc.anything()), (value) => {
          const { issues, values } = validateCustomFields([field], { f: value }, 'create');
          expect(issues.length > 0 || values !== undefined).toBe(true);
        }),
        runs,
      );
    });
  }

  it('a month moved by any number of months stays YYYY-MM inside the calendar, or is refused before use', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: -200_000, max: 200_000 }),
        (year, month, n) => {
          const moved = addMonths(`${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`, n);
          const index = (year * 12 + month - 1 + n) / 12;
          // inside the calendar it is a valid YYYY-MM; outside, inCalendar says so
          expect(inCalendar(moved)).toBe(index >= 1 && index < 10_000);
          if (inCalendar(moved)) expect(moved).toMatch(/^\d{4}-(0[1-9]|1[0-2])$/);
        },
      ),
      runs,
    );
  });
});
