import { createQuote } from '../../../domain/crm/quote.commands.js';
import { type NewQuote, type Quote, quoteNumber } from '../../../domain/crm/quote.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { retryOnConflict } from '../../lib/versioned-command.js';

/**
 * Makes the next version of a deal's quote from its lines as they are: the deal, its lines and
 * the year's quote numbers in one read, then its contact, company and latest version; one
 * transaction writes the quote, supersedes the latest (if still draft or sent), moves the deal's
 * quote bookkeeping and, for a deal's first quote, takes the year's next number. A lost race
 * (another quote of the deal, another deal's first quote) is decided again.
 */
export function makeQuote(
  s: Pick<Services, 'lineItems' | 'quotes' | 'store'>,
  dealId: string,
  body: NewQuote,
  { ctx }: CommandInput,
): Promise<Quote> {
  const year = ctx.now.slice(0, 4);
  return retryOnConflict(undefined, async () => {
    const { deal, lines, lastNumber } = await s.quotes.toMake(dealId, year);
    const sheet = s.lineItems.fromItem(lines, dealId);
    const contactId = body.contactId ?? deal.contactId;
    const { contact, company, latest } = await s.quotes.parties({
      contactId,
      companyId: deal.companyId,
      latestId: sheet.quotes.currentId,
    });
    const first = !sheet.quotes.number;
    const number = sheet.quotes.number ?? quoteNumber(year, lastNumber + 1);
    const made = createQuote(deal, sheet, body, { number, contact, company }, latest, ctx);
    const uow = s.quotes.create(new UnitOfWork(), made.quote).add(s.lineItems.written(sheet, made.sheet));
    if (made.superseded && latest) s.quotes.update(uow, latest, made.superseded);
    if (first) uow.add(s.quotes.takeNumber(year, lastNumber));
    uow.add(s.quotes.onTimeline(deal, made.quote, made.events[0]!, 'quote-created'));
    await uow.events(made.events).commit(s.store);
    return made.quote;
  });
}
