import {
  acceptQuote as decideAccept,
  declineQuote as decideDecline,
} from '../../../domain/crm/quote.commands.js';
import type { Quote } from '../../../domain/crm/quote.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

// The customer's answer to a quote, recorded by a rep. `If-Match` is the quote's version.

type Deps = Pick<Services, 'deals' | 'lineItems' | 'quotes' | 'store'>;

async function load(s: Deps, id: string) {
  const quote = await s.quotes.require(id);
  return { quote, ...(await s.lineItems.withDeal(quote.dealId)) };
}

/**
 * Accepted: the quote, the deal's lines (the quote's again, fixed while it stands) and the deal
 * (its value their net total, its report totals and copies) in one transaction.
 */
export function acceptQuote(s: Deps, id: string, { ctx, ifMatch }: CommandInput): Promise<Quote> {
  return versionedCommand({
    ifMatch,
    entity: 'quote',
    load: () => load(s, id),
    target: (l) => l.quote,
    run: async ({ quote, deal, sheet }) => {
      const made = decideAccept(quote, deal, sheet, ctx);
      const uow = s.quotes
        .update(new UnitOfWork(), quote, made.quote)
        .add(s.lineItems.written(sheet, made.sheet));
      s.deals.update(uow, deal, made.deal);
      uow.add(s.quotes.onTimeline(deal, quote, made.events[0]!, 'quote-accepted'));
      await uow.events(made.events).commit(s.store);
      return made.quote;
    },
  });
}

/** Declined (or an acceptance withdrawn, which frees the deal's lines): with the reason. */
export function declineQuote(
  s: Deps,
  id: string,
  reason: string,
  { ctx, ifMatch }: CommandInput,
): Promise<Quote> {
  return versionedCommand({
    ifMatch,
    entity: 'quote',
    load: () => load(s, id),
    target: (l) => l.quote,
    run: async ({ quote, deal, sheet }) => {
      const made = decideDecline(quote, deal, sheet, reason, ctx);
      const uow = s.quotes.update(new UnitOfWork(), quote, made.quote);
      if (made.sheet) uow.add(s.lineItems.written(sheet, made.sheet));
      uow.add(s.quotes.onTimeline(deal, quote, made.events[0]!, 'quote-declined', { reason }));
      await uow.events(made.events).commit(s.store);
      return made.quote;
    },
  });
}
