import { Activity, timelineInstant } from '../../../../domain/crm/activity.js';
import type { DealHistoryEntry, TimelineEntry } from '../../../../domain/crm/timeline.js';
import { NotFound } from '../../../../domain/shared/errors.js';
import { accessPatterns } from '../access-patterns.js';
import { activityItem, keys, TIMELINE_HEAD } from '../keys.js';
import { entityOf, type Store, toEntity } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { type Page, type PageRequest, pageItems, pageOf } from './page.js';

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
    const item = await this.store.get(keys.activity(id));
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
      ? accessPatterns.dealTimeline.query(filter.dealId)
      : filter.contactId
        ? accessPatterns.contactTimeline.query(filter.contactId)
        : accessPatterns.ownerActivities.query(filter.ownerId ?? '');
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
      ...accessPatterns.contactTimeline.query(contactId),
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
      kind === 'deal' ? accessPatterns.dealTimeline.query(id) : accessPatterns.companyTimeline.query(id);
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
    uow.create('activity', activityItem(activity));
    if (checkContact && activity.contactId) {
      uow.requireExists(keys.contact(activity.contactId), 'contactId', `contact ${activity.contactId}`);
    }
    return uow;
  }

  update(uow: UnitOfWork, before: Activity, after: Activity): UnitOfWork {
    return uow.update('activity', before, activityItem(after));
  }

  /** Deleting the item takes it off every timeline and out of the due index at once. */
  remove(uow: UnitOfWork, activity: Activity): UnitOfWork {
    return uow.remove('activity', activity, keys.activity(activity.id));
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
        { ...accessPatterns.assigneeActivities.query(assigneeId, state, filter.dueBefore), ...page },
        asActivity,
      );
    }
    return pageOf(
      this.store,
      {
        ...accessPatterns.assigneeActivities.query(assigneeId),
        ...(filter.dueBefore
          ? { filter: { expression: 'dueAt < :before', values: { ':before': filter.dueBefore } } }
          : {}),
        ...page,
      },
      asActivity,
    );
  }
}
