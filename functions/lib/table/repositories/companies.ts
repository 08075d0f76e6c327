import type { CompanyLinks } from '../../../../domain/crm/company.commands.js';
import { Company } from '../../../../domain/crm/company.js';
import { NotFound } from '../../../../domain/shared/errors.js';
import { nameWords, normalizeText } from '../../../../domain/shared/text.js';
import { accessPatterns } from '../access-patterns.js';
import { companyItem, keys, nameWordItems } from '../keys.js';
import { entityOf, type Item, type QuerySpec, type Store, type Write } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { mergedAway, nameWithTag } from './contacts.js';
import { nameWordSearch } from './name-search.js';
import { type Page, type PageRequest, pageOf } from './page.js';

const asCompany = entityOf<Company>(Company);

export interface CompanyFilter {
  q?: string | undefined;
  tag?: string | undefined;
}

export class CompanyRepository {
  constructor(private readonly store: Store) {}

  fromItem(item: Record<string, unknown>): Company {
    return asCompany(item);
  }

  /** The company; a merged one answers Gone, naming its survivor. */
  async get(id: string): Promise<Company | undefined> {
    const item = await this.store.get(keys.company(id));
    if (item?.mergedInto) throw mergedAway('company', id, String(item.mergedInto));
    return item ? asCompany(item) : undefined;
  }

  async require(id: string): Promise<Company> {
    const company = await this.get(id);
    if (!company) throw new NotFound('company', id);
    return company;
  }

  /** `?q=` matches the start of any word of the name (several words: of the name); `?tag=` reads the tag's copies. */
  list(filter: CompanyFilter, page: PageRequest): Promise<Page<Company>> {
    const words = filter.q && !filter.tag ? nameWordSearch('company', filter.q) : undefined;
    if (words) return pageOf(this.store, { ...words.spec, ...page }, asCompany, words.keep);
    return pageOf(this.store, { ...this.plan(filter), ...page }, asCompany);
  }

  /** A tag's copies, or all companies by name (prefix). */
  plan(filter: CompanyFilter): QuerySpec {
    if (filter.tag) {
      if (filter.q) throw nameWithTag();
      return accessPatterns.taggedRecords.query('company', filter.tag);
    }
    return accessPatterns.companiesByName.query(filter.q ? normalizeText(filter.q) : undefined);
  }

  /** What refers to this company, counted exactly (four COUNT Queries, in parallel). */
  async links(id: string): Promise<CompanyLinks> {
    const [contacts, deals, open, projects] = await Promise.all([
      this.store.count(accessPatterns.companyContacts.query(id)),
      this.store.count(accessPatterns.companyDeals.query(id)),
      this.store.count(accessPatterns.companyDeals.query(id, 'open')),
      this.store.count(accessPatterns.companyProjects.query(id)),
    ]);
    return { contacts, openDeals: open, closedDeals: deals - open, projects };
  }

  /** The ids of the company's contacts and of its deals, open or closed (to detach them). */
  async linkedIds(id: string): Promise<{ contacts: string[]; deals: string[] }> {
    const [contacts, deals] = await Promise.all([
      this.store.queryAll(accessPatterns.companyContacts.query(id)),
      this.store.queryAll(accessPatterns.companyDeals.query(id)),
    ]);
    return { contacts: contacts.map((i) => String(i.id)), deals: deals.map((i) => String(i.id)) };
  }

  create(uow: UnitOfWork, company: Company): UnitOfWork {
    return uow.create('company', companyItem(company)).syncCopies([], this.copies(company));
  }

  update(uow: UnitOfWork, before: Company, after: Company): UnitOfWork {
    return uow
      .update('company', before, companyItem(after))
      .syncCopies(this.copyItems(before), this.copies(after));
  }

  /** The last step of a merge: the survivor with what it gained, the duplicate a tombstone. */
  merge(uow: UnitOfWork, before: Company, after: Company, duplicate: Company, at: string): UnitOfWork {
    this.update(uow, before, after);
    for (const tag of duplicate.tags) uow.add({ delete: keys.tagged('company', tag, duplicate.id) });
    for (const word of nameWords(duplicate.name))
      uow.add({ delete: keys.nameWord('company', word, duplicate.id) });
    return uow.tombstone('company', duplicate, keys.company(duplicate.id), after.id, at);
  }

  remove(uow: UnitOfWork, company: Company): UnitOfWork {
    return uow.remove('company', company, keys.company(company.id)).syncCopies(this.copyItems(company), []);
  }

  private copyItems(c: Company): Item[] {
    return [
      ...c.tags.map((tag) => ({ ...keys.tagged('company', tag, c.id), entity: 'company-tag', ...c })),
      ...nameWordItems('company', c, nameWords(c.name)),
    ];
  }

  private copies(c: Company): Write[] {
    return this.copyItems(c).map((put) => ({ put }));
  }
}
