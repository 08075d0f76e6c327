import { Company } from '../../../../domain/crm/company.js';
import { Contact } from '../../../../domain/crm/contact.js';
import { Deal } from '../../../../domain/crm/deal.js';
import { Quote } from '../../../../domain/crm/quote.js';
import type { DealHistoryEntry } from '../../../../domain/crm/timeline.js';
import type { DomainEvent } from '../../../../domain/events.js';
import { Conflict, NotFound } from '../../../../domain/shared/errors.js';
import { ConcurrentModification, entityOf, type Item, type Key, notExists, type Write } from '../item.js';
import { type Page, type PageRequest, pageOf } from '../page.js';
import { dealLinesKey, partitions } from '../partitions.js';
import { batchGet, get, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import { type UnitOfWork, VersionConflict } from '../unit-of-work.js';
import { companyKey } from './company.js';
import { contactKey } from './contact.js';
import { dealHistoryItem, dealKey } from './deal.js';

// Quotes: one item per version (`QUOTE#<id>`), listed under their deal on gsi3 by version
// (`DEAL#<id>` / `QUOTE#<0001>`; the deal's timeline is `TL#…` in the same partition). A deal's
// quote number comes from a counter per year, `QUOTE-NUMBERS#<year>`, read before and written in
// the same transaction as the first quote of the deal, at the value read: numbers have no gaps
// and no duplicates, a lost race is decided again. One item per year takes every deal's first
// quote; a sales team makes a few a minute, where one item takes about a thousand writes a
// second, so it is no hot key, and nothing is ever scanned to find the next number.

const quoteKey = (id: string): Key => ({ pk: `QUOTE#${id}`, sk: 'QUOTE' });
/** A send in progress: held from before the mail until its record (or until its lease is over). */
const sendingKey = (id: string): Key => ({ pk: `QUOTE#${id}`, sk: 'SENDING' });

/**
 * How long a send holds its quote: longer than an API function may run (10 s) and than API
 * Gateway waits (30 s), so no holder outlives it; a send that died frees the quote after it.
 */
export const QUOTE_SEND_LEASE_SECONDS = 60;
const numbersKey = (year: string): Key => ({ pk: `QUOTE-NUMBERS#${year}`, sk: 'COUNTER' });
const versionKey = (quoteVersion: number) => `QUOTE#${String(quoteVersion).padStart(4, '0')}`;

export function quoteItem(q: Quote): Item {
  return {
    ...quoteKey(q.id),
    entity: 'quote',
    gsi3pk: partitions.deal(q.dealId),
    gsi3sk: versionKey(q.quoteVersion),
    ...q,
  };
}

export const quotePatterns = patterns({
  quoteById: get({
    entity: 'quote',
    pattern: 'a quote version',
    usedBy: '`GET /quotes/{id}`, `/pdf`, and the commands on it',
    functions: ['CrmApi'],
    keyCondition: '`pk = QUOTE#<id>, sk = QUOTE`',
    roundTrips: '1 GetItem',
    key: quoteKey,
  }),
  quoteToMake: batchGet({
    entity: 'deal, line items, quote numbers',
    pattern:
      "a new quote: the deal, its lines and this year's quote numbers; then its contact, company and latest version",
    usedBy: '`POST /deals/{id}/quotes`',
    functions: ['CrmApi'],
    keyCondition:
      'BatchGet `DEAL#<id>`, `DEAL#<id>` / `LINES`, `QUOTE-NUMBERS#<year>`; then BatchGet `CONTACT#<id>`, `COMPANY#<id>`, `QUOTE#<latest>`',
    roundTrips: '2 BatchGets + 1 transaction',
    keys: (dealId: string, year: string) => [dealKey(dealId), dealLinesKey(dealId), numbersKey(year)],
  }),
  quotedParties: batchGet({
    entity: 'contact, company, quote',
    pattern: 'who a quote is for (its contact and company) and the version it supersedes',
    usedBy: '`POST /deals/{id}/quotes`',
    functions: ['CrmApi'],
    keyCondition: 'BatchGet `CONTACT#<id>`, `COMPANY#<id>`, `QUOTE#<latest>`',
    roundTrips: '1 BatchGet',
    keys: (contactId?: string, companyId?: string, latestId?: string) => [
      ...(contactId ? [contactKey(contactId)] : []),
      ...(companyId ? [companyKey(companyId)] : []),
      ...(latestId ? [quoteKey(latestId)] : []),
    ],
  }),
  quoteToSend: batchGet({
    entity: 'deal, contact',
    pattern: 'a quote to send: its deal (open, yours) and its contact (their email)',
    usedBy: '`POST /quotes/{id}/send` (after the quote)',
    functions: ['CrmApi'],
    keyCondition: 'BatchGet `DEAL#<id>`, `CONTACT#<id>`',
    roundTrips: '1 BatchGet',
    keys: (dealId: string, contactId?: string) => [
      dealKey(dealId),
      ...(contactId ? [contactKey(contactId)] : []),
    ],
  }),
  dealQuotes: query({
    entity: 'quote',
    pattern: "a deal's quotes, newest version first",
    usedBy: '`GET /deals/{id}/quotes`',
    functions: ['CrmApi'],
    index: 'gsi3',
    keyCondition: '`gsi3pk = DEAL#<id> AND begins_with(gsi3sk, QUOTE#)`',
    roundTrips: '1 Query',
    query: (dealId: string) => ({
      index: 'gsi3',
      partition: partitions.deal(dealId),
      sort: { beginsWith: 'QUOTE#' },
    }),
  }),
  quoteWritten: write({
    entity: 'quote',
    pattern: 'a quote version: made, superseded, sent, accepted or declined at its version',
    usedBy: '`POST /deals/{id}/quotes`, `POST /quotes/{id}/send`, `/accept`, `/decline`',
    functions: ['CrmApi'],
    keyCondition: 'Put `QUOTE#<id>` / `QUOTE` (if absent, or at the version read)',
    roundTrips: "none of its own (the command's transaction)",
    actions: ['PutItem'],
  }),
  quoteSendClaimed: write({
    entity: 'quote send',
    pattern: 'a quote held by the one request mailing it, from before the mail to its record',
    usedBy: '`POST /quotes/{id}/send`',
    functions: ['CrmApi'],
    keyCondition:
      'Put `QUOTE#<id>` / `SENDING` with `leaseUntil` if absent or its lease is over, with `QUOTE#<id>` / `QUOTE` still at the version decided on',
    roundTrips: '1 transaction per send',
    actions: ['PutItem', 'ConditionCheckItem'],
  }),
  quoteSendReleased: write({
    entity: 'quote send',
    pattern: "a send done (in its record's transaction) or refused by SES: the quote free again",
    usedBy: '`POST /quotes/{id}/send`',
    functions: ['CrmApi'],
    keyCondition: 'Delete `QUOTE#<id>` / `SENDING` if this send holds it',
    roundTrips:
      "none of its own when recorded (the send's transaction); 1 conditional Delete when SES refuses",
    actions: ['DeleteItem'],
  }),
  quoteNumberTaken: write({
    entity: 'quote numbers',
    pattern: "the year's next quote number, taken by a deal's first quote",
    usedBy: '`POST /deals/{id}/quotes` (the first of a deal)',
    functions: ['CrmApi'],
    keyCondition: 'Put `QUOTE-NUMBERS#<year>` / `COUNTER` with `last + 1`, if `last` is still the value read',
    roundTrips: "none of its own (the quote's transaction)",
    actions: ['PutItem'],
  }),
  quoteOnTimeline: write({
    entity: 'deal history',
    pattern:
      "a quote made, sent, accepted or declined, on the deal's (and its contact's and company's) timeline",
    usedBy: '`POST /deals/{id}/quotes`, `POST /quotes/{id}/send`, `/accept`, `/decline`',
    functions: ['CrmApi'],
    keyCondition: 'Put `DEAL#<id>` / `HISTORY#<at>#<eventId>`',
    roundTrips: "none of its own (the command's transaction)",
    actions: ['PutItem'],
  }),
});

const asQuote = entityOf<Quote>(Quote);
const asDeal = entityOf<Deal>(Deal);
const asContact = entityOf<Contact>(Contact);
const asCompany = entityOf<Company>(Company);

export class QuoteRepository {
  constructor(private readonly store: Store) {}

  fromItem(item: Record<string, unknown>): Quote {
    return asQuote(item);
  }

  async require(id: string): Promise<Quote> {
    const item = await this.store.get(quotePatterns.quoteById, id);
    if (!item) throw new NotFound('quote', id);
    return asQuote(item);
  }

  list(dealId: string, page: PageRequest): Promise<Page<Quote>> {
    return pageOf(
      this.store,
      { ...quotePatterns.dealQuotes.query(dealId), newestFirst: true, ...page },
      asQuote,
    );
  }

  /** The deal, its lines (as stored) and the year's last quote number (0: none yet). */
  async toMake(
    dealId: string,
    year: string,
  ): Promise<{ deal: Deal; lines: Record<string, unknown> | undefined; lastNumber: number }> {
    const [deal, lines, numbers] = await this.store.batchGet(quotePatterns.quoteToMake, dealId, year);
    if (!deal) throw new NotFound('deal', dealId);
    return { deal: asDeal(deal), lines, lastNumber: Number(numbers?.last ?? 0) };
  }

  /** The contact and company a quote names, and the version it follows. */
  async parties(named: {
    contactId?: string | undefined;
    companyId?: string | undefined;
    latestId?: string | undefined;
  }) {
    const found = await this.store.batchGet(
      quotePatterns.quotedParties,
      named.contactId,
      named.companyId,
      named.latestId,
    );
    const contact = named.contactId ? found.shift() : undefined;
    const company = named.companyId ? found.shift() : undefined;
    const latest = named.latestId ? found.shift() : undefined;
    return {
      contact: contact && !contact.mergedInto ? asContact(contact) : undefined,
      company: company && !company.mergedInto ? asCompany(company) : undefined,
      latest: latest ? asQuote(latest) : undefined,
    };
  }

  /** A quote's deal and contact, to send it. */
  async toSend(quote: Quote): Promise<{ deal: Deal; contact: Contact | undefined }> {
    const [deal, contact] = await this.store.batchGet(
      quotePatterns.quoteToSend,
      quote.dealId,
      quote.customer.contactId,
    );
    if (!deal) throw new NotFound('deal', quote.dealId);
    return { deal: asDeal(deal), contact: contact && !contact.mergedInto ? asContact(contact) : undefined };
  }

  create(uow: UnitOfWork, quote: Quote): UnitOfWork {
    return uow.create(quotePatterns.quoteWritten, quoteItem(quote));
  }

  update(uow: UnitOfWork, before: Quote, after: Quote): UnitOfWork {
    return uow.update(quotePatterns.quoteWritten, before, quoteItem(after));
  }

  /**
   * Holds the quote for one send until `leaseUntil`: a second send at the same time (a double
   * click, two tabs) is refused before it mails, instead of mailing the customer twice.
   */
  async claimSend(
    quote: Pick<Quote, 'id' | 'version'>,
    claim: { now: string; leaseUntil: string },
  ): Promise<void> {
    const { id } = quote;
    await this.store.transact([
      // the send was decided on this version: one recorded meanwhile is a lost race, not a resend
      {
        pattern: quotePatterns.quoteSendClaimed,
        check: quoteKey(id),
        condition: {
          expression: '#version = :read',
          names: { '#version': 'version' },
          values: { ':read': quote.version },
        },
        onConditionFailed: (current) =>
          new VersionConflict('quote', id, quote.version, Number(current?.version)),
      },
      {
        pattern: quotePatterns.quoteSendClaimed,
        put: { ...sendingKey(id), entity: 'quote-send', leaseUntil: claim.leaseUntil },
        condition: {
          expression: 'attribute_not_exists(pk) OR leaseUntil < :now',
          values: { ':now': claim.now },
        },
        onConditionFailed: () =>
          new Conflict(`quote ${id} is being sent by another request; read it again in a minute`),
      },
    ]);
  }

  /** The send's hold given back: in its record's transaction, or alone when SES refused the mail. */
  sendDone(id: string, leaseUntil: string): Write {
    return {
      pattern: quotePatterns.quoteSendReleased,
      delete: sendingKey(id),
      condition: { expression: 'leaseUntil = :mine', values: { ':mine': leaseUntil } },
      onConditionFailed: () => new ConcurrentModification(`the send of quote ${id}`),
    };
  }

  /** Takes the year's next number (`last` read + 1), in the quote's transaction. */
  takeNumber(year: string, lastRead: number): Write {
    return {
      pattern: quotePatterns.quoteNumberTaken,
      put: { ...numbersKey(year), entity: 'quote-numbers', year, last: lastRead + 1 },
      condition:
        lastRead === 0
          ? notExists
          : { expression: '#last = :last', names: { '#last': 'last' }, values: { ':last': lastRead } },
      onConditionFailed: () => new ConcurrentModification(`quote number ${year}`),
    };
  }

  /** The quote's change on the deal's timeline (and its contact's and company's). */
  onTimeline(
    deal: Pick<Deal, 'id' | 'title' | 'contactId' | 'companyId'>,
    quote: Pick<Quote, 'id' | 'number' | 'quoteVersion'>,
    event: DomainEvent,
    change: 'quote-created' | 'quote-sent' | 'quote-accepted' | 'quote-declined',
    extra: { sentTo?: string; reason?: string } = {},
  ): Write {
    const at = event.detail.occurredAt;
    const record: DealHistoryEntry = {
      dealId: deal.id,
      dealTitle: deal.title,
      change,
      at,
      by: event.detail.actor.userId,
      ...(extra.reason ? { reason: extra.reason } : {}),
      quote: {
        id: quote.id,
        number: quote.number,
        quoteVersion: quote.quoteVersion,
        ...(extra.sentTo ? { sentTo: extra.sentTo } : {}),
      },
    };
    return {
      pattern: quotePatterns.quoteOnTimeline,
      put: dealHistoryItem(deal, at, event.detail.id, record),
    };
  }
}
