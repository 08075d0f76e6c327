import type { Key } from './item.js';

// The key values several entities share: the partitions of the overloaded indexes (a company's
// contacts, deals, projects and timeline are all `COMPANY#<id>` on gsi4), the timelines' sort
// keys, the due index's shards and the config items. An entity's own keys are in its module
// (entities/); docs/data-model.md describes both.

export const partitions = {
  /** gsi1: every item of one kind. */
  allOf: (type: 'COMPANY' | 'CONTACT' | 'PIPELINE' | 'DEAL' | 'TEMPLATE' | 'PROJECT' | 'USER' | 'SEGMENT') =>
    type,
  /** gsi2 (deals, activities, projects, jobs): a person's. */
  owner: (userId: string) => `OWNER#${userId}`,
  /** gsi2 (tasks) and gsi6 (CRM tasks): a person's assignments. */
  assignee: (userId: string) => `ASSIGNEE#${userId}`,
  /** gsi3: a pipeline's deals. */
  pipeline: (id: string) => `PIPELINE#${id}`,
  /** gsi3: a deal's timeline. */
  deal: (id: string) => `DEAL#${id}`,
  /** gsi4: a company's contacts, deals, projects and timeline. */
  company: (id: string) => `COMPANY#${id}`,
  /** gsi5: a contact's timeline and deals. */
  contact: (id: string) => `CONTACT#${id}`,
  /** The due index's write shards for next actions and tasks (see docs/data-model.md). */
  due: (shard: number) => `DUE#${shard}`,
};

export const TIMELINE_HEAD = 'TL#~';
export const TIMELINE = 'TL#';

/** An entry's place on a deal's (gsi3), company's (gsi4) or contact's (gsi5) timeline: by its instant, then its id. */
export const timelineSortKey = (at: string, id: string) => `${TIMELINE}${at}#${id}`;

/** A status-ordered list on an overloaded index: `DEAL#<status>#`, or every status. */
export const statusPrefix = (status?: string) => (status ? `${status}#` : '');

/**
 * Next actions and tasks spread over this many due-index partitions, by id: a bulk import or a
 * mass reschedule would otherwise send every write to one partition of the index.
 */
export const DUE_SHARDS = 4;

export function dueShard(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % DUE_SHARDS;
}

/** A workspace-wide setting (custom fields, lead routing, reasons, the calendar, the cursor key). */
export const configKey = (name: string): Key => ({ pk: `CONFIG#${name}`, sk: 'CONFIG' });

/**
 * A deal's line items, beside the deal in its partition (entities/line-items.ts): the deal's win
 * reads them with the deal (entities/deal.ts), so the key is shared.
 */
export const dealLinesKey = (dealId: string): Key => ({ pk: `DEAL#${dealId}`, sk: 'LINES' });
