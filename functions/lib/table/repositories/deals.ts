import { Contact } from '../../../../domain/crm/contact.js';
import { DEAL_STATUSES, Deal, type DealStatus } from '../../../../domain/crm/deal.js';
import {
  type DealOrder,
  type DealRanges,
  dealListIssues,
  parseSort,
  withinRanges,
} from '../../../../domain/crm/deal-list.js';
import type { Pipeline } from '../../../../domain/crm/pipeline.js';
import type { DealHistoryEntry } from '../../../../domain/crm/timeline.js';
import type { DomainEvent } from '../../../../domain/events.js';
import { NotFound, ValidationFailed } from '../../../../domain/shared/errors.js';
import { nameWords } from '../../../../domain/shared/text.js';
import { addDays } from '../../../../domain/shared/time.js';
import { accessPatterns } from '../access-patterns.js';
import {
  type DealOrderKey,
  dealHistoryItem,
  dealItem,
  dealOrderItems,
  keys,
  nameWordItems,
  sortableAmount,
} from '../keys.js';
import {
  type Condition,
  entityOf,
  equalsAll,
  type Item,
  type Key,
  type QuerySpec,
  type Store,
  type Write,
} from '../store.js';
import { UnitOfWork } from '../unit-of-work.js';
import { allOf } from './field-conditions.js';
import { nameWordSearch } from './name-search.js';
import { type ListPlan, type Page, type PageRequest, planPage } from './page.js';
import { ReportTotalsRepository } from './report-totals.js';

const asDeal = entityOf<Deal>(Deal);

export interface DealFilter {
  tag?: string | undefined;
  leadSource?: string | undefined;
  pipelineId?: string | undefined;
  stageId?: string | undefined;
  ownerId?: string | undefined;
  status?: DealStatus | undefined;
  companyId?: string | undefined;
  contactId?: string | undefined;
  /** Any of these tags (a segment's): one Query per tag, merged. */
  tagsAny?: string[] | undefined;
  /** Words the title starts with (any order): the first finds the deals, the others narrow. */
  q?: string | undefined;
  /** An order (`value`, `-expectedCloseDate`…); see domain/crm/deal-list.ts. */
  sort?: string | undefined;
  expectedCloseFrom?: string | undefined;
  expectedCloseTo?: string | undefined;
  valueMin?: number | undefined;
  valueMax?: number | undefined;
  currency?: string | undefined;
}

/** A planned Query (or union of Queries), with what a page keeps of what it reads. */
export type DealQuery = ListPlan;

const EQUALITY_FILTERS = [
  'pipelineId',
  'stageId',
  'ownerId',
  'companyId',
  'contactId',
  'leadSource',
] as const;

/** The ranges no key condition answers, as a FilterExpression. */
function rangeFilter(f: DealRanges, keyed: { close: boolean; value: boolean }): Condition | undefined {
  const parts: Condition[] = [];
  if (!keyed.close && (f.expectedCloseFrom || f.expectedCloseTo)) {
    parts.push({
      expression: '#r_close BETWEEN :r_from AND :r_to',
      names: { '#r_close': 'expectedCloseDate' },
      values: { ':r_from': f.expectedCloseFrom ?? '0000-01-01', ':r_to': f.expectedCloseTo ?? '9999-12-31' },
    });
  }
  if (!keyed.value && f.currency) {
    const bounded = f.valueMin !== undefined || f.valueMax !== undefined;
    parts.push({
      expression: `#r_value.#r_currency = :r_currency${bounded ? ' AND #r_value.#r_amount BETWEEN :r_min AND :r_max' : ''}`,
      names: {
        '#r_value': 'value',
        '#r_currency': 'currency',
        ...(bounded ? { '#r_amount': 'amount' } : {}),
      },
      values: {
        ':r_currency': f.currency,
        ...(bounded ? { ':r_min': f.valueMin ?? 0, ':r_max': f.valueMax ?? Number.MAX_SAFE_INTEGER } : {}),
      },
    });
  }
  return allOf(...parts);
}

/** Which shard of the report totals a write adds to; random unless a writer owns one (imports). */
export interface TotalsShard {
  shard?: number | undefined;
}

/** The contact a win names as main stakeholder: current, or merged into another. */
export type WinStakeholder =
  | { contact: Contact; mergedInto?: undefined }
  | { mergedInto: string; contact?: undefined };

const asContact = entityOf<Contact>(Contact);

export class DealRepository {
  readonly totals: ReportTotalsRepository;

  constructor(private readonly store: Store) {
    this.totals = new ReportTotalsRepository(store);
  }

  fromItem(item: Record<string, unknown>): Deal {
    return asDeal(item);
  }

  async get(id: string): Promise<Deal | undefined> {
    const item = await this.store.get(keys.deal(id));
    return item ? asDeal(item) : undefined;
  }

  async require(id: string): Promise<Deal> {
    const deal = await this.get(id);
    if (!deal) throw new NotFound('deal', id);
    return deal;
  }

  /**
   * A deal and what a win names, in one round trip (BatchGetItem): the main stakeholder (merged
   * or not: the caller says which to use instead) and whether the template exists.
   */
  async withWinReferences(
    id: string,
    named: { stakeholderId?: string | undefined; templateId?: string | undefined },
  ): Promise<{ deal: Deal; stakeholder?: WinStakeholder; templateExists: boolean }> {
    const stakeholderKey = named.stakeholderId ? keys.contact(named.stakeholderId) : undefined;
    const templateKey = named.templateId ? keys.template(named.templateId) : undefined;
    const [dealItem, ...found] = await this.store.batchGet(
      [keys.deal(id), stakeholderKey, templateKey].filter((k) => k !== undefined),
    );
    if (!dealItem) throw new NotFound('deal', id);
    const stakeholder = stakeholderKey ? found.shift() : undefined;
    const template = templateKey ? found.shift() : undefined;
    return {
      deal: asDeal(dealItem),
      ...(stakeholder
        ? {
            stakeholder: stakeholder.mergedInto
              ? { mergedInto: String(stakeholder.mergedInto) }
              : { contact: asContact(stakeholder) },
          }
        : {}),
      templateExists: template !== undefined,
    };
  }

  /**
   * One Query: the most selective filter picks the index and key condition (pipeline and stage,
   * then owner, company, contact, else all deals by status); the other filters narrow it.
   */
  list(filter: DealFilter, page: PageRequest): Promise<Page<Deal>> {
    return this.page(this.plan(filter), page);
  }

  /** One page of a planned Query: newest first, or by title word for a search. */
  page(plan: DealQuery, page: PageRequest): Promise<Page<Deal>> {
    return planPage(this.store, plan, page, asDeal);
  }

  /**
   * The Query a filter runs as. The most selective attribute picks the index and key condition
   * (tag, then pipeline and stage, owner, company, contact, lead source; else all deals by
   * status); the others narrow it as a FilterExpression. A stage without its pipeline has no
   * index of its own (stages are indexed within their pipeline): refused, as a scan would be.
   */
  plan(f: DealFilter): DealQuery {
    const faults = dealListIssues(f);
    if (f.q && f.sort) {
      faults.push({
        path: 'sort',
        message: 'a title search is ordered by the matching word; drop q to sort',
      });
    }
    if (faults.length > 0) throw new ValidationFailed(faults);
    const ranged =
      f.expectedCloseFrom !== undefined ||
      f.expectedCloseTo !== undefined ||
      f.valueMin !== undefined ||
      f.valueMax !== undefined ||
      f.currency !== undefined;
    if (f.sort || (ranged && !f.q)) return this.orderedPlan(f);
    const plan = this.indexedPlan(f);
    if (!ranged) return plan;
    const keep = plan.keep;
    return { ...plan, keep: (item) => (keep ? keep(item) : true) && withinRanges(item as Deal, f) };
  }

  /**
   * A sorted or bounded list: the deals' copies under that order (one partition per status,
   * merged when no status is named). A range on the order is the key condition; the other range,
   * the currency and the equality filters narrow it; a tag is one of the copy's tags.
   */
  private orderedPlan(f: DealFilter): DealQuery {
    const closeBounded = f.expectedCloseFrom !== undefined || f.expectedCloseTo !== undefined;
    const sort = f.sort
      ? parseSort(f.sort)
      : { order: (closeBounded ? 'expectedCloseDate' : 'value') as DealOrder, descending: false };
    const key: DealOrderKey =
      sort.order === 'expectedCloseDate'
        ? 'close'
        : sort.order === 'value'
          ? `value#${f.currency}`
          : sort.order === 'lastActivityAt'
            ? 'activity'
            : 'stage';
    let range: [string, string] | undefined;
    if (key === 'close' && closeBounded)
      range = [f.expectedCloseFrom ?? '0000-01-01', f.expectedCloseTo ?? '9999-12-31'];
    if (sort.order === 'value' && (f.valueMin !== undefined || f.valueMax !== undefined)) {
      range = [sortableAmount(f.valueMin ?? 0), sortableAmount(f.valueMax ?? Number.MAX_SAFE_INTEGER)];
    }
    const equal: Record<string, string> = {};
    for (const name of EQUALITY_FILTERS) if (f[name] !== undefined) equal[name] = f[name]!;
    const filter = allOf(
      equalsAll(equal),
      rangeFilter(f, { close: key === 'close', value: sort.order === 'value' }),
    );
    // stage age grows as stage entry gets older: the oldest entry is the greatest age
    const newestFirst = sort.order === 'stageAge' ? !sort.descending : sort.descending;
    const statuses = f.status ? [f.status] : sort.order === 'stageAge' ? ['open'] : [...DEAL_STATUSES];
    const specs: QuerySpec[] = statuses.map((status) => ({
      ...accessPatterns.orderedDeals.query(key, status, range),
      newestFirst,
      ...(filter ? { filter } : {}),
    }));
    const tags = f.tag ? [f.tag] : f.tagsAny;
    const keep = tags
      ? (item: Record<string, unknown>) => tags.some((t) => (item.tags as string[]).includes(t))
      : undefined;
    return specs.length === 1 ? { ...specs[0]!, keep } : { ...specs[0]!, union: specs, keep };
  }

  /** The Query an equality filter (or a title search) runs as. */
  private indexedPlan(f: DealFilter): DealQuery {
    const rest: Record<string, string> = {};
    const narrow = (...names: ((typeof EQUALITY_FILTERS)[number] | 'tag' | 'status')[]) => {
      for (const name of names) if (f[name] !== undefined) rest[name] = f[name]!;
    };
    let spec: QuerySpec;
    const words = f.q ? nameWords(f.q) : [];
    if (f.q && words.length === 0) {
      throw new ValidationFailed([{ path: 'q', message: 'has no letters or digits to search for' }]);
    }
    if (words.length > 0) {
      const search = nameWordSearch('deal', words[0]!)!;
      narrow('tag', 'pipelineId', 'stageId', 'ownerId', 'companyId', 'contactId', 'leadSource', 'status');
      const { tag, ...plain } = rest;
      const others = words.slice(1);
      const filter = equalsAll(plain);
      return {
        ...search.spec,
        newestFirst: false,
        ...(filter ? { filter } : {}),
        // every other word starts a word of the title too; a tag is one of its tags
        keep: (item) => {
          if (!search.keep!(item)) return false;
          const titleWords = (item.words as string[] | undefined) ?? [];
          if (!others.every((w) => titleWords.some((t) => t.startsWith(w)))) return false;
          return tag === undefined || ((item.tags as string[] | undefined) ?? []).includes(tag);
        },
      };
    }
    if (f.tagsAny) {
      narrow('pipelineId', 'stageId', 'ownerId', 'companyId', 'contactId', 'leadSource', 'status');
      const filter = equalsAll(rest);
      const union = f.tagsAny.map((tag) => ({
        ...accessPatterns.taggedRecords.query('deal', tag),
        newestFirst: true,
        ...(filter ? { filter } : {}),
      }));
      return { ...union[0]!, union };
    }
    if (f.tag) {
      spec = accessPatterns.taggedRecords.query('deal', f.tag);
      narrow('pipelineId', 'stageId', 'ownerId', 'companyId', 'contactId', 'leadSource', 'status');
    } else if (f.pipelineId) {
      spec = accessPatterns.pipelineDeals.query(f.pipelineId, f.stageId, f.status);
      narrow('ownerId', 'companyId', 'contactId', 'leadSource');
      if (!f.stageId) narrow('status');
    } else if (f.ownerId) {
      spec = accessPatterns.ownerDeals.query(f.ownerId, f.status);
      narrow('stageId', 'companyId', 'contactId', 'leadSource');
    } else if (f.companyId) {
      spec = accessPatterns.companyDeals.query(f.companyId, f.status);
      narrow('stageId', 'contactId', 'leadSource');
    } else if (f.contactId) {
      spec = accessPatterns.contactDeals.query(f.contactId, f.status);
      narrow('stageId', 'leadSource');
    } else if (f.leadSource) {
      spec = accessPatterns.leadSourceDeals.query(f.leadSource, f.status);
      narrow('stageId');
    } else {
      if (f.stageId) {
        throw new ValidationFailed([
          {
            path: 'stageId',
            message:
              'stages are indexed within their pipeline: add pipelineId (or another indexed filter); a stage across all deals would need a scan',
          },
        ]);
      }
      spec = accessPatterns.allDeals.query(f.status);
    }
    const filter = equalsAll(rest);
    return { newestFirst: true, ...spec, ...(filter ? { filter } : {}) };
  }

  /** Every deal a person owns, open or closed, in every pipeline (their own reports add them up). */
  async ownedBy(ownerId: string): Promise<Deal[]> {
    return (await this.store.queryAll(accessPatterns.ownerDeals.query(ownerId))).map((i) => this.fromItem(i));
  }

  /** Writes the deal, its history entry and its report totals (same transaction). */
  create(uow: UnitOfWork, deal: Deal, event: DomainEvent, options: TotalsShard = {}): UnitOfWork {
    uow.create('deal', dealItem(deal)).syncCopies([], this.copyWrites(deal));
    this.totals.record(uow, null, deal, options.shard);
    return this.recordHistory(uow, deal, event, { change: 'created', toStageId: deal.stageId });
  }

  /** Replaces the deal at the version it was read, with the change to the report totals. */
  update(uow: UnitOfWork, before: Deal, after: Deal, options: TotalsShard = {}): UnitOfWork {
    uow.update('deal', before, dealItem(after)).syncCopies(this.copies(before), this.copyWrites(after));
    return this.totals.record(uow, before, after, options.shard);
  }

  /** Deletes the deal and its tag copies, and takes its contribution out of the report totals. */
  remove(uow: UnitOfWork, deal: Deal): UnitOfWork {
    uow.remove('deal', deal, keys.deal(deal.id)).syncCopies(this.copies(deal), []);
    return this.totals.record(uow, deal, null);
  }

  /** What is left in a deleted deal's partition: its history entries and flags (keys only). */
  async leftovers(dealId: string): Promise<Key[]> {
    const items = await this.store.queryAll(accessPatterns.dealPartition.query(dealId));
    return items.map((i) => ({ pk: String(i.pk), sk: String(i.sk) }));
  }

  /**
   * A copy of the deal per tag, so a tag lists its deals in one Query, and per word of its title,
   * for `?q=` (kept in each write).
   */
  copies(deal: Deal): Item[] {
    return [
      ...deal.tags.map((tag) => ({ ...keys.tagged('deal', tag, deal.id), entity: 'deal-tag', ...deal })),
      ...nameWordItems('deal', deal, nameWords(deal.title)),
      ...dealOrderItems(deal),
    ];
  }

  private copyWrites(deal: Deal): Write[] {
    return this.copies(deal).map((put) => ({ put }));
  }

  /**
   * Links a won deal to its project, which takes it out of the handoff gap, and rewrites its tag
   * copies so a list by tag shows the link and the new version. A system change at the version
   * read: it bumps the version, so a user's later change re-reads the deal instead of undoing
   * the link, and a change that came first makes the handoff read the deal again.
   */
  linkProject(deal: Deal, projectId: string): Write[] {
    const linked: Deal = { ...deal, projectId, version: deal.version + 1 };
    return new UnitOfWork()
      .update('deal', deal, dealItem(linked))
      .syncCopies(this.copies(deal), this.copyWrites(linked)).writes;
  }

  /**
   * The open deals of each stage with a rotAfterDays that entered it before now − rotAfterDays:
   * one Query per such stage (in parallel), reading the stalled deals only (gsi3 sorts a stage's
   * deals by when they entered it).
   */
  async stalledIn(pipeline: Pipeline, now: string): Promise<Map<string, Deal[]>> {
    const found = new Map<string, Deal[]>();
    await Promise.all(
      pipeline.stages
        .filter((s) => s.rotAfterDays !== null)
        .map(async (stage) => {
          const enteredBy = addDays(now, -stage.rotAfterDays!);
          const items = await this.store.queryAll(
            accessPatterns.stalledDeals.query(pipeline.id, stage.id, enteredBy),
          );
          found.set(stage.id, items.map(asDeal));
        }),
    );
    return found;
  }

  /** Won deals waiting for a project since before `cutoff`, oldest first: the sparse due index. */
  async waitingForProject(cutoff: string): Promise<Deal[]> {
    const items = await this.store.queryAll(accessPatterns.waitingForProject.query(cutoff));
    return items.map(asDeal);
  }

  /** The new stage must be one of the pipeline's: checked by the same transaction, no extra read. */
  requireStage(uow: UnitOfWork, pipelineId: string, stageId: string): UnitOfWork {
    return uow.add({
      check: keys.pipeline(pipelineId),
      condition: { expression: 'contains(stageIds, :stage)', values: { ':stage': stageId } },
      onConditionFailed: () =>
        new ValidationFailed([{ path: 'stageId', message: `is not a stage of pipeline ${pipelineId}` }]),
    });
  }

  /** Stage changes and closes, kept as items so they appear on the primary contact's timeline. */
  recordHistory(
    uow: UnitOfWork,
    deal: Deal,
    event: DomainEvent,
    entry: Omit<DealHistoryEntry, 'dealId' | 'dealTitle' | 'at' | 'by'>,
  ): UnitOfWork {
    const at = event.detail.occurredAt;
    const record: DealHistoryEntry = {
      dealId: deal.id,
      dealTitle: deal.title,
      at,
      by: event.detail.actor.userId,
      ...entry,
    };
    return uow.add({ put: dealHistoryItem(deal, at, event.detail.id, record) });
  }
}
