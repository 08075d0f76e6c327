import { describe, expect, it } from 'vitest';
import type { Contact } from '../../../domain/crm/contact.js';
import type { CustomField } from '../../../domain/custom-fields/custom-fields.js';
import {
  checkHeader,
  contactLayout,
  dealLayout,
  exportHeader,
  fromMinorUnits,
  readRow,
  toMinorUnits,
  writeRow,
} from '../../../domain/transfer/columns.js';

// The CSV columns as pure functions: what a cell means on import, what a record becomes on
// export, and that one reads back what the other writes.

const budget = {
  entity: 'contact',
  key: 'budget',
  label: 'Budget',
  type: 'money',
  required: false,
} as CustomField;
const vip = { entity: 'contact', key: 'vip', label: 'VIP', type: 'boolean', required: false } as CustomField;

const contact: Contact = {
  id: 'ct_1',
  firstName: 'Zoë',
  lastName: 'Durand',
  emails: ['zoe@example.com', 'z.durand@example.org'],
  phones: ['+33 1 23 45 67 89'],
  tags: ['vip', 'paris'],
  customFields: { budget: { amount: 1_234_50, currency: 'EUR' }, vip: true },
  createdAt: '2030-01-01T09:00:00.000Z',
  updatedAt: '2030-01-01T09:00:00.000Z',
  createdBy: 'u-alice',
  version: 3,
};

describe('CSV columns (pure)', () => {
  it('money is read in its currency minor unit, and written back the same', () => {
    expect(toMinorUnits('1234.50', 'EUR')).toBe(123_450);
    expect(toMinorUnits('1234', 'JPY')).toBe(1234);
    expect(toMinorUnits('12.345', 'EUR')).toBeUndefined(); // more decimals than the currency has
    expect(toMinorUnits('1,234.50', 'EUR')).toBeUndefined();
    expect(fromMinorUnits(123_450, 'EUR')).toBe('1234.50');
    expect(fromMinorUnits(-5, 'EUR')).toBe('-0.05');
    expect(fromMinorUnits(1234, 'JPY')).toBe('1234');
  });

  it('an exported contact reads back as the same contact, custom fields included', () => {
    const layout = contactLayout([budget, vip]);
    const header = exportHeader(layout);
    const cells = Object.fromEntries(header.map((name, i) => [name, writeRow(layout, contact)[i]!]));
    expect(cells).toMatchObject({
      email: 'zoe@example.com',
      otherEmails: 'z.durand@example.org',
      tags: 'vip;paris',
    });
    expect(cells['custom.budget']).toBe('1234.50 EUR');
    const { input, issues } = readRow(layout, cells);
    expect(issues).toEqual([]);
    expect(input).toMatchObject({
      firstName: 'Zoë',
      lastName: 'Durand',
      emails: ['zoe@example.com', 'z.durand@example.org'],
      phones: ['+33 1 23 45 67 89'],
      tags: ['vip', 'paris'],
      customFields: { budget: { amount: 1_234_50, currency: 'EUR' }, vip: true },
    });
  });

  it('empty cells are absent, and an unreadable custom value is passed on for the field rules to refuse', () => {
    const layout = contactLayout([budget, vip]);
    const { input } = readRow(layout, { firstName: 'Ada', lastName: ' ', 'custom.vip': 'perhaps' });
    expect(input).toEqual({ firstName: 'Ada', customFields: { vip: 'perhaps' } });
  });

  it('a header names its unknown, missing and repeated columns', () => {
    expect(checkHeader(contactLayout([]), ['firstName', 'email'])).toBeUndefined();
    expect(checkHeader(contactLayout([]), ['email', 'mail', 'email'])).toEqual({
      unknown: ['mail'],
      missing: ['firstName'],
      repeated: ['email'],
    });
    expect(checkHeader(dealLayout([]), ['title'])?.missing).toEqual([
      'amount',
      'currency',
      'nextAction',
      'nextActionDue',
    ]);
  });
});
