import type { Deal } from '../../../domain/crm/deal.js';
import { setLineItems as decide } from '../../../domain/crm/line-items.commands.js';
import type { DealLineItems, SetLineItems } from '../../../domain/crm/line-items.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/**
 * Sets a deal's line items: read the deal with its lines and the products named (in parallel),
 * decide, and write the lines, the deal (its value follows them) with its copies and report
 * totals, and the events in one transaction. `If-Match` is the deal's version.
 */
export function setLineItems(
  s: Pick<Services, 'deals' | 'lineItems' | 'products' | 'store'>,
  dealId: string,
  body: SetLineItems,
  { ctx, ifMatch }: CommandInput,
): Promise<{ deal: Deal; sheet: DealLineItems }> {
  const productIds = body.lineItems.flatMap((l) => (l.productId ? [l.productId] : []));
  return versionedCommand({
    ifMatch,
    entity: 'deal',
    load: async () => {
      const [found, products] = await Promise.all([
        s.lineItems.withDeal(dealId),
        s.products.several(productIds),
      ]);
      return { ...found, products };
    },
    target: (loaded) => loaded.deal,
    run: async ({ deal: current, sheet, products }) => {
      const { deal, sheet: next, events } = decide(current, sheet, body.lineItems, products, ctx);
      if (events.length === 0) return { deal: current, sheet };
      const uow = s.deals.update(new UnitOfWork(), current, deal).add(s.lineItems.written(sheet, next));
      await uow.events(events).commit(s.store);
      return { deal, sheet: next };
    },
  });
}
