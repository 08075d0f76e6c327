import { Contact, displayName, searchName } from '../../../../domain/crm/contact.js';
import { type ContactHit, phoneDigits, type SearchTerms } from '../../../../domain/crm/search.js';
import { Conflict, NotFound } from '../../../../domain/shared/errors.js';
import { normalizeText, searchWords } from '../../../../domain/shared/text.js';
import {
  copyPatterns,
  nameWithTag,
  nameWordItems,
  nameWordKey,
  nameWordSearch,
  taggedKey,
  tagItems,
  wordsSearch,
} from '../copies.js';
import {
  ConcurrentModification,
  entityOf,
  equalsAll,
  type Item,
  type Key,
  type QuerySpec,
  versionIs,
  type Write,
} from '../item.js';
import { mergedAway } from '../merged.js';
import { type Page, type PageRequest, pageItems, pageOf } from '../page.js';
import { partitions, TIMELINE_HEAD } from '../partitions.js';
import { get, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';

// A contact: its item, its email guards (one per address: uniqueness is a condition of the
// write; each also indexed by its address, so an address's start finds its contact), its tag,
// name-word and phone copies, and every way it is read.

export const contactKey = (id: string): Key => ({ pk: `CONTACT#${id}`, sk: 'CONTACT' });

/** The uniqueness guard of an email address; it holds a copy of the contact that owns it. */
const emailKey = (email: string): Key => ({ pk: `EMAIL#${email}`, sk: 'CONTACT' });
const emailOfGuard = (key: Key): string => key.pk.slice('EMAIL#'.length);
/** The guard's key: what the capture function reads an email's participants by. */
export const contactEmailKey = emailKey;
/** gsi6: every email guard, by address (search by an address's start). */
const EMAIL_GUARDS = 'CONTACT-EMAILS';
/** Every contact's phone numbers, by their digits, each a copy of its contact. */
const PHONES = 'PHONES#contact';
const phoneKey = (digits: string, id: string): Key => ({ pk: PHONES, sk: `${digits}#${id}` });

/**
 * The layout of a contact item and its copies; one stored with an older one lacks a copy or an
 * index key, and `RebuildReports` with `apply` writes it again (2: both spellings of name words,
 * email guards indexed by address, phone copies).
 */
export const CONTACT_LAYOUT = 2;

export function contactItem(c: Contact): Item {
  const name = searchName(c);
  return {
    ...contactKey(c.id),
    entity: 'contact',
    layout: CONTACT_LAYOUT,
    gsi1pk: partitions.allOf('CONTACT'),
    gsi1sk: `${name}#${c.id}`,
    ...(c.companyId ? { gsi4pk: partitions.company(c.companyId), gsi4sk: `CONTACT#${name}#${c.id}` } : {}),
    // The contact heads its own timeline ('~' sorts after every instant), so reading the first
    // page of the timeline also proves that the contact exists: one Query, and a real 404.
    gsi5pk: partitions.contact(c.id),
    gsi5sk: TIMELINE_HEAD,
    ...c,
  };
}

const asContact = entityOf<Contact>(Contact);

function contactHit(c: Contact, matched: ContactHit['matched']): ContactHit {
  return {
    id: c.id,
    name: displayName(c),
    emails: c.emails,
    phones: c.phones,
    ...(c.title ? { title: c.title } : {}),
    ...(c.companyId ? { companyId: c.companyId } : {}),
    matched,
  };
}

const contactWords = (c: Contact) => searchWords(c.firstName, c.lastName);

export const contactPatterns = patterns({
  contactById: get({
    entity: 'contact',
    pattern: 'a contact by id',
    usedBy:
      '`GET /contacts/{id}` and every command on it, imports; a portal link or an approval for a contact of the customer',
    functions: ['CrmApi', 'CsvImport', 'DeliveryApi'],
    keyCondition: '`pk = CONTACT#<id>, sk = CONTACT`',
    roundTrips: '1 GetItem',
    key: contactKey,
  }),
  contactByEmail: get({
    entity: 'contact',
    pattern: 'a contact by email (the uniqueness guard holds a copy)',
    usedBy: '`GET /contacts?email=`, imports',
    functions: ['CrmApi', 'CsvImport'],
    keyCondition: '`pk = EMAIL#<email>, sk = CONTACT`',
    roundTrips: '1 GetItem',
    key: emailKey,
  }),
  contactsByName: query({
    entity: 'contact',
    pattern: 'contacts by full name (prefix of "first last"), and all contacts by name',
    usedBy: '`GET /contacts` and `?q=` of several words, segments, exports, `RebuildReports` (older layouts)',
    functions: ['CrmApi', 'CsvExport', 'RebuildReports'],
    index: 'gsi1',
    keyCondition: '`gsi1pk = CONTACT AND begins_with(gsi1sk, <normalised q>)`',
    roundTrips: '1 Query',
    query: (namePrefix?: string) => ({
      index: 'gsi1',
      partition: partitions.allOf('CONTACT'),
      ...(namePrefix ? { sort: { beginsWith: namePrefix } } : {}),
    }),
  }),
  companyContacts: query({
    entity: 'contact',
    pattern: "a company's contacts, by name (prefix)",
    usedBy: '`GET /contacts?companyId=`, `DELETE /companies/{id}` (COUNT; detach), merges, segments, exports',
    functions: ['CrmApi', 'CsvExport'],
    index: 'gsi4',
    keyCondition: '`gsi4pk = COMPANY#<id> AND begins_with(gsi4sk, CONTACT#<name prefix>)`',
    roundTrips: '1 Query',
    query: (companyId: string, namePrefix = '') => ({
      index: 'gsi4',
      partition: partitions.company(companyId),
      sort: { beginsWith: `CONTACT#${namePrefix}` },
    }),
  }),
  contactsByEmail: query({
    entity: 'contact',
    pattern: 'contacts by the start of an email address (the email guards, indexed by address)',
    usedBy: '`GET /search`',
    functions: ['CrmApi'],
    index: 'gsi6',
    keyCondition: '`gsi6pk = CONTACT-EMAILS AND begins_with(gsi6sk, <lower-case q>)`',
    roundTrips: '1 Query',
    query: (prefix: string) => ({ index: 'gsi6', partition: EMAIL_GUARDS, sort: { beginsWith: prefix } }),
  }),
  contactsByPhone: query({
    entity: 'contact',
    pattern: "contacts by the start of a phone number's digits (their phone copies)",
    usedBy: '`GET /search`',
    functions: ['CrmApi'],
    index: 'table',
    keyCondition: "`pk = PHONES#contact AND begins_with(sk, <q's digits>)`",
    roundTrips: '1 Query',
    query: (digits: string) => ({ partition: PHONES, sort: { beginsWith: digits } }),
  }),
  contactWritten: write({
    entity: 'contact',
    pattern:
      'a contact with its email guards, tag, name-word and phone copies: created, changed, merged, deleted',
    usedBy: 'contact commands, company merges and detaches, imports',
    functions: ['CrmApi', 'CsvImport'],
    keyCondition:
      "Put `CONTACT#<id>` (if absent, or at the version read), each `EMAIL#<email>` (free or this contact's), its copies; Delete what the change made obsolete",
    roundTrips: "none of its own (the command's transaction)",
    actions: ['PutItem', 'DeleteItem'],
  }),
  contactRewritten: write({
    entity: 'contact',
    pattern: 'a contact stored with an older layout, written again with its copies',
    usedBy: '`RebuildReports` with `apply`',
    functions: ['RebuildReports'],
    keyCondition: 'Put `CONTACT#<id>` at the version read, its email guards (still its own) and its copies',
    roundTrips: '1 transaction per contact rewritten',
    actions: ['PutItem'],
  }),
  contactExists: write({
    entity: 'contact',
    pattern: 'a contact a command links to exists (and was not merged) when it commits',
    usedBy: 'deals, activities and projects that name a contact, imports',
    functions: ['CrmApi', 'DeliveryApi', 'CsvImport', 'EmailCapture'],
    keyCondition: 'ConditionCheck `CONTACT#<id>`: exists, not merged',
    roundTrips: "none of its own (a condition of the command's transaction)",
    actions: ['ConditionCheckItem'],
  }),
});

export interface ContactFilter {
  q?: string | undefined;
  companyId?: string | undefined;
  tag?: string | undefined;
}

export class ContactRepository {
  constructor(private readonly store: Store) {}

  fromItem(item: Record<string, unknown>): Contact {
    return asContact(item);
  }

  /** The contact; a merged one answers Gone, naming its survivor. */
  async get(id: string): Promise<Contact | undefined> {
    const item = await this.store.get(contactPatterns.contactById, id);
    if (item?.mergedInto) throw mergedAway('contact', id, String(item.mergedInto));
    return item ? asContact(item) : undefined;
  }

  async require(id: string): Promise<Contact> {
    const contact = await this.get(id);
    if (!contact) throw new NotFound('contact', id);
    return contact;
  }

  /** One GetItem: the email's uniqueness guard carries a copy of its contact. */
  async findByEmail(email: string): Promise<Contact | undefined> {
    const item = await this.store.get(contactPatterns.contactByEmail, email);
    return item ? asContact(item) : undefined;
  }

  list(filter: ContactFilter, page: PageRequest): Promise<Page<Contact>> {
    const words =
      filter.q && !filter.tag && !filter.companyId ? nameWordSearch('contact', filter.q) : undefined;
    if (words) return pageOf(this.store, { ...words.spec, ...page }, asContact, words.keep);
    return pageOf(this.store, { ...this.plan(filter), ...page }, asContact);
  }

  /**
   * The Query a filter runs as: a tag's copies (narrowed by company), a company's contacts by
   * name, or all contacts by name. A name prefix is a key condition, so it cannot narrow a tag.
   */
  plan(filter: ContactFilter): QuerySpec {
    const prefix = filter.q ? normalizeText(filter.q) : '';
    if (filter.tag) {
      if (prefix) throw nameWithTag();
      const narrow = equalsAll(filter.companyId ? { companyId: filter.companyId } : {});
      return {
        ...copyPatterns.taggedRecords.query('contact', filter.tag),
        ...(narrow ? { filter: narrow } : {}),
      };
    }
    if (filter.companyId) {
      return contactPatterns.companyContacts.query(filter.companyId, prefix);
    }
    return contactPatterns.contactsByName.query(prefix || undefined);
  }

  /** The ids of a company's contacts (to detach them). */
  async idsAtCompany(companyId: string): Promise<string[]> {
    const items = await this.store.queryAll(contactPatterns.companyContacts.query(companyId));
    return items.map((i) => String(i.id));
  }

  /** How many contacts a company has (a COUNT Query). */
  countAtCompany(companyId: string): Promise<number> {
    return this.store.count(contactPatterns.companyContacts.query(companyId));
  }

  create(uow: UnitOfWork, contact: Contact): UnitOfWork {
    return uow
      .create(contactPatterns.contactWritten, contactItem(contact))
      .syncCopies(contactPatterns.contactWritten, [], this.copies(contact));
  }

  update(uow: UnitOfWork, before: Contact, after: Contact): UnitOfWork {
    return uow
      .update(contactPatterns.contactWritten, before, contactItem(after))
      .syncCopies(contactPatterns.contactWritten, this.copyItems(before), this.copies(after));
  }

  /**
   * The last step of a merge: the survivor with what it gained (its email guards taken over from
   * the duplicate in the same write), and the duplicate replaced by its tombstone.
   */
  merge(uow: UnitOfWork, before: Contact, after: Contact, duplicate: Contact, at: string): UnitOfWork {
    const pattern = contactPatterns.contactWritten;
    uow.update(pattern, before, contactItem(after));
    const kept = this.copyItems(after);
    for (const old of this.copyItems(before)) {
      if (!kept.some((k) => k.pk === old.pk && k.sk === old.sk))
        uow.add({ pattern, delete: { pk: old.pk, sk: old.sk } });
    }
    for (const put of kept) {
      uow.add(
        put.entity === 'contact-email'
          ? {
              pattern,
              put,
              condition: {
                expression: 'attribute_not_exists(pk) OR id = :self OR id = :merged',
                values: { ':self': after.id, ':merged': duplicate.id },
              },
            }
          : { pattern, put },
      );
    }
    for (const tag of duplicate.tags) uow.add({ pattern, delete: taggedKey('contact', tag, duplicate.id) });
    for (const word of contactWords(duplicate))
      uow.add({ pattern, delete: nameWordKey('contact', word, duplicate.id) });
    return uow.tombstone(pattern, duplicate, contactKey(duplicate.id), after.id, at);
  }

  remove(uow: UnitOfWork, contact: Contact): UnitOfWork {
    return uow
      .remove(contactPatterns.contactWritten, contact, contactKey(contact.id))
      .syncCopies(contactPatterns.contactWritten, this.copyItems(contact), []);
  }

  /** The contact must exist (and not be merged) when the command commits: a condition, no read. */
  requireExists(uow: UnitOfWork, id: string, path: string): UnitOfWork {
    return uow.requireExists(contactPatterns.contactExists, contactKey(id), path, `contact ${id}`);
  }

  private copyItems(c: Contact): Item[] {
    const digits = [...new Set(c.phones.map(phoneDigits).filter(Boolean))];
    return [
      ...c.emails.map((email) => ({
        ...emailKey(email),
        entity: 'contact-email',
        gsi6pk: EMAIL_GUARDS,
        gsi6sk: `${email}#${c.id}`,
        ...c,
      })),
      ...tagItems('contact', c),
      ...nameWordItems('contact', c, contactWords(c)),
      ...digits.map((d) => ({ ...phoneKey(d, c.id), entity: 'contact-phone', ...c })),
    ];
  }

  /**
   * `GET /search`: contacts by the start of any part of the name (the other words narrow), of an
   * email address, or of a phone number's digits; one Query each, in parallel, each contact once,
   * by name first.
   */
  async search(terms: SearchTerms, limit: number): Promise<ContactHit[]> {
    const words = wordsSearch('contact', terms.words);
    const [byName, byEmail, byPhone] = await Promise.all([
      words ? pageItems(this.store, { ...words.spec, limit }, words.keep) : undefined,
      terms.email
        ? this.store.query({ ...contactPatterns.contactsByEmail.query(terms.email), limit })
        : undefined,
      terms.phone
        ? this.store.query({ ...contactPatterns.contactsByPhone.query(terms.phone), limit })
        : undefined,
    ]);
    const hits = new Map<string, ContactHit>();
    const add = (items: Record<string, unknown>[] | undefined, matched: ContactHit['matched']) => {
      for (const item of items ?? []) {
        const c = asContact(item);
        if (hits.size < limit && !hits.has(c.id)) hits.set(c.id, contactHit(c, matched));
      }
    };
    add(byName?.items, 'name');
    add(byEmail?.items, 'email');
    add(byPhone?.items, 'phone');
    return [...hits.values()];
  }

  /**
   * Writes a contact again in the current layout (its copies too), on condition that nobody
   * changed it since it was read: false when somebody did (their write has the new layout).
   */
  async rewrite(contact: Contact): Promise<boolean> {
    const pattern = contactPatterns.contactRewritten;
    try {
      await this.store.transact([
        { pattern, put: contactItem(contact), condition: versionIs(contact.version) },
        ...this.copies(contact).map((w) => ({ ...w, pattern })),
      ]);
      return true;
    } catch (error) {
      if (error instanceof ConcurrentModification) return false;
      throw error;
    }
  }

  /** Every contact, a page at a time, as stored (with its item layout). */
  allPage(startKey?: Record<string, unknown>) {
    return this.store.query({
      ...contactPatterns.contactsByName.query(),
      ...(startKey ? { startKey } : {}),
    });
  }

  /** Email guards are written on condition that the address is free or already this contact's. */
  private copies(c: Contact): Write[] {
    const pattern = contactPatterns.contactWritten;
    return this.copyItems(c).map((put) =>
      put.entity === 'contact-email'
        ? {
            pattern,
            put,
            condition: { expression: 'attribute_not_exists(pk) OR id = :self', values: { ':self': c.id } },
            onConditionFailed: (existing) => {
              const email = emailOfGuard(put);
              const owner = existing ? asContact(existing) : undefined;
              return new Conflict(
                `email ${email} already belongs to contact ${owner?.id} (${[owner?.firstName, owner?.lastName].filter(Boolean).join(' ')})`,
                { email, existingContactId: owner?.id },
              );
            },
          }
        : { pattern, put },
    );
  }
}
