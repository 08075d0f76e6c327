import { type DueEntry, type DueSummary, summarize } from '../../../../domain/followup/due-list.js';
import type { Item, Key, Write } from '../item.js';
import { patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';

// A person's due list (domain/followup/due-list.ts): one partition per person, an entry per
// thing of theirs that is or will be late, sorted by when it is late for them. Each entry is a
// copy written in its record's own transaction (a deal, a CRM task, a task, a project head), so
// what is late for a person at any instant is the entries sorted before that instant: the
// badge's count is exact whenever it is read, without a sweep keeping it. Two changes move many
// tasks' entries at once (a project put on hold, resumed, done or cancelled, and a new delivery
// owner for its unassigned tasks): the project's head is written at once, its tasks' entries a
// moment later, by RefreshCopies (functions/operations/refresh-copies.ts).

const partition = (userId: string) => `DUE-LIST#${userId}`;

export const dueEntryKey = (e: Pick<DueEntry, 'userId' | 'at' | 'kind' | 'recordId'>): Key => ({
  pk: partition(e.userId),
  sk: `${e.at}#${e.kind}#${e.recordId}`,
});

/** Small on purpose: the count reads every late entry of a person. */
export function dueEntryItem(e: DueEntry): Item {
  return { ...dueEntryKey(e), entity: 'due-entry', ...e };
}

/** The writers of the records that make entries (and the jobs that write entries again). */
const WRITERS = [
  'CrmApi',
  'CsvImport',
  'DeliveryApi',
  // a customer's decision in the portal changes the task's status
  'PortalApi',
  'CreateProjectOnWin',
  'RescheduleCascade',
  'RefreshCopies',
  'RebuildReports',
] as const;

export const dueListPatterns = patterns({
  personDueList: query({
    entity: 'due entry',
    pattern:
      "a person's due list: what is late at T (every entry up to T), or what falls due next (the first after T)",
    usedBy: '`GET /followups/summary` (the two Queries in parallel)',
    functions: ['CrmApi'],
    index: 'table',
    keyCondition: '`pk = DUE-LIST#<user> AND sk <= <T>~`; `pk = DUE-LIST#<user> AND sk >= <T>~`, Limit 1',
    roundTrips: '2 Query (parallel), reading the late entries (about 100 bytes each) and one more',
    query: (userId: string, at: string, which: 'late' | 'next' = 'late') => ({
      partition: partition(userId),
      sort: which === 'next' ? { greaterThanOrEqual: `${at}~` } : { lessThanOrEqual: `${at}~` },
    }),
  }),
  dueEntryWritten: write({
    entity: 'due entry',
    pattern:
      "a person's due-list entry, written with its record: a deal's next action, a CRM task, a task, a project at risk",
    usedBy:
      "deal, activity, task and project commands (a customer's approval in the portal too), imports, the handoff, the cascade; `RefreshCopies` (a project stopped, resumed or handed over: its tasks), `RebuildReports` with `apply` (records stored before due lists)",
    functions: WRITERS,
    keyCondition:
      "Put `DUE-LIST#<user>` / `<late at>#<kind>#<id>`; Delete the entry the change made obsolete (in the record's transaction)",
    roundTrips: "none of its own (the record's transaction); `RefreshCopies`: 1 transaction per 50 tasks",
    actions: ['PutItem', 'DeleteItem'],
  }),
});

/**
 * Writes that turn a record's entries `before` into `after`: the obsolete ones deleted, the
 * current ones put (again: a record stored before due lists gains its entries at its next change).
 */
export function dueEntryChanges(before: DueEntry[], after: DueEntry[]): Write[] {
  const pattern = dueListPatterns.dueEntryWritten;
  const id = (k: Key) => `${k.pk}|${k.sk}`;
  const kept = new Set(after.map((e) => id(dueEntryKey(e))));
  return [
    ...before.filter((e) => !kept.has(id(dueEntryKey(e)))).map((e) => ({ pattern, delete: dueEntryKey(e) })),
    ...after.map((e) => ({ pattern, put: dueEntryItem(e) })),
  ];
}

/** Adds to a command's transaction what keeps its record's entries current. */
export function syncDueEntries(uow: UnitOfWork, before: DueEntry[], after: DueEntry[]): UnitOfWork {
  return uow.add(...dueEntryChanges(before, after));
}

const asEntry = (item: Record<string, unknown>): DueEntry => {
  const { pk: _pk, sk: _sk, entity: _e, ...entry } = item;
  return entry as unknown as DueEntry;
};

export class DueListRepository {
  constructor(private readonly store: Store) {}

  /** What is late for a person at `now` (every entry up to it) and what falls due next. */
  async summary(userId: string, now: string): Promise<DueSummary> {
    const [late, next] = await Promise.all([
      this.store.queryAll(dueListPatterns.personDueList.query(userId, now)),
      this.store.query({ ...dueListPatterns.personDueList.query(userId, now, 'next'), limit: 1 }),
    ]);
    return summarize(late.map(asEntry), next.items[0] ? asEntry(next.items[0]) : undefined, now);
  }
}
