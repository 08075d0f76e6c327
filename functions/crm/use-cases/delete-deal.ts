import { detachActivityFromDeal as detachActivity } from '../../../domain/crm/activity.commands.js';
import { deleteDeal as decide } from '../../../domain/crm/deal.commands.js';
import { markDealDeleted } from '../../../domain/delivery/project.commands.js';
import { productDelta } from '../../../domain/reports/product-totals.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { retryOnConflict, versionedCommand } from '../../lib/versioned-command.js';

/**
 * An admin deletes a mistaken deal. One transaction deletes it and its tag copies, reverses its
 * report totals, marks a project made from it, and records the event; then its history entries
 * leave the timelines, and its activities stay, no longer on a deal (each a recorded change).
 * A deletion interrupted after the transaction leaves only those to clear: the deal is gone.
 */
export async function deleteDeal(
  s: Pick<Services, 'activities' | 'deals' | 'lineItems' | 'productTotals' | 'projects' | 'store'>,
  id: string,
  input: CommandInput,
): Promise<void> {
  const { ctx, ifMatch } = input;
  const deal = await versionedCommand({
    ifMatch,
    entity: 'deal',
    load: () => s.deals.require(id),
    run: async (current) => {
      const events = decide(current, ctx);
      const uow = s.deals.remove(new UnitOfWork(), current).events(events);
      const project = current.projectId ? await s.projects.get(current.projectId) : undefined;
      if (project) s.projects.updateHead(uow, project, markDealDeleted(project, current, ctx));
      if (current.status === 'won') {
        // what it sold leaves the product report with it
        const { lineItems: lines } = await s.lineItems.of(current.id);
        uow.add(...s.productTotals.writes(productDelta({ deal: current, lines }, { deal: null, lines: [] })));
      }
      await uow.commit(s.store);
      return current;
    },
  });
  await s.deals.clearLeftovers(deal.id);
  // its activities stay with their contact and company; a page at a time, each its own change
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await s.activities.list({ dealId: deal.id }, { limit: 100, startKey });
    for (const { id: activityId } of page.items) {
      await retryOnConflict(undefined, async () => {
        const current = await s.activities.get(activityId);
        if (!current) return;
        const { activity, events } = detachActivity(current, ctx);
        if (events.length)
          await s.activities.update(new UnitOfWork(), current, activity).events(events).commit(s.store);
      });
    }
    startKey = page.lastKey;
  } while (startKey);
}
