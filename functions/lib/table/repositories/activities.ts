import { Activity } from '../../../../domain/crm/activity.js';
import type { DealHistoryEntry, TimelineEntry } from '../../../../domain/crm/timeline.js';
import { NotFound } from '../../../../domain/shared/errors.js';
import { accessPatterns } from '../access-patterns.js';
import { activityItem, keys, TIMELINE_HEAD } from '../keys.js';
import { entityOf, type Store, toEntity } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { type Page, type PageRequest, pageItems, pageOf } from './page.js';

const asActivity = entityOf<Activity>(Activity);

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
      ? accessPatterns.dealActivities.query(filter.dealId)
      : filter.contactId
        ? accessPatterns.contactTimeline.query(filter.contactId)
        : accessPatterns.ownerActivities.query(filter.ownerId ?? '');
    const typeFilter = filter.contactId
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
    const entries = items
      .filter((item) => item.gsi5sk !== TIMELINE_HEAD)
      .map((item): TimelineEntry => {
        if (item.entity === 'activity') {
          return {
            kind: 'activity',
            at: String(item.gsi5sk).split('#')[1]!,
            activity: asActivity(item),
          };
        }
        return { kind: 'deal-change', ...toEntity<DealHistoryEntry>(item) };
      });
    return { items: entries, ...(lastKey ? { lastKey } : {}) };
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
}
