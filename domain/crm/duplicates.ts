import { normalizeText } from '../shared/text.js';
import * as z from '../shared/zod.js';
import { type Company, CompanyId } from './company.js';
import { type Contact, ContactId, searchName } from './contact.js';

// Likely duplicates: records that share a match key. A contact's keys are its mailboxes (an email
// without `+tag`, and Gmail's dots, which Gmail ignores) and its normalised name at its company;
// a company's are its domain and its name without legal form ("Acme, Inc." = "ACME").
// Exactly equal emails cannot happen (an email belongs to one contact); these are the near misses
// people make.

export type DuplicateKind = 'contact' | 'company';

const GMAIL = new Set(['gmail.com', 'googlemail.com']);

export function mailbox(email: string): string {
  const [local = '', domain = ''] = email.toLowerCase().split('@');
  const base = local.split('+')[0]!;
  return GMAIL.has(domain) ? `${base.replaceAll('.', '')}@gmail.com` : `${base}@${domain}`;
}

const LEGAL_FORMS =
  /\b(inc|incorporated|llc|ltd|limited|gmbh|ag|sa|sas|sarl|bv|nv|plc|corp|corporation|co|company|kg|oy|ab|as|spa|srl|pty)\b/g;

export function companyName(name: string): string {
  return normalizeText(name)
    .replace(/[.,&'’()/-]/g, ' ')
    .replace(LEGAL_FORMS, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function contactMatchKeys(
  c: Pick<Contact, 'emails' | 'firstName' | 'lastName' | 'companyId'>,
): string[] {
  const keys = c.emails.map((e) => `email:${mailbox(e)}`);
  if (c.companyId) keys.push(`name:${searchName(c)}|${c.companyId}`);
  return [...new Set(keys)];
}

export function companyMatchKeys(c: Pick<Company, 'name' | 'domain'>): string[] {
  const keys = c.domain ? [`domain:${c.domain}`] : [];
  const name = companyName(c.name);
  if (name) keys.push(`name:${name}`);
  return keys;
}

/** Why two records share a key, in words. */
export function reasonOf(key: string): string {
  const [kind, value = ''] = key.split(/:(.*)/s);
  if (kind === 'email') return `same mailbox ${value}`;
  if (kind === 'domain') return `same domain ${value}`;
  return value.includes('|') ? 'same name at the same company' : `same name (${value})`;
}

export const MergeContacts = z
  .strictObject(() => ({ duplicateId: ContactId }))
  .register(z.globalRegistry, { id: 'MergeContacts' });
export const MergeCompanies = z
  .strictObject(() => ({ duplicateId: CompanyId }))
  .register(z.globalRegistry, { id: 'MergeCompanies' });

export const Moved = z.record(z.string(), z.int()).describe('how many records moved, by kind');

export const DuplicatePair = z
  .object(() => ({
    records: z.array(z.record(z.string(), z.unknown())).describe('the two records, as they are now'),
    reasons: z.array(z.string()),
    foundAt: z.string(),
  }))
  .register(z.globalRegistry, { id: 'DuplicatePair' });
export type DuplicatePair = z.infer<typeof DuplicatePair>;
