import { nameWords } from '../shared/text.js';
import * as z from '../shared/zod.js';
import { CompanyId } from './company.js';
import { ContactId } from './contact.js';
import { DealId, DealStatus } from './deal.js';

// Global search (`GET /search`): what a person types, read as the terms each kind of record is
// found by, and what a hit says. A name or title is found by the start of any of its words in
// either spelling (text.ts, searchWords), a contact also by the start of an email address or of a
// phone number's digits, a company by the start of its domain.

/** What a query is searched as. */
export interface SearchTerms {
  /** Its words, folded as names are (the first finds, the others narrow). */
  words: string[];
  /** The start of an email address (a query of one token). */
  email?: string;
  /** The start of a phone number's digits (a query of phone characters with 2 digits or more). */
  phone?: string;
  /** The start of a domain (a query of one token; `https://` and `www.` dropped). */
  domain?: string;
}

/** A phone number as it is searched: its digits ("+49 (30) 123-45" → 493012345). */
export function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, '');
}

const PHONE_CHARACTERS = /^\+?[0-9 ().\-/]+$/;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

export function searchTerms(q: string): SearchTerms {
  const text = q.trim().toLowerCase();
  const single = LETTER_OR_DIGIT.test(text) && !/\s/.test(text);
  const address = text.includes('@');
  const digits = phoneDigits(text);
  const domain = text.replace(/^https?:\/\//, '').replace(/^www\./, '');
  return {
    // an address is searched whole, not as the words around its dots and @
    words: address ? [] : nameWords(q),
    ...(single ? { email: text } : {}),
    ...(PHONE_CHARACTERS.test(text) && digits.length >= 2 ? { phone: digits } : {}),
    ...(single && !address && domain ? { domain } : {}),
  };
}

/** Nothing in the query can be searched for (only punctuation). */
export function searchable(terms: SearchTerms): boolean {
  return terms.words.length > 0 || terms.email !== undefined || terms.phone !== undefined;
}

export const DealHit = z
  .object(() => ({
    id: DealId,
    title: z.string(),
    status: DealStatus,
    companyName: z.string().optional(),
    stageId: z.string(),
    ownerId: z.string(),
  }))
  .register(z.globalRegistry, { id: 'DealHit' });
export type DealHit = z.infer<typeof DealHit>;

const Matched = z.enum(['name', 'email', 'phone', 'domain']).describe('what the query matched');

export const ContactHit = z
  .object(() => ({
    id: ContactId,
    name: z.string(),
    emails: z.array(z.string()),
    phones: z.array(z.string()),
    title: z.string().optional(),
    companyId: CompanyId.optional(),
    matched: Matched,
  }))
  .register(z.globalRegistry, { id: 'ContactHit' });
export type ContactHit = z.infer<typeof ContactHit>;

export const CompanyHit = z
  .object(() => ({
    id: CompanyId,
    name: z.string(),
    domain: z.string().optional(),
    matched: Matched,
  }))
  .register(z.globalRegistry, { id: 'CompanyHit' });
export type CompanyHit = z.infer<typeof CompanyHit>;

export const SearchResults = z
  .object(() => ({
    q: z.string(),
    deals: z.array(DealHit).describe('by the start of any word of the title'),
    contacts: z
      .array(ContactHit)
      .describe('by the start of any part of the name, an email or a phone number'),
    companies: z.array(CompanyHit).describe('by the start of any word of the name, or of the domain'),
  }))
  .register(z.globalRegistry, { id: 'SearchResults' });
export type SearchResults = z.infer<typeof SearchResults>;
