import { Company } from '../../../../domain/crm/company.js';
import type { CompanyHit, SearchTerms } from '../../../../domain/crm/search.js';
import { NotFound, ValidationFailed } from '../../../../domain/shared/errors.js';
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
  type Item,
  type Key,
  type QuerySpec,
  versionIs,
  type Write,
} from '../item.js';
import { mergedAway } from '../merged.js';
import { type Page, type PageRequest, pageItems, pageOf } from '../page.js';
import { partitions } from '../partitions.js';
import { get, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';

// A company: its item (indexed by name, and by domain when it has one), its tag and name-word
// copies, and every way it is read. Its contacts, deals and projects are read through their own
// modules (they are theirs, on gsi4).

export const companyKey = (id: string): Key => ({ pk: `COMPANY#${id}`, sk: 'COMPANY' });

/** gsi6: the companies that have a domain, by domain (search by a domain's start). */
const DOMAINS = 'COMPANY-DOMAINS';

/**
 * The layout of a company item and its copies; one stored with an older one lacks a copy or an
 * index key, and `RebuildReports` with `apply` writes it again (2: both spellings of name words,
 * the domain index).
 */
export const COMPANY_LAYOUT = 2;

export function companyItem(c: Company): Item {
  return {
    ...companyKey(c.id),
    entity: 'company',
    layout: COMPANY_LAYOUT,
    gsi1pk: partitions.allOf('COMPANY'),
    gsi1sk: `${normalizeText(c.name)}#${c.id}`,
    ...(c.domain ? { gsi6pk: DOMAINS, gsi6sk: `${c.domain}#${c.id}` } : {}),
    ...c,
  };
}

const asCompany = entityOf<Company>(Company);

export const companyPatterns = patterns({
  companyById: get({
    entity: 'company',
    pattern: 'a company by id',
    usedBy:
      '`GET /companies/{id}` and every command on it, imports, `RefreshCopies` (its name now), `RebuildReports` (for its deals)',
    functions: ['CrmApi', 'CsvImport', 'RefreshCopies', 'RebuildReports'],
    keyCondition: '`pk = COMPANY#<id>, sk = COMPANY`',
    roundTrips: '1 GetItem',
    key: companyKey,
  }),
  companiesByName: query({
    entity: 'company',
    pattern: 'companies by full name (prefix), and all companies by name',
    usedBy:
      '`GET /companies` and `?q=` of several words, segments, exports, `RebuildReports` (older layouts)',
    functions: ['CrmApi', 'CsvExport', 'RebuildReports'],
    index: 'gsi1',
    keyCondition: '`gsi1pk = COMPANY AND begins_with(gsi1sk, <normalised q>)`',
    roundTrips: '1 Query',
    query: (namePrefix?: string) => ({
      index: 'gsi1',
      partition: partitions.allOf('COMPANY'),
      ...(namePrefix ? { sort: { beginsWith: namePrefix } } : {}),
    }),
  }),
  companiesByDomain: query({
    entity: 'company',
    pattern: 'companies by the start of their domain',
    usedBy: '`GET /search`',
    functions: ['CrmApi'],
    index: 'gsi6',
    keyCondition: '`gsi6pk = COMPANY-DOMAINS AND begins_with(gsi6sk, <lower-case q>)`',
    roundTrips: '1 Query',
    query: (prefix: string) => ({ index: 'gsi6', partition: DOMAINS, sort: { beginsWith: prefix } }),
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
  companyRewritten: write({
    entity: 'company',
    pattern: 'a company stored with an older layout, written again with its copies',
    usedBy: '`RebuildReports` with `apply`',
    functions: ['RebuildReports'],
    keyCondition: 'Put `COMPANY#<id>` at the version read and its copies',
    roundTrips: '1 transaction per company rewritten',
    actions: ['PutItem'],
  }),
  companyExists: write({
    entity: 'company',
    pattern:
      'a company a command links to exists (and was not merged) when it commits; for a deal, still with the name copied onto it',
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
    for (const word of searchWords(duplicate.name))
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

  /**
   * A company's name, for a deal that links it (undefined when it is missing or merged: the
   * command's condition, `requireNamed`, then says which).
   */
  async nameOf(id: string): Promise<string | undefined> {
    const item = await this.store.get(companyPatterns.companyById, id);
    return item && !item.mergedInto ? String(item.name) : undefined;
  }

  /**
   * The company must exist, unmerged, and still have the name the command read and copied onto
   * its deal when the command commits; renamed in between, the command is decided again (a lost
   * race), so no deal keeps a name its company no longer has.
   */
  requireNamed(uow: UnitOfWork, id: string, name: string, path: string): UnitOfWork {
    return uow.add({
      pattern: companyPatterns.companyExists,
      check: companyKey(id),
      condition: {
        expression: 'attribute_exists(pk) AND attribute_not_exists(mergedInto) AND #name = :name',
        names: { '#name': 'name' },
        values: { ':name': name },
      },
      onConditionFailed: (current) =>
        current && !current.mergedInto
          ? new ConcurrentModification(`company ${id} (renamed)`)
          : new ValidationFailed([
              {
                path,
                message: current?.mergedInto
                  ? `company ${id} was merged into ${String(current.mergedInto)}; use that one`
                  : `company ${id} does not exist`,
              },
            ]),
    });
  }

  private copyItems(c: Company): Item[] {
    return [...tagItems('company', c), ...nameWordItems('company', c, searchWords(c.name))];
  }

  /**
   * `GET /search`: companies by the start of any word of the name (the other words narrow) or of
   * the domain; one Query each, in parallel, each company once, by name first.
   */
  async search(terms: SearchTerms, limit: number): Promise<CompanyHit[]> {
    const words = wordsSearch('company', terms.words);
    const [byName, byDomain] = await Promise.all([
      words ? pageItems(this.store, { ...words.spec, limit }, words.keep) : undefined,
      terms.domain
        ? this.store.query({ ...companyPatterns.companiesByDomain.query(terms.domain), limit })
        : undefined,
    ]);
    const hits = new Map<string, CompanyHit>();
    const add = (items: Record<string, unknown>[] | undefined, matched: CompanyHit['matched']) => {
      for (const item of items ?? []) {
        const c = asCompany(item);
        if (hits.size < limit && !hits.has(c.id))
          hits.set(c.id, { id: c.id, name: c.name, ...(c.domain ? { domain: c.domain } : {}), matched });
      }
    };
    add(byName?.items, 'name');
    add(byDomain?.items, 'domain');
    return [...hits.values()];
  }

  /**
   * Writes a company again in the current layout (its copies too), on condition that nobody
   * changed it since it was read: false when somebody did (their write has the new layout).
   */
  async rewrite(company: Company): Promise<boolean> {
    const pattern = companyPatterns.companyRewritten;
    try {
      await this.store.transact([
        { pattern, put: companyItem(company), condition: versionIs(company.version) },
        ...this.copyItems(company).map((put) => ({ pattern, put })),
      ]);
      return true;
    } catch (error) {
      if (error instanceof ConcurrentModification) return false;
      throw error;
    }
  }

  /** Every company, a page at a time, as stored (with its item layout). */
  allPage(startKey?: Record<string, unknown>) {
    return this.store.query({
      ...companyPatterns.companiesByName.query(),
      ...(startKey ? { startKey } : {}),
    });
  }

  private copies(c: Company): Write[] {
    return this.copyItems(c).map((put) => ({ pattern: companyPatterns.companyWritten, put }));
  }
}
