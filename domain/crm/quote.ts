import { idSchema } from '../shared/ids.js';
import { Currency } from '../shared/money.js';
import { text } from '../shared/text.js';
import { CalendarDate, Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';
import { ContactId } from './contact.js';
import { DealId } from './deal.js';
import { LineItem, LineTotals } from './line-items.js';

// Quotes: what a deal's lines were offered as, frozen. Each quote of a deal is a version under
// the deal's one number (`Q-2026-0042` v1, v2…); a new version supersedes the one before. A quote
// is sent, then accepted or declined; while one is accepted the deal's lines are its lines, and
// the win hands them to delivery as the project's budget.

export const QuoteId = idSchema('quote');

export const QUOTE_STATUSES = ['draft', 'sent', 'accepted', 'declined', 'superseded'] as const;
export const QuoteStatus = z.enum(QUOTE_STATUSES);
export type QuoteStatus = z.infer<typeof QuoteStatus>;

/** Body of `POST /deals/{id}/quotes`: what the quote says beside the deal's lines. */
export const NewQuote = z
  .strictObject(() => ({
    scopeSummary: text(5_000).describe('what is delivered; the project scope defaults from it at the win'),
    validUntil: CalendarDate.describe('the last day the customer may accept it'),
    terms: text(10_000).optional().describe('payment and delivery terms, printed under the lines'),
    contactId: ContactId.optional().describe(
      "who it is for (default: the deal's contact); sent to their email",
    ),
  }))
  .register(z.globalRegistry, { id: 'NewQuote' });
export type NewQuote = z.infer<typeof NewQuote>;

export const DeclineQuote = z
  .strictObject(() => ({
    reason: text(500).describe('why the customer declined (or withdrew an acceptance)'),
  }))
  .register(z.globalRegistry, { id: 'DeclineQuote' });

export const Quote = z
  .object(() => ({
    id: QuoteId,
    dealId: DealId,
    number: z.string().describe("the deal's quote number, e.g. Q-2026-0042 (one per deal, every version)"),
    quoteVersion: z.int().min(1).describe('1 for the first quote of the deal, then 2, 3…'),
    status: QuoteStatus,
    title: z.string().describe("the deal's title when the quote was made"),
    currency: Currency,
    lineItems: z.array(LineItem),
    totals: LineTotals,
    scopeSummary: z.string(),
    validUntil: CalendarDate,
    terms: z.string().optional(),
    customer: z
      .object(() => ({
        companyName: z.string().optional(),
        contactId: ContactId.optional(),
        contactName: z.string().optional(),
      }))
      .describe('who it is for, as they were named when it was made'),
    sentAt: Instant.optional(),
    sentTo: z.object(() => ({ contactId: ContactId, email: z.string() })).optional(),
    acceptedAt: Instant.optional(),
    acceptedBy: z.string().optional().describe('who recorded the acceptance'),
    declinedAt: Instant.optional(),
    declineReason: z.string().optional(),
    supersededAt: Instant.optional(),
    supersededBy: QuoteId.optional(),
    createdAt: Instant,
    createdBy: z.string(),
    updatedAt: Instant,
    version: z.int().describe('of this record, for If-Match (not the quote version)'),
  }))
  .register(z.globalRegistry, { id: 'Quote' });
export type Quote = z.infer<typeof Quote>;

/** A quote as the API answers it: with whether it has expired (its validity date passed). */
export const QuoteView = z
  .extend(Quote, () => ({
    expired: z.boolean().describe('its validUntil is past (UTC): it can no longer be sent or accepted'),
  }))
  .register(z.globalRegistry, { id: 'QuoteView' });

/** The last day a quote may be accepted is its validUntil, in UTC. */
export function isExpired(quote: Pick<Quote, 'validUntil' | 'status'>, now: string): boolean {
  return (quote.status === 'draft' || quote.status === 'sent') && quote.validUntil < now.slice(0, 10);
}

/** The human number of a deal's quotes: the year of the first, and the year's sequence. */
export function quoteNumber(year: string, sequence: number): string {
  return `Q-${year}-${String(sequence).padStart(4, '0')}`;
}

/** How a quote is named to people: its number and version. */
export const quoteLabel = (q: Pick<Quote, 'number' | 'quoteVersion'>) => `${q.number} v${q.quoteVersion}`;
