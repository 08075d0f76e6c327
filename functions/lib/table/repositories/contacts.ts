import { Contact } from '../../../../domain/crm/contact.js';
import { Conflict, NotFound } from '../../../../domain/shared/errors.js';
import { normalizeText } from '../../../../domain/shared/text.js';
import { contactItem, keys, partitions } from '../keys.js';
import { entityOf, type Item, type Store, type Write } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { type Page, type PageRequest, pageOf } from './page.js';

const asContact = entityOf<Contact>(Contact);

export class ContactRepository {
  constructor(private readonly store: Store) {}

  fromItem(item: Record<string, unknown>): Contact {
    return asContact(item);
  }

  async get(id: string): Promise<Contact | undefined> {
    const item = await this.store.get(keys.contact(id));
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

  list(
    filter: { q?: string | undefined; companyId?: string | undefined; tag?: string | undefined },
    page: PageRequest,
  ): Promise<Page<Contact>> {
    if (filter.tag) {
      return pageOf(this.store, { partition: keys.tagged('contact', filter.tag, '').pk, ...page }, asContact);
    }
    const prefix = filter.q ? normalizeText(filter.q) : '';
    if (filter.companyId) {
      return pageOf(
        this.store,
        {
          index: 'gsi4',
          partition: partitions.company(filter.companyId),
          sort: { beginsWith: `CONTACT#${prefix}` },
          ...page,
        },
        asContact,
      );
    }
    return pageOf(
      this.store,
      {
        index: 'gsi1',
        partition: partitions.allOf('CONTACT'),
        ...(prefix ? { sort: { beginsWith: prefix } } : {}),
        ...page,
      },
      asContact,
    );
  }

  async openDeals(id: string): Promise<number> {
    const { items } = await this.store.query({
      index: 'gsi5',
      partition: partitions.contact(id),
      sort: { beginsWith: 'DEAL#open#' },
      limit: 1,
    });
    return items.length;
  }

  create(uow: UnitOfWork, contact: Contact): UnitOfWork {
    return uow.create('contact', contactItem(contact)).syncCopies([], this.copies(contact));
  }

  update(uow: UnitOfWork, before: Contact, after: Contact): UnitOfWork {
    return uow
      .update('contact', before, contactItem(after))
      .syncCopies(this.copyItems(before), this.copies(after));
  }

  remove(uow: UnitOfWork, contact: Contact): UnitOfWork {
    return uow.remove('contact', contact, keys.contact(contact.id)).syncCopies(this.copyItems(contact), []);
  }

  private copyItems(c: Contact): Item[] {
    return [
      ...c.emails.map((email) => ({ ...keys.contactEmail(email), entity: 'contact-email', ...c })),
      ...c.tags.map((tag) => ({ ...keys.tagged('contact', tag, c.id), entity: 'contact-tag', ...c })),
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
              const email = put.pk.slice('EMAIL#'.length);
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
