import type { DomainEvent } from '../events.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';

// Delivery news for the people who sold a project (and, for the customer's decisions, who
// deliver it): a milestone reached, a promise back on track (its going at risk is a follow-up
// until it is back), the customer approving or rejecting in the portal. Unlike a
// follow-up, nothing here is late: it is told once, in the next daily digest, then forgotten.
// Made from the events a command emits, so the news says exactly what the bus says.

export const DeliveryNewsItem = z.object(() => ({
  id: z.string(),
  userId: z.string().describe('whom it is for'),
  at: Instant,
  kind: z.enum(['milestone-reached', 'back-on-track', 'customer-approved', 'customer-rejected']),
  projectId: z.string(),
  projectName: z.string(),
  dealId: z.string().nullable(),
  title: z
    .string()
    .describe('the milestone, the approval, or (back on track) the projected finish beside the promise'),
  comment: z.string().optional().describe("the customer's comment on their decision"),
}));
export type DeliveryNewsItem = z.infer<typeof DeliveryNewsItem>;

/**
 * The news a command's events make, for each person they concern: a milestone reached or a
 * promise back on track, for the owner of the deal it delivers; a customer's decision, for the deal's owner and the delivery
 * owner. No one is told what they did themselves.
 */
export function deliveryNewsOf(
  events: DomainEvent[],
  projectName: string,
  actorId: string,
): DeliveryNewsItem[] {
  const news: DeliveryNewsItem[] = [];
  for (const event of events) {
    if (event.detailType === 'MilestoneReached') {
      const d = event.detail.data;
      if (!d.dealOwnerId || d.dealOwnerId === actorId) continue;
      news.push({
        id: event.detail.id,
        userId: d.dealOwnerId,
        at: d.reachedAt,
        kind: 'milestone-reached',
        projectId: d.projectId,
        projectName,
        dealId: d.dealId ?? null,
        title: d.title,
      });
    }
    if (event.detailType === 'ProjectBackOnTrack') {
      const d = event.detail.data;
      if (!d.dealOwnerId || d.dealOwnerId === actorId) continue;
      news.push({
        id: event.detail.id,
        userId: d.dealOwnerId,
        at: event.detail.occurredAt,
        kind: 'back-on-track',
        projectId: d.projectId,
        projectName,
        dealId: d.dealId,
        title: `finishes ${d.projectedFinish}, promised ${d.promisedDueDate}`,
      });
    }
    if (event.detailType === 'CustomerApprovalGiven') {
      const d = event.detail.data;
      for (const userId of new Set([d.dealOwnerId, d.projectOwnerId])) {
        if (!userId || userId === actorId) continue;
        news.push({
          id: `${event.detail.id}-${userId}`,
          userId,
          at: event.detail.occurredAt,
          kind: d.decision === 'approved' ? 'customer-approved' : 'customer-rejected',
          projectId: d.projectId,
          projectName,
          dealId: d.dealId,
          title: d.title,
          ...(d.comment ? { comment: d.comment } : {}),
        });
      }
    }
  }
  return news;
}
