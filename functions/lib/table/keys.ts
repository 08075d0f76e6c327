import type { Attachment } from '../../../domain/attachments/attachment.js';
import { type Activity, isOpenTask, timelineInstant } from '../../../domain/crm/activity.js';
import type { Company } from '../../../domain/crm/company.js';
import { type Contact, searchName } from '../../../domain/crm/contact.js';
import type { Deal } from '../../../domain/crm/deal.js';
import type { Pipeline } from '../../../domain/crm/pipeline.js';
import { isClosed, type Project, type Task, type TimeEntry } from '../../../domain/delivery/project.js';
import { promiseState } from '../../../domain/delivery/promise.js';
import type { Template } from '../../../domain/delivery/template.js';
import { taskDueAt } from '../../../domain/followup/followups.js';
import { normalizeText } from '../../../domain/shared/text.js';
import type { Item, Key } from './store.js';

// Every item's keys and index keys, in one place; the Queries over them are declared in
// access-patterns.ts. docs/data-model.md describes both (its access-pattern table is generated).
// Just over 300 lines: the item builders sit beside the keys they write, so a key and the index
// entries made from it change together.

export const keys = {
  company: (id: string): Key => ({ pk: `COMPANY#${id}`, sk: 'COMPANY' }),
  contact: (id: string): Key => ({ pk: `CONTACT#${id}`, sk: 'CONTACT' }),
  /** The uniqueness guard of an email address; it holds a copy of the contact that owns it. */
  contactEmail: (email: string): Key => ({ pk: `EMAIL#${email}`, sk: 'CONTACT' }),
  /** The address an email guard's key holds. */
  emailOfGuard: (key: Key): string => key.pk.slice('EMAIL#'.length),
  /** A copy of a tagged record, in its tag's partition. */
  tagged: (kind: 'contact' | 'company' | 'deal', tag: string, id: string): Key => ({
    pk: partitions.tagged(kind, tag),
    sk: id,
  }),
  /** A copy of a contact, company or deal under one word of its name or title (word search). */
  nameWord: (kind: NameKind, word: string, id: string): Key => ({
    pk: partitions.nameWords(kind),
    sk: `${word}#${id}`,
  }),
  pipeline: (id: string): Key => ({ pk: `PIPELINE#${id}`, sk: 'PIPELINE' }),
  deal: (id: string): Key => ({ pk: `DEAL#${id}`, sk: 'DEAL' }),
  dealHistory: (dealId: string, at: string, eventId: string): Key => ({
    pk: `DEAL#${dealId}`,
    sk: `HISTORY#${at}#${eventId}`,
  }),
  activity: (id: string): Key => ({ pk: `ACTIVITY#${id}`, sk: 'ACTIVITY' }),
  outbox: (eventId: string): Key => ({ pk: `OUTBOX#${eventId}`, sk: 'OUTBOX' }),
  /** Once a missing handoff was reported for a win, it is not reported again. */
  handoffMissingFlag: (dealId: string, win: number): Key => ({
    pk: `DEAL#${dealId}`,
    sk: `HANDOFF-MISSING#${win}`,
  }),
  user: (userId: string): Key => ({ pk: `USER#${userId}`, sk: 'USER' }),
  attachment: (id: string): Key => ({ pk: `ATTACHMENT#${id}`, sk: 'ATTACHMENT' }),
  template: (id: string): Key => ({ pk: `TEMPLATE#${id}`, sk: 'TEMPLATE' }),
  project: (id: string): Key => ({ pk: `PROJECT#${id}`, sk: 'PROJECT' }),
  task: (projectId: string, taskId: string): Key => ({ pk: `PROJECT#${projectId}`, sk: `TASK#${taskId}` }),
  timeEntry: (projectId: string, date: string, id: string): Key => ({
    pk: `PROJECT#${projectId}`,
    sk: `TIME#${date}#${id}`,
  }),
  taskComment: (projectId: string, taskId: string, at: string, id: string): Key => ({
    pk: `PROJECT#${projectId}`,
    sk: `NOTE#${taskId}#${at}#${id}`,
  }),
  /** Minutes a user logged on one day: the 24-hour limit is a condition on this counter. */
  timesheetDay: (userId: string, date: string): Key => ({
    pk: `TIMESHEET#${userId}#${date}`,
    sk: 'TIMESHEET',
  }),
  config: (name: string): Key => ({ pk: `CONFIG#${name}`, sk: 'CONFIG' }),
  segment: (id: string): Key => ({ pk: `SEGMENT#${id}`, sk: 'SEGMENT' }),
  importJob: (id: string): Key => ({ pk: `IMPORT#${id}`, sk: 'IMPORT' }),
  exportJob: (id: string): Key => ({ pk: `EXPORT#${id}`, sk: 'EXPORT' }),
  /** A record's membership of a match key (likely-duplicate detection): no data but its id. */
  match: (kind: 'contact' | 'company', key: string, id: string): Key => ({
    pk: partitions.match(kind, key),
    sk: id,
  }),
  /** One side of a likely-duplicate pair, in the record's own partition. */
  duplicatePair: (kind: 'contact' | 'company', id: string, otherId: string): Key => ({
    pk: kind === 'contact' ? `CONTACT#${id}` : `COMPANY#${id}`,
    sk: `DUPLICATE#${otherId}`,
  }),
  /** A round-robin rule's turn counter. */
  routingTurns: (ruleId: string): Key => ({ pk: `ROUTING#${ruleId}`, sk: 'TURNS' }),
  /** One shard of one bucket of a pipeline's report totals (see domain/reports/totals.ts). */
  reportTotals: (pipelineId: string, bucket: string, shard: number): Key => ({
    pk: `REPORT#${pipelineId}`,
    sk: `${bucket}#${shard}`,
  }),
  /** A follow-up flagged once: the next action, task or CRM task late at its due time, the stall, the missing handoff. */
  flag: (
    flag:
      | { kind: 'overdue-next-action'; dealId: string; dueAt: string }
      | { kind: 'overdue-task'; taskId: string; dueDate: string }
      | { kind: 'overdue-activity'; activityId: string; dueAt: string }
      | { kind: 'stalled-deal'; dealId: string; enteredAt: string }
      | { kind: 'missing-handoff'; dealId: string; wonAt: string },
  ): Key => {
    switch (flag.kind) {
      case 'overdue-next-action':
        return { pk: `FLAG#DEAL#${flag.dealId}`, sk: `OVERDUE#${flag.dueAt}` };
      case 'overdue-task':
        return { pk: `FLAG#TASK#${flag.taskId}`, sk: `OVERDUE#${flag.dueDate}` };
      case 'overdue-activity':
        return { pk: `FLAG#ACTIVITY#${flag.activityId}`, sk: `OVERDUE#${flag.dueAt}` };
      case 'stalled-deal':
        return { pk: `FLAG#DEAL#${flag.dealId}`, sk: `STALLED#${flag.enteredAt}` };
      case 'missing-handoff':
        return { pk: `FLAG#DEAL#${flag.dealId}`, sk: `HANDOFF#${flag.wonAt}` };
    }
  },
  /** The decision to send a person their digest for one local day (made once). */
  digest: (userId: string, localDate: string): Key => ({ pk: `DIGEST#${userId}`, sk: localDate }),
  /** The digest mail sent to a person for one local day (sent once). */
  mail: (userId: string, localDate: string): Key => ({ pk: `MAIL#${userId}`, sk: localDate }),
};

/** The partition values of the index entries, also used by the queries that read them. */
export const partitions = {
  allOf: (type: 'COMPANY' | 'CONTACT' | 'PIPELINE' | 'DEAL' | 'TEMPLATE' | 'PROJECT' | 'USER' | 'SEGMENT') =>
    type,
  assignee: (userId: string) => `ASSIGNEE#${userId}`,
  /** The due index's partition of won deals waiting for their project (the handoff gap). */
  handoffPending: () => 'HANDOFF#PENDING',
  /** The due index's write shards for next actions and tasks (see docs/data-model.md). */
  due: (shard: number) => `DUE#${shard}`,
  taskLocator: (taskId: string) => `TASK#${taskId}`,
  timeEntryLocator: (id: string) => `TIME-ENTRY#${id}`,
  /** A record's attachments (once stored), by when they were added. */
  attachments: (kind: string, id: string) => `ATTACHED#${kind}#${id}`,
  owner: (userId: string) => `OWNER#${userId}`,
  leadSource: (source: string) => `SOURCE#${source}`,
  pipeline: (id: string) => `PIPELINE#${id}`,
  deal: (id: string) => `DEAL#${id}`,
  company: (id: string) => `COMPANY#${id}`,
  contact: (id: string) => `CONTACT#${id}`,
  reportTotals: (pipelineId: string) => `REPORT#${pipelineId}`,
  duplicates: (kind: 'contact' | 'company') => `DUPLICATES#${kind}`,
  tagged: (kind: 'contact' | 'company' | 'deal', tag: string) => `TAG#${kind}#${tag}`,
  /** Every word of every contact's or company's name (a deal's title), each a copy of its record. */
  nameWords: (kind: NameKind) => `WORDS#${kind}`,
  match: (kind: 'contact' | 'company', key: string) => `MATCH#${kind}#${key}`,
  /** The due index's partition of live projects whose promise is at risk, by since when. */
  projectsAtRisk: () => 'PROJECTS#AT-RISK',
  /** Every deal of a status, as copies ordered by one attribute (a sort key of its own). */
  dealOrder: (order: DealOrderKey, status: string) => `DEALS#${order}#${status}`,
};

/** The orders deals are copied under: `value` is per currency (amounts in two currencies do not compare). */
export type DealOrderKey = 'close' | `value#${string}` | 'activity' | 'stage';

/** Where an amount sorts: zero-padded to the digits of the largest safe integer. */
export const sortableAmount = (amount: number) => String(amount).padStart(16, '0');
/** Undated deals sort after every date ('~' follows the digits). */
export const UNDATED = '~';

/** The sort keys of the owner index (gsi2) that are built outside an item builder here. */
export const ownerSortKeys = {
  importJob: (createdAt: string, id: string) => `IMPORT#${createdAt}#${id}`,
  exportJob: (createdAt: string, id: string) => `EXPORT#${createdAt}#${id}`,
};

export const TIMELINE_HEAD = 'TL#~';

/** An entry's place on a deal's (gsi3), company's (gsi4) or contact's (gsi5) timeline: by its instant, then its id. */
export const timelineSortKey = (at: string, id: string) => `TL#${at}#${id}`;

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

export function companyItem(c: Company): Item {
  return {
    ...keys.company(c.id),
    entity: 'company',
    gsi1pk: partitions.allOf('COMPANY'),
    gsi1sk: `${normalizeText(c.name)}#${c.id}`,
    ...c,
  };
}

export function contactItem(c: Contact): Item {
  const name = searchName(c);
  return {
    ...keys.contact(c.id),
    entity: 'contact',
    gsi1pk: partitions.allOf('CONTACT'),
    gsi1sk: `${name}#${c.id}`,
    ...(c.companyId ? { gsi4pk: partitions.company(c.companyId), gsi4sk: `CONTACT#${name}#${c.id}` } : {}),
    // The contact heads its own timeline ('~' sorts after every instant), so reading the first
    // page of the timeline also proves that the contact exists: one Query, and a real 404.
    gsi5pk: partitions.contact(c.id),
    gsi5sk: TIMELINE_HEAD,
    ...c,
  };
}

export function pipelineItem(p: Pipeline): Item {
  return {
    ...keys.pipeline(p.id),
    entity: 'pipeline',
    gsi1pk: partitions.allOf('PIPELINE'),
    gsi1sk: `${p.isDefault ? '0' : '1'}#${p.createdAt}#${p.id}`,
    // Lets a deal move check "is this a stage of the pipeline" as a transaction condition.
    stageIds: p.stages.map((s) => s.id),
    ...p,
  };
}

/**
 * The layout of a deal item and its copies; a deal stored with an older one lacks an index key or
 * a copy, and `RebuildReports` with `apply` rewrites it (2: the lead-source index and tag copies;
 * 3: the title-word copies; 4: the ordered copies).
 */
export const DEAL_LAYOUT = 4;

/** The records found by the words of their name (title). */
export type NameKind = 'contact' | 'company' | 'deal';

export function dealItem(d: Deal): Item {
  const created = `${d.createdAt}#${d.id}`;
  return {
    ...keys.deal(d.id),
    entity: 'deal',
    layout: DEAL_LAYOUT,
    gsi1pk: partitions.allOf('DEAL'),
    gsi1sk: `${d.status}#${created}`,
    gsi2pk: partitions.owner(d.ownerId),
    gsi2sk: `DEAL#${d.status}#${created}`,
    gsi3pk: partitions.pipeline(d.pipelineId),
    // within a stage, by when the deal entered it: a stalled deal is found by that instant
    gsi3sk: `${d.stageId}#${d.status}#${d.stageEnteredAt}#${d.id}`,
    ...(d.companyId
      ? { gsi4pk: partitions.company(d.companyId), gsi4sk: `DEAL#${d.status}#${created}` }
      : {}),
    ...(d.contactId
      ? { gsi5pk: partitions.contact(d.contactId), gsi5sk: `DEAL#${d.status}#${created}` }
      : {}),
    ...(d.leadSource
      ? { gsi6pk: partitions.leadSource(d.leadSource), gsi6sk: `DEAL#${d.status}#${created}` }
      : {}),
    // A won deal without its project sits in the due index until the handoff links one:
    // the gap monitor reads this sparse partition, never the deals.
    ...(d.status === 'won' && !d.projectId && d.closedAt
      ? { duepk: partitions.handoffPending(), duesk: `${d.closedAt}#${d.id}` }
      : {}),
    // An open deal's next action is in the due index: "what is overdue at T" reads only that.
    ...(d.status === 'open' && d.nextAction
      ? { duepk: partitions.due(dueShard(d.id)), duesk: `${d.nextAction.dueAt}#DEAL#${d.id}` }
      : {}),
    ...d,
  };
}

export function activityItem(a: Activity): Item {
  const place = timelineSortKey(timelineInstant(a), a.id);
  return {
    ...keys.activity(a.id),
    entity: 'activity',
    gsi2pk: partitions.owner(a.ownerId),
    gsi2sk: `ACTIVITY#${a.createdAt}#${a.id}`,
    // on the timelines of its deal (gsi3), its company (gsi4) and its contact (gsi5)
    ...(a.dealId ? { gsi3pk: partitions.deal(a.dealId), gsi3sk: place } : {}),
    ...(a.companyId ? { gsi4pk: partitions.company(a.companyId), gsi4sk: place } : {}),
    ...(a.contactId ? { gsi5pk: partitions.contact(a.contactId), gsi5sk: place } : {}),
    // a task is listed by its assignee (gsi6), and waits in the due index while open
    ...(a.type === 'task' && a.assigneeId
      ? {
          gsi6pk: partitions.assignee(a.assigneeId),
          gsi6sk: `ACTIVITY#${a.done ? 'done' : 'open'}#${a.dueAt ?? a.createdAt}#${a.id}`,
        }
      : {}),
    ...(isOpenTask(a) ? { duepk: partitions.due(dueShard(a.id)), duesk: `${a.dueAt}#ACTIVITY#${a.id}` } : {}),
    ...a,
  };
}

export function templateItem(t: Template): Item {
  return {
    ...keys.template(t.id),
    entity: 'template',
    gsi1pk: partitions.allOf('TEMPLATE'),
    gsi1sk: `${t.isDefault ? '0' : '1'}#${normalizeText(t.name)}#${t.id}`,
    ...t,
  };
}

export function projectItem(p: Project): Item {
  const created = `${p.createdAt}#${p.id}`;
  return {
    ...keys.project(p.id),
    entity: 'project',
    gsi1pk: partitions.allOf('PROJECT'),
    gsi1sk: `${p.status}#${created}`,
    gsi2pk: partitions.owner(p.ownerId),
    gsi2sk: `PROJECT#${p.status}#${created}`,
    ...(p.customer.companyId
      ? { gsi4pk: partitions.company(p.customer.companyId), gsi4sk: `PROJECT#${p.status}#${created}` }
      : {}),
    // a live project at risk sits in the due index: follow-ups and the digest read only those
    ...(promiseState(p) === 'at-risk' && p.atRiskSince
      ? { duepk: partitions.projectsAtRisk(), duesk: `${p.atRiskSince}#${p.id}` }
      : {}),
    ...p,
  };
}

/** An attachment; once stored, listed under its record (gsi3), newest first. */
export function attachmentItem(a: Attachment): Item {
  return {
    ...keys.attachment(a.id),
    entity: 'attachment',
    ...(a.status === 'stored'
      ? { gsi3pk: partitions.attachments(a.parent.kind, a.parent.id), gsi3sk: `${a.createdAt}#${a.id}` }
      : {}),
    ...a,
  };
}

/** A time entry, in its project's partition by day; gsi1 locates it by its id alone (to correct it). */
export function timeEntryItem(e: TimeEntry): Item {
  return {
    ...keys.timeEntry(e.projectId, e.date, e.id),
    entity: 'time-entry',
    gsi1pk: partitions.timeEntryLocator(e.id),
    gsi1sk: 'TIME-ENTRY',
    ...e,
  };
}

export function taskItem(t: Task): Item {
  return {
    ...keys.task(t.projectId, t.id),
    entity: 'task',
    // Tasks live in their project's partition; the locator finds a task's project by its id.
    gsi1pk: partitions.taskLocator(t.id),
    gsi1sk: 'TASK',
    ...(t.assigneeId
      ? {
          gsi2pk: partitions.assignee(t.assigneeId),
          gsi2sk: `TASK#${isClosed(t) ? 'done' : 'open'}#${t.dueDate}#${t.id}`,
        }
      : {}),
    // An open task is in the due index until it is done.
    ...(!isClosed(t)
      ? { duepk: partitions.due(dueShard(t.id)), duesk: `${taskDueAt(t.dueDate)}#TASK#${t.id}` }
      : {}),
    ...t,
  };
}

/** A deal's change, kept on the timelines of the deal (gsi3), its company (gsi4) and its primary contact (gsi5). */
export function dealHistoryItem(
  deal: Pick<Deal, 'id' | 'contactId' | 'companyId'>,
  at: string,
  eventId: string,
  record: Record<string, unknown>,
): Item {
  const place = timelineSortKey(at, eventId);
  return {
    ...keys.dealHistory(deal.id, at, eventId),
    entity: 'deal-history',
    gsi3pk: partitions.deal(deal.id),
    gsi3sk: place,
    ...(deal.companyId ? { gsi4pk: partitions.company(deal.companyId), gsi4sk: place } : {}),
    ...(deal.contactId ? { gsi5pk: partitions.contact(deal.contactId), gsi5sk: place } : {}),
    ...record,
  };
}

/**
 * The name-word copies of a contact or company: one per word, each carrying the record and all
 * its words (a search keeps one copy per record: the first word the query matches).
 */
/**
 * A copy of the deal under each order a list sorts or bounds by: expected close (undated last),
 * value in its currency, last activity (never touched first), and, while open, stage entry.
 * Each sort key ends with the id, so equal values keep a stable order.
 */
export function dealOrderItems(d: Deal): Item[] {
  const copy = (order: DealOrderKey, at: string): Item => ({
    pk: partitions.dealOrder(order, d.status),
    sk: `${at}#${d.id}`,
    entity: 'deal-order',
    ...d,
  });
  return [
    copy('close', d.expectedCloseDate ?? UNDATED),
    copy(`value#${d.value.currency}`, sortableAmount(d.value.amount)),
    copy('activity', d.lastActivityAt ?? ''),
    ...(d.status === 'open' ? [copy('stage', d.stageEnteredAt)] : []),
  ];
}

export function nameWordItems(kind: NameKind, record: { id: string }, words: string[]): Item[] {
  return words.map((word) => ({
    ...keys.nameWord(kind, word, record.id),
    entity: `${kind}-word`,
    ...record,
    words,
  }));
}
