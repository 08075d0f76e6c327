import { DeliveryNewsItem } from '../../../../domain/followup/delivery-news.js';
import { toMillis } from '../../../../domain/shared/time.js';
import { entityOf, type Key, notExists } from '../item.js';
import { patterns, query, write } from '../pattern.js';
import type { Store, Write } from '../store.js';

// Delivery news (domain/followup/delivery-news.ts): under the person it is for, by time, written
// in the transaction of the command whose events made it; the daily digest reads a person's news
// of the last day; TTL removes it after a week.

const partition = (userId: string) => `NEWS#${userId}`;
const newsKey = (n: Pick<DeliveryNewsItem, 'userId' | 'at' | 'id'>): Key => ({
  pk: partition(n.userId),
  sk: `${n.at}#${n.id}`,
});
const KEPT_SECONDS = 8 * 86_400;

const asNews = entityOf<DeliveryNewsItem>(DeliveryNewsItem);

export const deliveryNewsPatterns = patterns({
  deliveryNewsWritten: write({
    entity: 'delivery news',
    pattern:
      'news for a deal owner (a milestone reached, a promise back on track) or the owners of a project (the customer decided)',
    usedBy: 'task commands, `PATCH /projects/{id}`, `POST /portal/approvals/{taskId}`',
    functions: ['DeliveryApi', 'PortalApi'],
    keyCondition: 'Put `NEWS#<userId>` / `<at>#<id>` if absent (TTL: a week)',
    roundTrips: "none of its own (the command's transaction)",
    actions: ['PutItem'],
  }),
  deliveryNewsSince: query({
    entity: 'delivery news',
    pattern: "a person's delivery news since an instant, oldest first",
    usedBy: 'the daily digest',
    functions: ['DailyDigest'],
    index: 'table',
    keyCondition: '`pk = NEWS#<userId> AND sk BETWEEN <since> AND <now>~`',
    roundTrips: '1 Query per person whose digest hour it is',
    query: (userId: string, since: string, until: string) => ({
      partition: partition(userId),
      sort: { between: [since, `${until}~`] as [string, string] },
    }),
  }),
});

export class DeliveryNewsRepository {
  constructor(private readonly store: Store) {}

  /** The writes of these news items, for the command's own transaction. */
  writes(news: DeliveryNewsItem[]): Write[] {
    return news.map((n) => ({
      pattern: deliveryNewsPatterns.deliveryNewsWritten,
      put: {
        ...newsKey(n),
        entity: 'delivery-news',
        ...n,
        expiresAt: Math.floor(toMillis(n.at) / 1000) + KEPT_SECONDS,
      },
      condition: notExists,
    }));
  }

  async since(userId: string, since: string, until: string): Promise<DeliveryNewsItem[]> {
    const items = await this.store.queryAll(
      deliveryNewsPatterns.deliveryNewsSince.query(userId, since, until),
    );
    return items.map(asNews);
  }
}
