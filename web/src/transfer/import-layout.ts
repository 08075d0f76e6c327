import type { Schemas } from '../api/client.js';

type CustomFieldDefinition = Schemas['CustomField'];

// The columns an import takes, per kind of record (docs/api.md, "Importing and exporting CSV"):
// the header a file must have. The API does not serve this layout (yet); it is written here as
// the API documents it, and test/web/console-at-size-logic.test.ts holds it to the importer's own
// (domain/transfer/columns.ts), so the two cannot drift. Custom fields are `custom.<key>`.

export type ImportKind = 'contacts' | 'companies' | 'deals';

export interface ImportColumn {
  name: string;
  /** What the column fills, as a person reads it. */
  label: string;
}

const STAMPS: ImportColumn[] = [
  { name: 'createdAt', label: 'Created (ignored)' },
  { name: 'updatedAt', label: 'Updated (ignored)' },
];

export const IMPORT_LAYOUT: Record<ImportKind, { columns: ImportColumn[]; required: string[] }> = {
  contacts: {
    required: ['firstName'],
    columns: [
      { name: 'id', label: 'Handoff id (to update)' },
      { name: 'firstName', label: 'First name' },
      { name: 'lastName', label: 'Last name' },
      { name: 'email', label: 'Email' },
      { name: 'otherEmails', label: 'Other emails (; between)' },
      { name: 'phones', label: 'Phones (; between)' },
      { name: 'title', label: 'Job title' },
      { name: 'companyId', label: 'Company id' },
      { name: 'companyDomain', label: 'Company domain' },
      { name: 'tags', label: 'Tags (; between)' },
      { name: 'notes', label: 'Notes' },
      ...STAMPS,
    ],
  },
  companies: {
    required: ['name'],
    columns: [
      { name: 'id', label: 'Handoff id (to update)' },
      { name: 'name', label: 'Name' },
      { name: 'domain', label: 'Domain' },
      { name: 'phone', label: 'Phone' },
      { name: 'street', label: 'Street' },
      { name: 'city', label: 'City' },
      { name: 'region', label: 'Region' },
      { name: 'postalCode', label: 'Postal code' },
      { name: 'country', label: 'Country' },
      { name: 'tags', label: 'Tags (; between)' },
      { name: 'notes', label: 'Notes' },
      ...STAMPS,
    ],
  },
  deals: {
    required: ['title', 'amount', 'currency', 'nextAction', 'nextActionDue'],
    columns: [
      { name: 'id', label: 'Handoff id (to update)' },
      { name: 'title', label: 'Title' },
      { name: 'amount', label: 'Amount (like 1234.50)' },
      { name: 'currency', label: 'Currency (like EUR)' },
      { name: 'ownerId', label: 'Owner id' },
      { name: 'pipelineId', label: 'Pipeline id' },
      { name: 'stage', label: 'Stage (name or id)' },
      { name: 'status', label: 'Status' },
      { name: 'leadSource', label: 'Lead source' },
      { name: 'expectedCloseDate', label: 'Expected close (YYYY-MM-DD)' },
      { name: 'contactId', label: 'Contact id' },
      { name: 'contactEmail', label: 'Contact email' },
      { name: 'companyId', label: 'Company id' },
      { name: 'companyDomain', label: 'Company domain' },
      { name: 'nextAction', label: 'Next action' },
      { name: 'nextActionDue', label: 'Next action due (ISO 8601)' },
      { name: 'tags', label: 'Tags (; between)' },
      ...STAMPS,
    ],
  },
};

const ENTITY: Record<ImportKind, CustomFieldDefinition['entity']> = {
  contacts: 'contact',
  companies: 'company',
  deals: 'deal',
};

/** Every column a file of this kind may have, its custom fields last. */
export function importColumns(kind: ImportKind, fields: CustomFieldDefinition[]): ImportColumn[] {
  return [
    ...IMPORT_LAYOUT[kind].columns,
    ...fields
      .filter((f) => f.entity === ENTITY[kind])
      .map((f) => ({ name: `custom.${f.key}`, label: f.label })),
  ];
}

const loose = (name: string) => name.toLowerCase().replace(/[^a-z0-9.]/g, '');

/**
 * The column a file's header cell is, by name: exactly, else ignoring case, spaces and
 * punctuation ("First Name" is firstName), else by its label ("Job title" is title); '' when none.
 */
export function matchColumn(header: string, columns: ImportColumn[]): string {
  const exact = columns.find((c) => c.name === header.trim());
  if (exact) return exact.name;
  const h = loose(header);
  if (!h) return '';
  return (
    columns.find((c) => loose(c.name) === h)?.name ??
    columns.find((c) => loose(c.label.replace(/\s*\(.*\)$/, '')) === h)?.name ??
    ''
  );
}
