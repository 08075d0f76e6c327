import type { ContactLinks } from '../../../../domain/crm/contact.commands.js';
import { Contact } from '../../../../domain/crm/contact.js';
import { BadRequest, Conflict, Gone, NotFound } from '../../../../domain/shared/errors.js';
import { nameWords, normalizeText } from '../../../../domain/shared/text.js';
import { accessPatterns } from '../access-patterns.js';
import { contactItem, keys, nameWordItems } from '../keys.js';
import { entityOf, equalsAll, type Item, type QuerySpec, type Store, type Write } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { nameWordSearch } from './name-search.js';
import { type Page, type PageRequest, pageOf } from './page.js';

const asContact = entityOf<Contact>(Contact);

const contactWords = (c: Contact) => nameWords(c.firstName, c.lastName);

export interface ContactFilter {
  q?: string | undefined;
  companyId?: string | undefined;
  tag?: string | undefined;
}

export const mergedAway = (entity: string, id: string, survivorId: string) =>
  new Gone(`${entity} ${id} was merged into ${survivorId}`, { mergedInto: survivorId });

export const nameWithTag = () =>
  new BadRequest('q (a name prefix) cannot be combined with tag: each is an index of its own', {
    errors: [{ path: 'q', message: 'cannot be combined with tag' }],
  });

export class ContactRepository {
  constructor(private readonly store: Store) {}

  fromItem(item: Record<string, unknown>): Contact {
    return asContact(item);
  }

  /** The contact; a merged one answers Gone, naming its survivor. */
  async get(id: string): Promise<Contact | undefined> {
    const item = await this.store.get(keys.contact(id));
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
    const item = await this.store.get(keys.contactEmail(email));
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
        ...accessPatterns.taggedRecords.query('contact', filter.tag),
        ...(narrow ? { filter: narrow } : {}),
      };
    }
    if (filter.companyId) {
      return accessPatterns.companyContacts.query(filter.companyId, prefix);
    }
    return accessPatterns.contactsByName.query(prefix || undefined);
  }

  /** The deals this contact is the primary contact of, counted by status (two COUNT Queries). */
  async links(id: string): Promise<ContactLinks> {
    const [all, open] = await Promise.all([
      this.store.count(accessPatterns.contactDeals.query(id)),
      this.store.count(accessPatterns.contactDeals.query(id, 'open')),
    ]);
    return { openDeals: open, closedDeals: all - open };
  }

  /** The ids of every deal this contact is the primary contact of, open or closed. */
  async dealIds(id: string): Promise<string[]> {
    return (await this.store.queryAll(accessPatterns.contactDeals.query(id))).map((i) => String(i.id));
  }

  create(uow: UnitOfWork, contact: Contact): UnitOfWork {
    return uow.create('contact', contactItem(contact)).syncCopies([], this.copies(contact));
  }

  update(uow: UnitOfWork, before: Contact, after: Contact): UnitOfWork {
    return uow
      .update('contact', before, contactItem(after))
      .syncCopies(this.copyItems(before), this.copies(after));
  }

  /**
   * The last step of a merge: the survivor with what it gained (its email guards taken over from
   * the duplicate in the same write), and the duplicate replaced by its tombstone.
   */
  merge(uow: UnitOfWork, before: Contact, after: Contact, duplicate: Contact, at: string): UnitOfWork {
    uow.update('contact', before, contactItem(after));
    const kept = this.copyItems(after);
    for (const old of this.copyItems(before)) {
      if (!kept.some((k) => k.pk === old.pk && k.sk === old.sk))
        uow.add({ delete: { pk: old.pk, sk: old.sk } });
    }
    for (const put of kept) {
      uow.add(
        put.entity === 'contact-email'
          ? {
              put,
              condition: {
                expression: 'attribute_not_exists(pk) OR id = :self OR id = :merged',
                values: { ':self': after.id, ':merged': duplicate.id },
              },
            }
          : { put },
      );
    }
    for (const tag of duplicate.tags) uow.add({ delete: keys.tagged('contact', tag, duplicate.id) });
    for (const word of contactWords(duplicate))
      uow.add({ delete: keys.nameWord('contact', word, duplicate.id) });
    return uow.tombstone('contact', duplicate, keys.contact(duplicate.id), after.id, at);
  }

  remove(uow: UnitOfWork, contact: Contact): UnitOfWork {
    return uow.remove('contact', contact, keys.contact(contact.id)).syncCopies(this.copyItems(contact), []);
  }

  private copyItems(c: Contact): Item[] {
    return [
      ...c.emails.map((email) => ({ ...keys.contactEmail(email), entity: 'contact-email', ...c })),
      ...c.tags.map((tag) => ({ ...keys.tagged('contact', tag, c.id), entity: 'contact-tag', ...c })),
      ...nameWordItems('contact', c, contactWords(c)),
    ];
  }

  /** Email guards are written on condition that the address is free or already this contact's. */
  private copies(c: Contact): Write[] {
    return this.copyItems(c).map((put) =>
      put.entity === 'contact-email'
        ? {
            put,
            condition: { expression: 'attribute_not_exists(pk) OR id = :self', values: { ':self': c.id } },
            onConditionFailed: (existing) => {
              const email = keys.emailOfGuard(put);
              const owner = existing ? asContact(existing) : undefined;
              return new Conflict(
                `email ${email} already belongs to contact ${owner?.id} (${[owner?.firstName, owner?.lastName].filter(Boolean).join(' ')})`,
                { email, existingContactId: owner?.id },
              );
            },
          }
        : { put },
    );
  }
}
