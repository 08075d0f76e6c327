import { Company } from '../../../../domain/crm/company.js';
import { NotFound } from '../../../../domain/shared/errors.js';
import { nameWords, normalizeText } from '../../../../domain/shared/text.js';
import {
  copyPatterns,
  nameWithTag,
  nameWordItems,
  nameWordKey,
  nameWordSearch,
  taggedKey,
  tagItems,
} from '../copies.js';
import { entityOf, type Item, type Key, type QuerySpec, type Write } from '../item.js';
import { mergedAway } from '../merged.js';
import { type Page, type PageRequest, pageOf } from '../page.js';
import { partitions } from '../partitions.js';
import { get, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';

// A company: its item, its tag and name-word copies, and every way it is read. Its contacts,
// deals and projects are read through their own modules (they are theirs, on gsi4).

export const companyKey = (id: string): Key => ({ pk: `COMPANY#${id}`, sk: 'COMPANY' });

export function companyItem(c: Company): Item {
  return {
    ...companyKey(c.id),
    entity: 'company',
    gsi1pk: partitions.allOf('COMPANY'),
    gsi1sk: `${normalizeText(c.name)}#${c.id}`,
    ...c,
  };
}

const asCompany = entityOf<Company>(Company);

export const companyPatterns = patterns({
  companyById: get({
    entity: 'company',
    pattern: 'a company by id',
    usedBy: '`GET /companies/{id}` and every command on it, imports',
    functions: ['CrmApi', 'CsvImport'],
    keyCondition: '`pk = COMPANY#<id>, sk = COMPANY`',
    roundTrips: '1 GetItem',
    key: companyKey,
  }),
  companiesByName: query({
    entity: 'company',
    pattern: 'companies by full name (prefix), and all companies by name',
    usedBy: '`GET /companies` and `?q=` of several words, segments, exports',
    functions: ['CrmApi', 'CsvExport'],
    index: 'gsi1',
    keyCondition: '`gsi1pk = COMPANY AND begins_with(gsi1sk, <normalised q>)`',
    roundTrips: '1 Query',
    query: (namePrefix?: string) => ({
      index: 'gsi1',
      partition: partitions.allOf('COMPANY'),
      ...(namePrefix ? { sort: { beginsWith: namePrefix } } : {}),
    }),
  }),
  companyWritten: write({
    entity: 'company',
    pattern: 'a company with its tag and name-word copies: created, changed, merged, deleted',
    usedBy: 'company commands and merges, imports',
    functions: ['CrmApi', 'CsvImport'],
    keyCondition:
      'Put `COMPANY#<id>` (if absent, or at the version read) and its copies; Delete what the change made obsolete',
    roundTrips: "none of its own (the command's transaction)",
    actions: ['PutItem', 'DeleteItem'],
  }),
  companyExists: write({
    entity: 'company',
    pattern: 'a company a command links to exists (and was not merged) when it commits',
    usedBy: 'contacts, deals and projects that name a company, imports',
    functions: ['CrmApi', 'DeliveryApi', 'CsvImport'],
    keyCondition: 'ConditionCheck `COMPANY#<id>`: exists, not merged',
    roundTrips: "none of its own (a condition of the command's transaction)",
    actions: ['ConditionCheckItem'],
  }),
});

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
    const item = await this.store.get(companyPatterns.companyById, id);
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
      return copyPatterns.taggedRecords.query('company', filter.tag);
    }
    return companyPatterns.companiesByName.query(filter.q ? normalizeText(filter.q) : undefined);
  }

  create(uow: UnitOfWork, company: Company): UnitOfWork {
    return uow
      .create(companyPatterns.companyWritten, companyItem(company))
      .syncCopies(companyPatterns.companyWritten, [], this.copies(company));
  }

  update(uow: UnitOfWork, before: Company, after: Company): UnitOfWork {
    return uow
      .update(companyPatterns.companyWritten, before, companyItem(after))
      .syncCopies(companyPatterns.companyWritten, this.copyItems(before), this.copies(after));
  }

  /** The last step of a merge: the survivor with what it gained, the duplicate a tombstone. */
  merge(uow: UnitOfWork, before: Company, after: Company, duplicate: Company, at: string): UnitOfWork {
    const pattern = companyPatterns.companyWritten;
    this.update(uow, before, after);
    for (const tag of duplicate.tags) uow.add({ pattern, delete: taggedKey('company', tag, duplicate.id) });
    for (const word of nameWords(duplicate.name))
      uow.add({ pattern, delete: nameWordKey('company', word, duplicate.id) });
    return uow.tombstone(pattern, duplicate, companyKey(duplicate.id), after.id, at);
  }

  remove(uow: UnitOfWork, company: Company): UnitOfWork {
    return uow
      .remove(companyPatterns.companyWritten, company, companyKey(company.id))
      .syncCopies(companyPatterns.companyWritten, this.copyItems(company), []);
  }

  /** The company must exist (and not be merged) when the command commits: a condition, no read. */
  requireExists(uow: UnitOfWork, id: string, path: string): UnitOfWork {
    return uow.requireExists(companyPatterns.companyExists, companyKey(id), path, `company ${id}`);
  }

  private copyItems(c: Company): Item[] {
    return [...tagItems('company', c), ...nameWordItems('company', c, nameWords(c.name))];
  }

  private copies(c: Company): Write[] {
    return this.copyItems(c).map((put) => ({ pattern: companyPatterns.companyWritten, put }));
  }
}
