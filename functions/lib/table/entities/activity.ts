import { Activity, isOpenTask, timelineInstant } from '../../../../domain/crm/activity.js';
import type { DealHistoryEntry, TimelineEntry } from '../../../../domain/crm/timeline.js';
import { activityDueEntries } from '../../../../domain/followup/due-list.js';
import { NotFound } from '../../../../domain/shared/errors.js';
import { entityOf, type Item, type Key, toEntity } from '../item.js';
import { type Page, type PageRequest, pageItems, pageOf } from '../page.js';
import { dueShard, partitions, TIMELINE, TIMELINE_HEAD, timelineSortKey } from '../partitions.js';
import { get, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { contactKey, contactPatterns } from './contact.js';
import { syncDueEntries } from './due-list.js';

// An activity (a note, a call, a CRM task): one item on up to three timelines, its deal's
// (gsi3), its company's (gsi4) and its contact's (gsi5), beside the deals' history entries; a
// task is listed by its assignee (gsi6) and waits in the due index while open.

export const activityKey = (id: string): Key => ({ pk: `ACTIVITY#${id}`, sk: 'ACTIVITY' });

export function activityItem(a: Activity): Item {
  const place = timelineSortKey(timelineInstant(a), a.id);
  return {
    ...activityKey(a.id),
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

export const activityPatterns = patterns({
  activityById: get({
    entity: 'activity',
    pattern: 'an activity',
    usedBy:
      "`GET /activities/{id}`, `PATCH /activities/{id}`, `DELETE /activities/{id}`, a deleted deal's activities",
    functions: ['CrmApi'],
    keyCondition: '`pk = ACTIVITY#<id>, sk = ACTIVITY`',
    roundTrips: '1 GetItem',
    key: activityKey,
  }),
  dealTimeline: query({
    entity: 'activity, deal history',
    pattern: "a deal's timeline (its activities and changes), newest first",
    usedBy:
      '`GET /deals/{id}/timeline` (with a GetItem of the deal, in parallel: a real 404), `GET /activities?dealId=` (activities only)',
    functions: ['CrmApi'],
    index: 'gsi3',
    keyCondition: '`gsi3pk = DEAL#<id> AND begins_with(gsi3sk, TL#)`, descending',
    roundTrips: '1 Query',
    query: (dealId: string) => ({
      index: 'gsi3',
      partition: partitions.deal(dealId),
      sort: { beginsWith: TIMELINE },
    }),
  }),
  companyTimeline: query({
    entity: 'activity, deal history',
    pattern: "a company's timeline (the activities and changes of its deals and contacts), newest first",
    usedBy: '`GET /companies/{id}/timeline` (with a GetItem of the company, in parallel: a real 404)',
    functions: ['CrmApi'],
    index: 'gsi4',
    keyCondition: '`gsi4pk = COMPANY#<id> AND begins_with(gsi4sk, TL#)`, descending',
    roundTrips: '1 Query',
    query: (companyId: string) => ({
      index: 'gsi4',
      partition: partitions.company(companyId),
      sort: { beginsWith: TIMELINE },
    }),
  }),
  contactTimeline: query({
    entity: 'activity, deal history',
    pattern: "a contact's timeline, newest first (headed by the contact itself: a real 404)",
    usedBy: '`GET /contacts/{id}/timeline`, `GET /activities?contactId=`, contact merges',
    functions: ['CrmApi'],
    index: 'gsi5',
    keyCondition: '`gsi5pk = CONTACT#<id> AND begins_with(gsi5sk, TL#)`, descending',
    roundTrips: '1 Query',
    query: (contactId: string) => ({
      index: 'gsi5',
      partition: partitions.contact(contactId),
      sort: { beginsWith: TIMELINE },
    }),
  }),
  ownerActivities: query({
    entity: 'activity',
    pattern: "a person's activities, newest first",
    usedBy: '`GET /activities` (yours), `GET /activities?ownerId=`',
    functions: ['CrmApi'],
    index: 'gsi2',
    keyCondition: '`gsi2pk = OWNER#<user> AND begins_with(gsi2sk, ACTIVITY#)`',
    roundTrips: '1 Query',
    query: (ownerId: string) => ({
      index: 'gsi2',
      partition: partitions.owner(ownerId),
      sort: { beginsWith: 'ACTIVITY#' },
    }),
  }),
  assigneeActivities: query({
    entity: 'activity',
    pattern: "a person's CRM tasks, open or done, by due time (optionally due before an instant)",
    usedBy: '`GET /activities?assigneeId=&done=&dueBefore=`, `/followups` (a deactivated assignee)',
    functions: ['CrmApi'],
    index: 'gsi6',
    keyCondition:
      '`gsi6pk = ASSIGNEE#<user> AND begins_with(gsi6sk, ACTIVITY#[<open|done>#])`, or `BETWEEN ACTIVITY#<open|done># AND ACTIVITY#<open|done>#<dueBefore>`',
    roundTrips: '1 Query (without done, dueBefore is a filter)',
    query: (assigneeId: string, state?: 'open' | 'done', dueBefore?: string) => ({
      index: 'gsi6',
      partition: partitions.assignee(assigneeId),
      sort:
        state && dueBefore
          ? { between: [`ACTIVITY#${state}#`, `ACTIVITY#${state}#${dueBefore}`] }
          : { beginsWith: `ACTIVITY#${state ? `${state}#` : ''}` },
    }),
  }),
  activityWritten: write({
    entity: 'activity',
    pattern: 'an activity: logged, changed at its version, deleted, moved by a merge or off a deleted deal',
    usedBy:
      '`POST /activities`, `PATCH`/`DELETE /activities/{id}`, deal commands that complete a next action, merges, captured emails',
    functions: ['CrmApi', 'EmailCapture'],
    keyCondition:
      'Put `ACTIVITY#<id>` / `ACTIVITY` (if absent, or at the version read); Delete at the version read',
    roundTrips: "none of its own (the command's transaction)",
    actions: ['PutItem', 'DeleteItem'],
  }),
});

const asActivity = entityOf<Activity>(Activity);

function timelineEntry(item: Record<string, unknown>): TimelineEntry {
  if (item.entity === 'activity') {
    const activity = asActivity(item);
    return { kind: 'activity', at: timelineInstant(activity), activity };
  }
  return { kind: 'deal-change', ...toEntity<DealHistoryEntry>(item) };
}

export class ActivityRepository {
  constructor(private readonly store: Store) {}

  async get(id: string): Promise<Activity | undefined> {
    const item = await this.store.get(activityPatterns.activityById, id);
    return item ? asActivity(item) : undefined;
  }

  async require(id: string): Promise<Activity> {
    const activity = await this.get(id);
    if (!activity) throw new NotFound('activity', id);
    return activity;
  }

  list(
    filter: { dealId?: string | undefined; contactId?: string | undefined; ownerId?: string | undefined },
    page: PageRequest,
  ): Promise<Page<Activity>> {
    const spec = filter.dealId
      ? activityPatterns.dealTimeline.query(filter.dealId)
      : filter.contactId
        ? activityPatterns.contactTimeline.query(filter.contactId)
        : activityPatterns.ownerActivities.query(filter.ownerId ?? '');
    // a timeline holds deal changes (and a contact's, its head) beside the activities
    const typeFilter =
      filter.contactId || filter.dealId
        ? {
            filter: {
              expression: '#type = :activity',
              names: { '#type': 'entity' },
              values: { ':activity': 'activity' },
            },
          }
        : {};
    return pageOf(this.store, { ...spec, ...typeFilter, ...page, newestFirst: true }, asActivity);
  }

  /**
   * Notes, activities and deal changes of one contact, newest first: one Query on gsi5. The
   * first page also reads the contact's head item, so a contact that does not exist is a 404.
   */
  async timeline(contactId: string, page: PageRequest): Promise<Page<TimelineEntry>> {
    const first = page.startKey === undefined;
    const { items, lastKey } = await pageItems(this.store, {
      ...activityPatterns.contactTimeline.query(contactId),
      limit: first ? page.limit + 1 : page.limit,
      ...(page.startKey ? { startKey: page.startKey } : {}),
      newestFirst: true,
    });
    if (first && items[0]?.gsi5sk !== TIMELINE_HEAD) throw new NotFound('contact', contactId);
    const entries = items.filter((item) => item.gsi5sk !== TIMELINE_HEAD).map(timelineEntry);
    return { items: entries, ...(lastKey ? { lastKey } : {}) };
  }

  /**
   * A deal's or company's timeline, newest first: one Query of its index, and a GetItem of the
   * record in parallel, so one that does not exist is a 404 (a merged company, a 410).
   */
  async recordTimeline(
    kind: 'deal' | 'company',
    id: string,
    page: PageRequest,
    exists: () => Promise<unknown>,
  ): Promise<Page<TimelineEntry>> {
    const spec =
      kind === 'deal' ? activityPatterns.dealTimeline.query(id) : activityPatterns.companyTimeline.query(id);
    const [, { items, lastKey }] = await Promise.all([
      exists(),
      pageItems(this.store, {
        ...spec,
        limit: page.limit,
        ...(page.startKey ? { startKey: page.startKey } : {}),
        newestFirst: true,
      }),
    ]);
    return { items: items.map(timelineEntry), ...(lastKey ? { lastKey } : {}) };
  }

  /** `checkContact`: the linked contact must exist (a transaction condition, no extra read). */
  create(uow: UnitOfWork, activity: Activity, checkContact = true): UnitOfWork {
    uow.create(activityPatterns.activityWritten, activityItem(activity));
    syncDueEntries(uow, [], activityDueEntries(activity));
    if (checkContact && activity.contactId) {
      uow.requireExists(
        contactPatterns.contactExists,
        contactKey(activity.contactId),
        'contactId',
        `contact ${activity.contactId}`,
      );
    }
    return uow;
  }

  update(uow: UnitOfWork, before: Activity, after: Activity): UnitOfWork {
    uow.update(activityPatterns.activityWritten, before, activityItem(after));
    return syncDueEntries(uow, activityDueEntries(before), activityDueEntries(after));
  }

  /** Deleting the item takes it off every timeline and out of the due index at once. */
  remove(uow: UnitOfWork, activity: Activity): UnitOfWork {
    uow.remove(activityPatterns.activityWritten, activity, activityKey(activity.id));
    return syncDueEntries(uow, activityDueEntries(activity), []);
  }

  /**
   * A person's CRM tasks by due time: open ones (`done: false`), done ones, or both (done first,
   * then open, each by due time); `dueBefore` keeps those due before that instant (a key
   * condition for one state, a filter for both). One Query.
   */
  assigned(
    assigneeId: string,
    filter: { done?: boolean | undefined; dueBefore?: string | undefined },
    page: PageRequest,
  ): Promise<Page<Activity>> {
    if (filter.done !== undefined) {
      const state = filter.done ? 'done' : 'open';
      return pageOf(
        this.store,
        { ...activityPatterns.assigneeActivities.query(assigneeId, state, filter.dueBefore), ...page },
        asActivity,
      );
    }
    return pageOf(
      this.store,
      {
        ...activityPatterns.assigneeActivities.query(assigneeId),
        ...(filter.dueBefore
          ? { filter: { expression: 'dueAt < :before', values: { ':before': filter.dueBefore } } }
          : {}),
        ...page,
      },
      asActivity,
    );
  }
}
