import type { ReactNode } from 'react';
import { Link } from 'wouter';
import type { Schemas } from '../api/client.js';
import type { CustomFieldDefinition } from '../api/custom-fields.js';
import { isOverdue } from '../pipeline/deal-badges.js';
import { customValueText } from '../ui/CustomFieldValues.js';
import { date, dateTime, money } from '../ui/format.js';
import { CompanyLink, ContactLink } from '../ui/record-links.js';

// The deals list's columns: which a person may show, what each shows, and the API order
// (GET /deals `sort`) a column's header stands for where there is one.

type Deal = Schemas['Deal'];

export interface CellContext {
  nameOf: (id: string) => string;
  stageName: (id: string) => string;
  now: number;
}

export interface DealColumn {
  id: string;
  label: string;
  /** The API's `sort` for this column, ascending (a leading `-` reverses it). */
  sort?: string;
  cell: (deal: Deal, ctx: CellContext) => ReactNode;
}

export const BUILT_IN_COLUMNS: DealColumn[] = [
  {
    id: 'title',
    label: 'Deal',
    cell: (d) => (
      <Link href={`/deals/${d.id}`} data-nav-target>
        {d.title}
      </Link>
    ),
  },
  {
    id: 'company',
    label: 'Company',
    cell: (d) => (d.companyId ? <CompanyLink id={d.companyId} name={d.companyName} /> : '–'),
  },
  { id: 'contact', label: 'Contact', cell: (d) => (d.contactId ? <ContactLink id={d.contactId} /> : '–') },
  { id: 'owner', label: 'Owner', cell: (d, c) => c.nameOf(d.ownerId) },
  {
    id: 'stage',
    label: 'Stage',
    sort: 'stageAge',
    cell: (d, c) => (d.status === 'open' ? c.stageName(d.stageId) : d.status),
  },
  { id: 'value', label: 'Value', sort: 'value', cell: (d) => money(d.value) },
  {
    id: 'expectedClose',
    label: 'Expected close',
    sort: 'expectedCloseDate',
    cell: (d) => (d.expectedCloseDate ? date(d.expectedCloseDate) : '–'),
  },
  {
    id: 'nextAction',
    label: 'Next action',
    cell: (d, c) =>
      d.nextAction ? (
        <span className={isOverdue(d, c.now) ? 'late' : undefined}>
          {d.nextAction.summary} · {dateTime(d.nextAction.dueAt)}
          {isOverdue(d, c.now) && <span className="badge late">Overdue</span>}
        </span>
      ) : (
        '–'
      ),
  },
  {
    id: 'lastActivity',
    label: 'Last activity',
    sort: 'lastActivityAt',
    cell: (d) => (d.lastActivityAt ? dateTime(d.lastActivityAt) : 'none'),
  },
  { id: 'tags', label: 'Tags', cell: (d) => (d.tags.length ? d.tags.join(', ') : '–') },
];

export const DEFAULT_COLUMNS = ['title', 'company', 'owner', 'stage', 'value', 'expectedClose', 'nextAction'];

export function customColumns(fields: CustomFieldDefinition[]): DealColumn[] {
  return fields.map((f) => ({
    id: `custom.${f.key}`,
    label: f.label,
    cell: (d) => customValueText(f, d.customFields?.[f.key]),
  }));
}

/** The orders GET /deals takes (docs/api.md, "Sorting and bounding deals"), as a person reads them. */
export const SORTS: { value: string; label: string }[] = [
  { value: '', label: 'Newest first (no sort)' },
  { value: 'expectedCloseDate', label: 'Expected close, earliest first' },
  { value: '-expectedCloseDate', label: 'Expected close, latest first' },
  { value: '-value', label: 'Value, largest first (one currency)' },
  { value: 'value', label: 'Value, smallest first (one currency)' },
  { value: '-lastActivityAt', label: 'Last activity, most recent first' },
  { value: 'lastActivityAt', label: 'Last activity, least recent first' },
  { value: 'stageAge', label: 'Time in stage, newest first (open deals)' },
  { value: '-stageAge', label: 'Time in stage, longest first (open deals)' },
];
