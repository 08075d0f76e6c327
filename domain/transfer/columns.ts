import type { Company } from '../crm/company.js';
import type { Contact } from '../crm/contact.js';
import type { Deal } from '../crm/deal.js';
import type { CustomField } from '../custom-fields/custom-fields.js';
import type { FieldIssue } from '../shared/errors.js';
import type { RecordKind } from './jobs.js';

// The CSV columns of each kind of record, both ways: a row of text cells becomes the input the
// API's own schemas validate (so an import accepts exactly what the API accepts), and a record
// becomes a row. An export can be imported again: read-only columns (createdAt …) are accepted
// and ignored. Lists are separated by `;`; custom fields are `custom.<key>` columns.
// Written by hand because it is the mapping itself (which column is which field, how a cell
// reads): a CSV library parses the file, this says what the cells mean.
// Over 300 lines: one layout per kind of record, side by side so their conventions stay alike.

export const LIST_SEPARATOR = ';';
export const CUSTOM_PREFIX = 'custom.';

type Cells = Record<string, string>;
type Input = Record<string, unknown>;

interface Column<R> {
  name: string;
  /** Sets the cell's value on the input (absent when the cell is empty). */
  read?: (input: Input, cell: string, issues: FieldIssue[]) => void;
  /** The record's cell. */
  write?: (record: R) => string;
}

export interface Layout<R> {
  columns: Column<R>[];
  /** Columns every file of this kind has: without one, every row would be refused. */
  required: string[];
  /** The CSV column of a schema path (`emails.0` → `email`), for the rejected-rows report. */
  columnOf(path: string): string;
  /** Turns what the cells said into the API's shape where a field spans cells (a deal's value). */
  finish?(input: Input, issues: FieldIssue[]): void;
}

const list = (cell: string) =>
  cell
    .split(LIST_SEPARATOR)
    .map((v) => v.trim())
    .filter(Boolean);

const set =
  (field: string) =>
  (input: Input, cell: string): void => {
    input[field] = cell;
  };
const setList =
  (field: string) =>
  (input: Input, cell: string): void => {
    input[field] = list(cell);
  };
const nested =
  (parent: string, field: string) =>
  (input: Input, cell: string): void => {
    input[parent] = { ...(input[parent] as Input | undefined), [field]: cell };
  };

/** Decimal places of a currency's minor unit (EUR 2, JPY 0), as ISO 4217 says. */
export function minorDigits(currency: string): number | undefined {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits;
  } catch {
    return undefined;
  }
}

/** "1234.50" in EUR → 123450; undefined when the text is not such a number. */
export function toMinorUnits(text: string, currency: string): number | undefined {
  const digits = minorDigits(currency) ?? 2;
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match || (match[3]?.length ?? 0) > digits) return undefined;
  const [, sign, whole, fraction = ''] = match;
  const value = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || 0);
  return sign ? -value : value;
}

export function fromMinorUnits(amount: number, currency: string): string {
  const digits = minorDigits(currency) ?? 2;
  if (digits === 0) return String(amount);
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  return `${sign}${Math.floor(abs / 10 ** digits)}.${String(abs % 10 ** digits).padStart(digits, '0')}`;
}

const joined = (values: readonly string[] | undefined) => (values ?? []).join(LIST_SEPARATOR);

// ------------------------------------------------------------------------- custom fields

function readCustom(field: CustomField, cell: string): unknown {
  switch (field.type) {
    case 'number': {
      const n = Number(cell);
      return cell.trim() !== '' && Number.isFinite(n) ? n : cell;
    }
    case 'boolean': {
      const v = cell.trim().toLowerCase();
      if (['true', 'yes', '1'].includes(v)) return true;
      if (['false', 'no', '0'].includes(v)) return false;
      return cell;
    }
    case 'multi-select':
      return list(cell);
    case 'money': {
      const [amount = '', currency = ''] = cell.trim().split(/\s+/);
      const minor = toMinorUnits(amount, currency.toUpperCase());
      return minor === undefined ? cell : { amount: minor, currency: currency.toUpperCase() };
    }
    default:
      return cell;
  }
}

function writeCustom(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return joined(value as string[]);
  if (typeof value === 'object') {
    const { amount, currency } = value as { amount: number; currency: string };
    return `${fromMinorUnits(amount, currency)} ${currency}`;
  }
  return String(value);
}

function customColumns<R extends { customFields?: Record<string, unknown> | undefined }>(
  fields: CustomField[],
): Column<R>[] {
  return fields.map((field) => ({
    name: `${CUSTOM_PREFIX}${field.key}`,
    read: (input, cell) => {
      input.customFields = {
        ...(input.customFields as Input | undefined),
        [field.key]: readCustom(field, cell),
      };
    },
    write: (record) => writeCustom(record.customFields?.[field.key]),
  }));
}

const stamps = <R extends { createdAt: string; updatedAt: string }>(): Column<R>[] => [
  { name: 'createdAt', write: (r) => r.createdAt },
  { name: 'updatedAt', write: (r) => r.updatedAt },
];

function columnOf(map: Record<string, string>) {
  return (path: string): string => {
    if (path.startsWith('customFields.')) return `${CUSTOM_PREFIX}${path.split('.')[1]}`;
    for (const [prefix, column] of Object.entries(map)) {
      if (path === prefix || path.startsWith(`${prefix}.`)) return column;
    }
    return path.split('.')[0] || '(row)';
  };
}

// ------------------------------------------------------------------------- contacts

export function contactLayout(fields: CustomField[]): Layout<Contact> {
  return {
    required: ['firstName'],
    columns: [
      { name: 'id', read: set('id'), write: (c) => c.id },
      { name: 'firstName', read: set('firstName'), write: (c) => c.firstName },
      { name: 'lastName', read: set('lastName'), write: (c) => c.lastName ?? '' },
      {
        name: 'email',
        read: (input, cell) => {
          input.emails = [cell, ...((input.emails as string[] | undefined) ?? [])];
        },
        write: (c) => c.emails[0] ?? '',
      },
      {
        name: 'otherEmails',
        read: (input, cell) => {
          input.emails = [...((input.emails as string[] | undefined) ?? []), ...list(cell)];
        },
        write: (c) => joined(c.emails.slice(1)),
      },
      { name: 'phones', read: setList('phones'), write: (c) => joined(c.phones) },
      { name: 'title', read: set('title'), write: (c) => c.title ?? '' },
      { name: 'companyId', read: set('companyId'), write: (c) => c.companyId ?? '' },
      { name: 'companyDomain', read: set('companyDomain') },
      { name: 'tags', read: setList('tags'), write: (c) => joined(c.tags) },
      { name: 'notes', read: set('notes'), write: (c) => c.notes ?? '' },
      ...stamps<Contact>(),
      ...customColumns<Contact>(fields),
    ],
    columnOf: columnOf({ emails: 'email', phones: 'phones', tags: 'tags' }),
  };
}

// ------------------------------------------------------------------------- companies

export function companyLayout(fields: CustomField[]): Layout<Company> {
  const address = (field: 'street' | 'city' | 'region' | 'postalCode' | 'country'): Column<Company> => ({
    name: field,
    read: nested('address', field),
    write: (c) => c.address?.[field] ?? '',
  });
  return {
    required: ['name'],
    columns: [
      { name: 'id', read: set('id'), write: (c) => c.id },
      { name: 'name', read: set('name'), write: (c) => c.name },
      { name: 'domain', read: set('domain'), write: (c) => c.domain ?? '' },
      { name: 'phone', read: set('phone'), write: (c) => c.phone ?? '' },
      address('street'),
      address('city'),
      address('region'),
      address('postalCode'),
      address('country'),
      { name: 'tags', read: setList('tags'), write: (c) => joined(c.tags) },
      { name: 'notes', read: set('notes'), write: (c) => c.notes ?? '' },
      ...stamps<Company>(),
      ...customColumns<Company>(fields),
    ],
    columnOf: columnOf({
      'address.street': 'street',
      'address.city': 'city',
      'address.region': 'region',
      'address.postalCode': 'postalCode',
      'address.country': 'country',
    }),
  };
}

// ------------------------------------------------------------------------- deals

export function dealLayout(fields: CustomField[]): Layout<Deal> {
  return {
    required: ['title', 'amount', 'currency', 'nextAction', 'nextActionDue'],
    columns: [
      { name: 'id', read: set('id'), write: (d) => d.id },
      { name: 'title', read: set('title'), write: (d) => d.title },
      {
        name: 'amount',
        read: (input, cell) => {
          input.amountText = cell;
        },
        write: (d) => fromMinorUnits(d.value.amount, d.value.currency),
      },
      {
        name: 'currency',
        read: (input, cell) => {
          input.currency = cell.trim().toUpperCase();
        },
        write: (d) => d.value.currency,
      },
      { name: 'ownerId', read: set('ownerId'), write: (d) => d.ownerId },
      { name: 'pipelineId', read: set('pipelineId'), write: (d) => d.pipelineId },
      { name: 'stage', read: set('stage'), write: (d) => d.stageId },
      { name: 'status', read: set('status'), write: (d) => d.status },
      { name: 'leadSource', read: set('leadSource'), write: (d) => d.leadSource ?? '' },
      { name: 'expectedCloseDate', read: set('expectedCloseDate'), write: (d) => d.expectedCloseDate ?? '' },
      { name: 'contactId', read: set('contactId'), write: (d) => d.contactId ?? '' },
      { name: 'contactEmail', read: set('contactEmail') },
      { name: 'companyId', read: set('companyId'), write: (d) => d.companyId ?? '' },
      { name: 'companyDomain', read: set('companyDomain') },
      {
        name: 'nextAction',
        read: nested('nextAction', 'summary'),
        write: (d) => d.nextAction?.summary ?? '',
      },
      { name: 'nextActionDue', read: nested('nextAction', 'dueAt'), write: (d) => d.nextAction?.dueAt ?? '' },
      { name: 'tags', read: setList('tags'), write: (d) => joined(d.tags) },
      ...stamps<Deal>(),
      ...customColumns<Deal>(fields),
    ],
    finish: (input, issues) => {
      const { amountText, currency } = input as { amountText?: string; currency?: string };
      delete input.amountText;
      delete input.currency;
      if (amountText === undefined) return;
      const amount = currency ? toMinorUnits(amountText, currency) : undefined;
      if (currency && amount === undefined) {
        issues.push({
          path: 'amount',
          message: `must be an amount in ${currency} such as ${fromMinorUnits(123456, currency)} (no thousands separators)`,
        });
        return;
      }
      // without a currency, the currency is the problem to name, not the amount
      input.value = { amount: amount ?? 0, currency: currency ?? '' };
    },
    columnOf: columnOf({
      'value.amount': 'amount',
      'value.currency': 'currency',
      value: 'amount',
      'nextAction.summary': 'nextAction',
      'nextAction.dueAt': 'nextActionDue',
      nextAction: 'nextAction',
      stageId: 'stage',
    }),
  };
}

export function layoutOf(kind: RecordKind, fields: CustomField[]): Layout<Contact & Company & Deal> {
  const entity = kind === 'contacts' ? 'contact' : kind === 'companies' ? 'company' : 'deal';
  const own = fields.filter((f) => f.entity === entity);
  const layout =
    kind === 'contacts' ? contactLayout(own) : kind === 'companies' ? companyLayout(own) : dealLayout(own);
  return layout as unknown as Layout<Contact & Company & Deal>;
}

export interface HeaderProblem {
  unknown: string[];
  missing: string[];
  repeated: string[];
}

/** What is wrong with a file's header for this layout, if anything. */
export function checkHeader<R>(layout: Layout<R>, header: string[]): HeaderProblem | undefined {
  const known = new Set(layout.columns.map((c) => c.name));
  const names = header.map((h) => h.trim());
  const unknown = names.filter((h) => !known.has(h));
  const missing = layout.required.filter((r) => !names.includes(r));
  const repeated = names.filter((h, i) => names.indexOf(h) !== i);
  return unknown.length || missing.length || repeated.length ? { unknown, missing, repeated } : undefined;
}

export function describeHeaderProblem<R>(layout: Layout<R>, p: HeaderProblem): string {
  const parts: string[] = [];
  if (p.missing.length) parts.push(`missing required column(s): ${p.missing.join(', ')}`);
  if (p.unknown.length) parts.push(`unknown column(s): ${p.unknown.join(', ')}`);
  if (p.repeated.length) parts.push(`repeated column(s): ${[...new Set(p.repeated)].join(', ')}`);
  return `${parts.join('; ')}. The columns are: ${layout.columns.map((c) => c.name).join(', ')}`;
}

/** A row's cells (by column) as an API input; empty cells are absent. */
export function readRow<R>(layout: Layout<R>, cells: Cells): { input: Input; issues: FieldIssue[] } {
  const input: Input = {};
  const issues: FieldIssue[] = [];
  for (const column of layout.columns) {
    const cell = cells[column.name];
    if (cell === undefined || cell.trim() === '' || !column.read) continue;
    column.read(input, cell, issues);
  }
  layout.finish?.(input, issues);
  return { input, issues };
}

export function writeRow<R>(layout: Layout<R>, record: R): string[] {
  return layout.columns.filter((c) => c.write).map((c) => c.write!(record));
}

export function exportHeader<R>(layout: Layout<R>): string[] {
  return layout.columns.filter((c) => c.write).map((c) => c.name);
}
