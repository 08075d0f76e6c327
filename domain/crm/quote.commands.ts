import { type DomainEvent, emit } from '../events.js';
import type { CommandContext } from '../shared/context.js';
import { Conflict, ValidationFailed } from '../shared/errors.js';
import type { Company } from './company.js';
import { type Contact, displayName as contactName } from './contact.js';
import { assertOpen } from './deal.commands.js';
import { assertMayChangeDeal, type Deal } from './deal.js';
import { dealWithLines, lineEvents } from './line-items.commands.js';
import type { DealLineItems } from './line-items.js';
import { isExpired, type NewQuote, type Quote, quoteLabel } from './quote.js';

// Quote commands: each takes what it decides on as read and returns the next state and events.
// Only the latest version of a deal's quotes can be sent or accepted (a new one supersedes it),
// and only one quote of a deal is accepted at a time: while it is, the deal's lines are its lines.

const today = (now: string) => now.slice(0, 10);

/**
 * A new version of the deal's quote: its lines as they are now, frozen with the scope, validity
 * and terms. `number`: the deal's quote number (allocated by the caller at the first quote).
 * The version it replaces (`previous`, still draft or sent) is superseded.
 */
export function createQuote(
  deal: Deal,
  sheet: DealLineItems,
  input: NewQuote,
  named: { number: string; contact?: Contact | undefined; company?: Company | null | undefined },
  previous: Quote | undefined,
  ctx: CommandContext,
): { quote: Quote; superseded?: Quote; sheet: DealLineItems; events: DomainEvent[] } {
  assertMayChangeDeal(ctx.actor, deal);
  assertOpen(deal, 'be quoted');
  if (sheet.acceptedQuote) {
    throw new Conflict(
      `quote ${sheet.acceptedQuote.number} v${sheet.acceptedQuote.quoteVersion} is accepted: decline it (the customer withdrew) before making a new version`,
      { quoteId: sheet.acceptedQuote.quoteId },
    );
  }
  const issues = [];
  if (sheet.lineItems.length === 0 || !sheet.totals)
    issues.push({
      path: 'lineItems',
      message: `deal ${deal.id} has no line items to quote: add them first (PUT /deals/${deal.id}/line-items)`,
    });
  if (input.validUntil < today(ctx.now))
    issues.push({ path: 'validUntil', message: `must be today (${today(ctx.now)}) or later` });
  if (input.contactId && !named.contact)
    issues.push({ path: 'contactId', message: `contact ${input.contactId} does not exist` });
  if (issues.length) throw new ValidationFailed(issues);
  const contact = named.contact;
  const quote: Quote = {
    id: ctx.newId('quote'),
    dealId: deal.id,
    number: named.number,
    quoteVersion: sheet.quotes.count + 1,
    status: 'draft',
    title: deal.title,
    currency: sheet.totals!.currency,
    lineItems: sheet.lineItems,
    totals: sheet.totals!,
    scopeSummary: input.scopeSummary,
    validUntil: input.validUntil,
    ...(input.terms ? { terms: input.terms } : {}),
    customer: {
      ...(named.company ? { companyName: named.company.name } : {}),
      ...(contact ? { contactId: contact.id, contactName: contactName(contact) } : {}),
    },
    createdAt: ctx.now,
    createdBy: ctx.actor.userId,
    updatedAt: ctx.now,
    version: 1,
  };
  const superseded: Quote | undefined =
    previous && (previous.status === 'draft' || previous.status === 'sent')
      ? {
          ...previous,
          status: 'superseded',
          supersededAt: ctx.now,
          supersededBy: quote.id,
          updatedAt: ctx.now,
          version: previous.version + 1,
        }
      : undefined;
  const next: DealLineItems = {
    ...sheet,
    quotes: { number: named.number, count: quote.quoteVersion, currentId: quote.id },
    updatedAt: ctx.now,
    revision: sheet.revision + 1,
  };
  const events = [
    emit(ctx, 'QuoteCreated', {
      quote,
      supersedes: superseded ? { quoteId: superseded.id, quoteVersion: superseded.quoteVersion } : null,
    }),
  ];
  return { quote, ...(superseded ? { superseded } : {}), sheet: next, events };
}

/** Why a quote can no longer be sent or accepted, or nothing. */
function assertLive(quote: Quote, doing: string, ctx: CommandContext): void {
  const label = quoteLabel(quote);
  if (quote.status === 'superseded')
    throw new Conflict(`quote ${label} was superseded by a newer version; ${doing} the latest one`, {
      quoteStatus: quote.status,
      supersededBy: quote.supersededBy,
    });
  if (quote.status === 'accepted' || quote.status === 'declined')
    throw new Conflict(`quote ${label} is ${quote.status} already`, { quoteStatus: quote.status });
  if (isExpired(quote, ctx.now))
    throw new Conflict(`quote ${label} expired on ${quote.validUntil}: make a new version to ${doing}`, {
      quoteStatus: 'expired',
      validUntil: quote.validUntil,
    });
}

/** The quote as mailed to its contact (the mail went out; this records it). */
export function sendQuote(
  quote: Quote,
  deal: Deal,
  to: Contact | undefined,
  ctx: CommandContext,
): { quote: Quote; to: { contactId: string; email: string }; events: DomainEvent[] } {
  assertMayChangeDeal(ctx.actor, deal);
  assertOpen(deal, 'send quotes');
  assertLive(quote, 'send', ctx);
  if (!to)
    throw new ValidationFailed([
      {
        path: 'contactId',
        message: `quote ${quoteLabel(quote)} is for no contact: make a new version naming a contactId, or give the deal a contact`,
      },
    ]);
  const email = to.emails[0];
  if (!email)
    throw new ValidationFailed([
      {
        path: 'contactId',
        message: `contact ${to.id} (${contactName(to)}) has no email address to send it to`,
      },
    ]);
  const sentTo = { contactId: to.id, email };
  const sent: Quote = {
    ...quote,
    status: 'sent',
    sentAt: ctx.now,
    sentTo,
    updatedAt: ctx.now,
    version: quote.version + 1,
  };
  return {
    quote: sent,
    to: sentTo,
    events: [
      emit(ctx, 'QuoteSent', {
        quoteId: quote.id,
        dealId: quote.dealId,
        number: quote.number,
        quoteVersion: quote.quoteVersion,
        to: sentTo,
      }),
    ],
  };
}

/**
 * The customer accepted (a rep records it): the deal's lines become the quote's (and so its
 * value), fixed while the acceptance stands.
 */
export function acceptQuote(
  quote: Quote,
  deal: Deal,
  sheet: DealLineItems,
  ctx: CommandContext,
): { quote: Quote; deal: Deal; sheet: DealLineItems; events: DomainEvent[] } {
  assertMayChangeDeal(ctx.actor, deal);
  assertOpen(deal, 'accept quotes');
  assertLive(quote, 'accept', ctx);
  if (sheet.quotes.currentId !== quote.id)
    throw new Conflict(`quote ${quoteLabel(quote)} is not the deal's latest version`, {
      quoteStatus: quote.status,
    });
  const accepted: Quote = {
    ...quote,
    status: 'accepted',
    acceptedAt: ctx.now,
    acceptedBy: ctx.actor.userId,
    updatedAt: ctx.now,
    version: quote.version + 1,
  };
  const next: DealLineItems = {
    ...sheet,
    lineItems: quote.lineItems,
    totals: quote.totals,
    acceptedQuote: {
      quoteId: quote.id,
      number: quote.number,
      quoteVersion: quote.quoteVersion,
      scopeSummary: quote.scopeSummary,
      acceptedAt: ctx.now,
    },
    updatedAt: ctx.now,
    revision: sheet.revision + 1,
  };
  const after = dealWithLines(deal, quote.totals, ctx);
  const events = [
    emit(ctx, 'QuoteAccepted', {
      quoteId: quote.id,
      dealId: quote.dealId,
      number: quote.number,
      quoteVersion: quote.quoteVersion,
      totals: quote.totals,
      value: after.value,
    }),
  ];
  // the deal's lines may have moved on since the quote was made: the accepted quote's come back
  if (JSON.stringify(sheet.lineItems) !== JSON.stringify(quote.lineItems))
    events.push(...lineEvents(deal, after, next, ctx));
  else if (JSON.stringify(deal.value) !== JSON.stringify(after.value) || !deal.lineItemTotals)
    events.push(emit(ctx, 'DealUpdated', { deal: after, changed: ['value', 'lineItemTotals'] }));
  return { quote: accepted, deal: after, sheet: next, events };
}

/**
 * The customer declined; or withdrew an acceptance, which frees the deal's lines again. A
 * superseded quote is history and is not declined.
 */
export function declineQuote(
  quote: Quote,
  deal: Deal,
  sheet: DealLineItems,
  reason: string,
  ctx: CommandContext,
): { quote: Quote; sheet?: DealLineItems; events: DomainEvent[] } {
  assertMayChangeDeal(ctx.actor, deal);
  assertOpen(deal, 'decline quotes');
  if (quote.status === 'superseded' || quote.status === 'declined')
    throw new Conflict(`quote ${quoteLabel(quote)} is ${quote.status} already`, {
      quoteStatus: quote.status,
    });
  const wasAccepted = quote.status === 'accepted';
  const declined: Quote = {
    ...quote,
    status: 'declined',
    declinedAt: ctx.now,
    declineReason: reason,
    updatedAt: ctx.now,
    version: quote.version + 1,
  };
  const { acceptedQuote: _freed, ...rest } = sheet;
  const next = wasAccepted ? { ...rest, updatedAt: ctx.now, revision: sheet.revision + 1 } : undefined;
  return {
    quote: declined,
    ...(next ? { sheet: next } : {}),
    events: [
      emit(ctx, 'QuoteDeclined', {
        quoteId: quote.id,
        dealId: quote.dealId,
        number: quote.number,
        quoteVersion: quote.quoteVersion,
        reason,
        wasAccepted,
      }),
    ],
  };
}
