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
import type { DealHit, SearchTerms } from '../../../../domain/crm/search.js';
import type { DealHistoryEntry } from '../../../../domain/crm/timeline.js';
import type { DomainEvent } from '../../../../domain/events.js';
import { dealDueEntries } from '../../../../domain/followup/due-list.js';
import { NotFound, ValidationFailed } from '../../../../domain/shared/errors.js';
import { nameWords, searchWords } from '../../../../domain/shared/text.js';
import { addDays } from '../../../../domain/shared/time.js';
import { copyPatterns, nameWordItems, nameWordSearch, tagItems, wordsSearch } from '../copies.js';
import { allOf } from '../field-conditions.js';
import {
  ConcurrentModification,
  type Condition,
  entityOf,
  equalsAll,
  type Item,
  type Key,
  notExists,
  type QuerySpec,
  versionIs,
  type Write,
} from '../item.js';
import { type ListPlan, type Page, type PageRequest, pageItems, planPage } from '../page.js';
import { dealLinesKey, dueShard, partitions, statusPrefix, timelineSortKey } from '../partitions.js';
import { batchGet, get, patterns, query, type WritePattern, write } from '../pattern.js';
import type { Store } from '../store.js';
import { UnitOfWork } from '../unit-of-work.js';
import { contactKey } from './contact.js';
import { dueEntryChanges, syncDueEntries } from './due-list.js';
import { ReportTotalsRepository } from './report-totals.js';
import { templateKey } from './template.js';

// A deal: its item (with its index keys: by status, owner, pipeline and stage, company,
// contact, lead source, and the due index while its next action or its handoff waits), its
// copies (per tag, per word of its title, per order a list sorts by), its history entries, and
// every way deals are read: a list's filter picks the most selective index (`plan`).
// Over 300 lines: the deal list's planner and the deal's writes share the item's shape.

export const dealKey = (id: string): Key => ({ pk: `DEAL#${id}`, sk: 'DEAL' });

const historyKey = (dealId: string, at: string, eventId: string): Key => ({
  pk: `DEAL#${dealId}`,
  sk: `HISTORY#${at}#${eventId}`,
});

/** Once a missing handoff was reported for a win, it is not reported again. */
const handoffMissingKey = (dealId: string, win: number): Key => ({
  pk: `DEAL#${dealId}`,
  sk: `HANDOFF-MISSING#${win}`,
});

/** The due index's partition of won deals waiting for their project (the handoff gap). */
const HANDOFF_PENDING = 'HANDOFF#PENDING';

/** The orders deals are copied under: `value` is per currency (amounts in two currencies do not compare). */
export type DealOrderKey = 'close' | `value#${string}` | 'activity' | 'stage';

/** Every deal of a status, as copies ordered by one attribute (a sort key of its own). */
const orderPartition = (order: DealOrderKey, status: string) => `DEALS#${order}#${status}`;

/** Where an amount sorts: zero-padded to the digits of the largest safe integer. */
export const sortableAmount = (amount: number) => String(amount).padStart(16, '0');
/** Undated deals sort after every date ('~' follows the digits). */
const UNDATED = '~';

const dealsByStatus = (status?: string) => ({ beginsWith: `DEAL#${statusPrefix(status)}` });

/**
 * The layout of a deal item and its copies; a deal stored with an older one lacks an index key or
 * a copy, and `RebuildReports` with `apply` rewrites it (2: the lead-source index and tag copies;
 * 3: the title-word copies; 4: the ordered copies; 5: both spellings of title words, its
 * company's name, its owner's due list).
 */
export const DEAL_LAYOUT = 5;

/** The deal as stored: its company's name is its company's, never left behind when the link goes. */
function stored(deal: Deal): Deal {
  const { companyName, ...rest } = deal;
  return rest.companyId && companyName !== undefined ? { ...rest, companyName } : rest;
}

export function dealItem(deal: Deal): Item {
  const d = stored(deal);
  const created = `${d.createdAt}#${d.id}`;
  return {
    ...dealKey(d.id),
    entity: 'deal',
    layout: DEAL_LAYOUT,
    gsi1pk: partitions.allOf('DEAL'),
    gsi1sk: `${d.status}#${created}`,
    gsi2pk: partitions.owner(d.ownerId),
    gsi2sk: `DEAL#${d.status}#${created}`,
    gsi3pk: partitions.pipeline(d.pipelineId),
    // within a stage, by when the deal entered it: a stalled deal is found by that instant
    gsi3sk: `${d.stageId}#${d.status}#${d.stageEnteredAt}#${d.id}`,
    ...(d.companyId
      ? { gsi4pk: partitions.company(d.companyId), gsi4sk: `DEAL#${d.status}#${created}` }
      : {}),
    ...(d.contactId
      ? { gsi5pk: partitions.contact(d.contactId), gsi5sk: `DEAL#${d.status}#${created}` }
      : {}),
    ...(d.leadSource
      ? { gsi6pk: leadSourcePartition(d.leadSource), gsi6sk: `DEAL#${d.status}#${created}` }
      : {}),
    // A won deal without its project sits in the due index until the handoff links one:
    // the gap monitor reads this sparse partition, never the deals.
    ...(d.status === 'won' && !d.projectId && d.closedAt
      ? { duepk: HANDOFF_PENDING, duesk: `${d.closedAt}#${d.id}` }
      : {}),
    // An open deal's next action is in the due index: "what is overdue at T" reads only that.
    ...(d.status === 'open' && d.nextAction
      ? { duepk: partitions.due(dueShard(d.id)), duesk: `${d.nextAction.dueAt}#DEAL#${d.id}` }
      : {}),
    ...d,
  };
}

const leadSourcePartition = (source: string) => `SOURCE#${source}`;

/** A deal's change, kept on the timelines of the deal (gsi3), its company (gsi4) and its primary contact (gsi5). */
export function dealHistoryItem(
  deal: Pick<Deal, 'id' | 'contactId' | 'companyId'>,
  at: string,
  eventId: string,
  record: Record<string, unknown>,
): Item {
  const place = timelineSortKey(at, eventId);
  return {
    ...historyKey(deal.id, at, eventId),
    entity: 'deal-history',
    gsi3pk: partitions.deal(deal.id),
    gsi3sk: place,
    ...(deal.companyId ? { gsi4pk: partitions.company(deal.companyId), gsi4sk: place } : {}),
    ...(deal.contactId ? { gsi5pk: partitions.contact(deal.contactId), gsi5sk: place } : {}),
    ...record,
  };
}

/**
 * A copy of the deal under each order a list sorts or bounds by: expected close (undated last),
 * value in its currency, last activity (never touched first), and, while open, stage entry.
 * Each sort key ends with the id, so equal values keep a stable order.
 */
export function dealOrderItems(d: Deal): Item[] {
  const copy = (order: DealOrderKey, at: string): Item => ({
    pk: orderPartition(order, d.status),
    sk: `${at}#${d.id}`,
    entity: 'deal-order',
    ...d,
  });
  return [
    copy('close', d.expectedCloseDate ?? UNDATED),
    copy(`value#${d.value.currency}`, sortableAmount(d.value.amount)),
    copy('activity', d.lastActivityAt ?? ''),
    ...(d.status === 'open' ? [copy('stage', d.stageEnteredAt)] : []),
  ];
}

/** The CRM's writers of deals: commands and imports. */
const CRM_WRITERS = ['CrmApi', 'CsvImport'] as const;
/** The readers of deal lists: the CRM API, and exports (a segment or a list filter). */
const LIST_READERS = ['CrmApi', 'CsvExport'] as const;

export const dealPatterns = patterns({
  dealById: get({
    entity: 'deal',
    pattern: 'a deal with its stage history',
    usedBy:
      '`GET /deals/{id}` and every command on it, imports, the handoff, email capture, `RefreshCopies` (a deal changed while renamed)',
    functions: ['CrmApi', 'CsvImport', 'CreateProjectOnWin', 'EmailCapture', 'RefreshCopies'],
    keyCondition: '`pk = DEAL#<id>, sk = DEAL`',
    roundTrips: '1 GetItem',
    key: dealKey,
  }),
  dealToWin: batchGet({
    entity: 'deal',
    pattern:
      'win a deal: the deal, its line items (what it sold), its main stakeholder and template; then its reasons and company',
    usedBy: '`POST /deals/{id}/won`',
    functions: ['CrmApi'],
    keyCondition:
      'BatchGet `DEAL#<id>`, `DEAL#<id>` / `LINES`, `CONTACT#<stakeholder>`, `TEMPLATE#<id>`; then Get `CONFIG#deal-reasons`, `COMPANY#<id>`',
    roundTrips: '3 reads + 1 transaction',
    keys: (id: string, stakeholderId?: string, templateId?: string) => [
      dealKey(id),
      dealLinesKey(id),
      ...(stakeholderId ? [contactKey(stakeholderId)] : []),
      ...(templateId ? [templateKey(templateId)] : []),
    ],
  }),
  dealPartition: query({
    entity: 'deal history, flags',
    pattern: "everything in a deal's partition (to clear it when an admin deletes the deal)",
    usedBy: '`DELETE /deals/{id}`',
    functions: ['CrmApi'],
    index: 'table',
    keyCondition: '`pk = DEAL#<id>`',
    roundTrips: '1 Query, then 1 TransactWriteItems of deletes per 100 items',
    query: (dealId: string) => ({ partition: partitions.deal(dealId) }),
  }),
  pipelineDeals: query({
    entity: 'deal',
    pattern: "a pipeline's deals by stage and status (within a stage, by when they entered it)",
    usedBy: '`GET /deals?pipelineId=&stageId=&status=`, segments, exports, `RebuildReports`',
    functions: [...LIST_READERS, 'RebuildReports'],
    index: 'gsi3',
    keyCondition: '`gsi3pk = PIPELINE#<id> AND begins_with(gsi3sk, <stage>#<status>#)`',
    roundTrips: '1 Query',
    query: (pipelineId: string, stageId?: string, status?: string) => ({
      index: 'gsi3',
      partition: partitions.pipeline(pipelineId),
      ...(stageId ? { sort: { beginsWith: `${stageId}#${statusPrefix(status)}` } } : {}),
    }),
  }),
  stalledDeals: query({
    entity: 'deal',
    pattern: 'the open deals of a stage that entered it before a cut-off (stalled)',
    usedBy: 'overdue sweep, `GET /followups`, `GET /reports/stalled`, digest',
    functions: ['OverdueSweep', 'CrmApi', 'ReportsApi', 'DailyDigest'],
    index: 'gsi3',
    keyCondition:
      'per stage with a `rotAfterDays`: `gsi3pk = PIPELINE#<id> AND gsi3sk BETWEEN <stage>#open# AND <stage>#open#<T − rotAfterDays>~`',
    roundTrips: '1 Query per rotting stage',
    query: (pipelineId: string, stageId: string, enteredBy: string) => ({
      index: 'gsi3',
      partition: partitions.pipeline(pipelineId),
      sort: { between: [`${stageId}#open#`, `${stageId}#open#${enteredBy}~`] },
    }),
  }),
  ownerDeals: query({
    entity: 'deal',
    pattern: "a person's deals (by status)",
    usedBy:
      "`GET /deals?ownerId=&status=`, segments, exports, one person's reports, `/followups` (a deactivated owner)",
    functions: [...LIST_READERS, 'ReportsApi'],
    index: 'gsi2',
    keyCondition: '`gsi2pk = OWNER#<user> AND begins_with(gsi2sk, DEAL#<status>#)`',
    roundTrips: '1 Query',
    query: (ownerId: string, status?: string) => ({
      index: 'gsi2',
      partition: partitions.owner(ownerId),
      sort: dealsByStatus(status),
    }),
  }),
  companyDeals: query({
    entity: 'deal',
    pattern: "a company's deals (by status)",
    usedBy:
      '`GET /deals?companyId=&status=`, `DELETE /companies/{id}` (COUNT, all and open; detach), merges, segments, exports, `RefreshCopies` (a renamed company, a page at a time)',
    functions: [...LIST_READERS, 'RefreshCopies'],
    index: 'gsi4',
    keyCondition: '`gsi4pk = COMPANY#<id> AND begins_with(gsi4sk, DEAL#<status>#)`',
    roundTrips: '1 Query',
    query: (companyId: string, status?: string) => ({
      index: 'gsi4',
      partition: partitions.company(companyId),
      sort: dealsByStatus(status),
    }),
  }),
  contactDeals: query({
    entity: 'deal',
    pattern: "a contact's deals (by status)",
    usedBy:
      '`GET /deals?contactId=`, `DELETE /contacts/{id}` (COUNT, all and open; detach), contact merges, segments, exports',
    functions: [...LIST_READERS, 'EmailCapture'],
    index: 'gsi5',
    keyCondition: '`gsi5pk = CONTACT#<id> AND begins_with(gsi5sk, DEAL#<status>#)`',
    roundTrips: '1 Query',
    query: (contactId: string, status?: string) => ({
      index: 'gsi5',
      partition: partitions.contact(contactId),
      sort: dealsByStatus(status),
    }),
  }),
  leadSourceDeals: query({
    entity: 'deal',
    pattern: 'deals from a lead source (by status)',
    usedBy: '`GET /deals?leadSource=`, segments, exports',
    functions: LIST_READERS,
    index: 'gsi6',
    keyCondition: '`gsi6pk = SOURCE#<source> AND begins_with(gsi6sk, DEAL#<status>#)`',
    roundTrips: '1 Query',
    query: (source: string, status?: string) => ({
      index: 'gsi6',
      partition: leadSourcePartition(source),
      sort: dealsByStatus(status),
    }),
  }),
  allDeals: query({
    entity: 'deal',
    pattern: 'every deal (by status), newest first',
    usedBy: '`GET /deals?status=`, segments, exports',
    functions: LIST_READERS,
    index: 'gsi1',
    keyCondition: '`gsi1pk = DEAL AND begins_with(gsi1sk, <status>#)`',
    roundTrips: '1 Query',
    query: (status?: string) => ({
      index: 'gsi1',
      partition: partitions.allOf('DEAL'),
      sort: { beginsWith: statusPrefix(status) },
    }),
  }),
  orderedDeals: query({
    entity: 'deal',
    pattern:
      'deals of a status ordered (and bounded) by expected close, value in one currency, last activity or stage entry (their ordered copies)',
    usedBy:
      '`GET /deals?sort=`, `?expectedCloseFrom=&expectedCloseTo=`, `?valueMin=&valueMax=&currency=`, segments and exports with ranges',
    functions: LIST_READERS,
    index: 'table',
    keyCondition:
      '`pk = DEALS#<close|value#<currency>|activity|stage>#<status> AND sk BETWEEN <from># AND <to>#~`; without a status, the three statuses merged',
    roundTrips: '1 Query per status (in parallel); other filters narrow it',
    query: (order: DealOrderKey, status: string, range?: [string, string]) => ({
      partition: orderPartition(order, status),
      ...(range ? { sort: { between: [`${range[0]}#`, `${range[1]}#~`] as [string, string] } } : {}),
    }),
  }),
  waitingForProject: query({
    entity: 'deal',
    pattern: 'won deals still without a project, won before a cut-off',
    usedBy: 'gap monitor, `GET /followups`, digest',
    functions: ['HandoffGapMonitor', 'CrmApi', 'DailyDigest'],
    index: 'due',
    keyCondition: '`duepk = HANDOFF#PENDING AND duesk <= <T − grace>~`',
    roundTrips: '1 Query',
    query: (cutoff: string) => ({
      index: 'due',
      partition: HANDOFF_PENDING,
      sort: { lessThanOrEqual: `${cutoff}~` },
    }),
  }),
  dealWritten: write({
    entity: 'deal',
    pattern:
      'a deal with its copies (tags, title words, orders) and its history entries: created, changed, deleted',
    usedBy: 'deal commands, contact and company merges and deletes (detach), imports',
    functions: CRM_WRITERS,
    keyCondition:
      'Put `DEAL#<id>` / `DEAL` (if absent, or at the version read), its copies and `HISTORY#<at>#<eventId>`; Delete what the change made obsolete (a deleted deal: its partition)',
    roundTrips: "none of its own (the command's transaction)",
    actions: ['PutItem', 'DeleteItem'],
  }),
  dealLinkedToProject: write({
    entity: 'deal',
    pattern: 'a won deal linked to the project made from it (out of the handoff gap)',
    usedBy: 'the handoff (`CreateProjectOnWin`)',
    functions: ['CreateProjectOnWin'],
    keyCondition: "Put `DEAL#<id>` at the version read and its copies, in the project's transaction",
    roundTrips: "none of its own (the project's transaction)",
    actions: ['PutItem'],
  }),
  dealRewritten: write({
    entity: 'deal',
    pattern: 'a deal stored with an older layout, written again with its copies',
    usedBy: '`RebuildReports` with `apply`',
    functions: ['RebuildReports'],
    keyCondition: 'Put `DEAL#<id>` at the version read and its copies',
    roundTrips: '1 transaction per deal rewritten',
    actions: ['PutItem'],
  }),
  dealCompanyRenamed: write({
    entity: 'deal',
    pattern: "a deal written again with its company's new name (`companyName`), with its copies",
    usedBy: "`RefreshCopies` after CompanyUpdated with a new name (the company's deals, a page at a time)",
    functions: ['RefreshCopies'],
    keyCondition: 'Put `DEAL#<id>` at the version read (the version goes up) and its copies',
    roundTrips: '1 transaction per deal renamed',
    actions: ['PutItem'],
  }),
  handoffMissingReported: write({
    entity: 'handoff-missing flag',
    pattern: 'a won deal without its project reported once per win',
    usedBy: 'gap monitor',
    functions: ['HandoffGapMonitor'],
    keyCondition: 'Put `DEAL#<id>` / `HANDOFF-MISSING#<win>` if absent, with HandoffMissing',
    roundTrips: '1 transaction per new report',
    actions: ['PutItem'],
  }),
});

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
    const item = await this.store.get(dealPatterns.dealById, id);
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
  ): Promise<{
    deal: Deal;
    /** Its line items as stored (undefined: it never had any). */
    lines: Record<string, unknown> | undefined;
    stakeholder?: WinStakeholder;
    templateExists: boolean;
  }> {
    const [dealItem, lines, ...found] = await this.store.batchGet(
      dealPatterns.dealToWin,
      id,
      named.stakeholderId,
      named.templateId,
    );
    if (!dealItem) throw new NotFound('deal', id);
    const stakeholder = named.stakeholderId ? found.shift() : undefined;
    const template = named.templateId ? found.shift() : undefined;
    return {
      deal: asDeal(dealItem),
      lines,
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
      ...dealPatterns.orderedDeals.query(key, status, range),
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
        ...copyPatterns.taggedRecords.query('deal', tag),
        newestFirst: true,
        ...(filter ? { filter } : {}),
      }));
      return { ...union[0]!, union };
    }
    if (f.tag) {
      spec = copyPatterns.taggedRecords.query('deal', f.tag);
      narrow('pipelineId', 'stageId', 'ownerId', 'companyId', 'contactId', 'leadSource', 'status');
    } else if (f.pipelineId) {
      spec = dealPatterns.pipelineDeals.query(f.pipelineId, f.stageId, f.status);
      narrow('ownerId', 'companyId', 'contactId', 'leadSource');
      if (!f.stageId) narrow('status');
    } else if (f.ownerId) {
      spec = dealPatterns.ownerDeals.query(f.ownerId, f.status);
      narrow('stageId', 'companyId', 'contactId', 'leadSource');
    } else if (f.companyId) {
      spec = dealPatterns.companyDeals.query(f.companyId, f.status);
      narrow('stageId', 'contactId', 'leadSource');
    } else if (f.contactId) {
      spec = dealPatterns.contactDeals.query(f.contactId, f.status);
      narrow('stageId', 'leadSource');
    } else if (f.leadSource) {
      spec = dealPatterns.leadSourceDeals.query(f.leadSource, f.status);
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
      spec = dealPatterns.allDeals.query(f.status);
    }
    const filter = equalsAll(rest);
    return { newestFirst: true, ...spec, ...(filter ? { filter } : {}) };
  }

  /** Every deal a person owns, open or closed, in every pipeline (their own reports add them up). */
  async ownedBy(ownerId: string, status?: Deal['status']): Promise<Deal[]> {
    return (await this.store.queryAll(dealPatterns.ownerDeals.query(ownerId, status))).map((i) =>
      this.fromItem(i),
    );
  }

  /** Writes the deal, its history entry and its report totals (same transaction). */
  create(uow: UnitOfWork, deal: Deal, event: DomainEvent, options: TotalsShard = {}): UnitOfWork {
    const pattern = dealPatterns.dealWritten;
    uow.create(pattern, dealItem(deal)).syncCopies(pattern, [], this.copyWrites(deal, pattern));
    syncDueEntries(uow, [], dealDueEntries(deal));
    this.totals.record(uow, null, deal, options.shard);
    return this.recordHistory(uow, deal, event, { change: 'created', toStageId: deal.stageId });
  }

  /** Replaces the deal at the version it was read, with the change to the report totals. */
  update(uow: UnitOfWork, before: Deal, after: Deal, options: TotalsShard = {}): UnitOfWork {
    const pattern = dealPatterns.dealWritten;
    uow
      .update(pattern, before, dealItem(after))
      .syncCopies(pattern, this.copies(before), this.copyWrites(after, pattern));
    syncDueEntries(uow, dealDueEntries(before), dealDueEntries(after));
    return this.totals.record(uow, before, after, options.shard);
  }

  /** Deletes the deal and its tag copies, and takes its contribution out of the report totals. */
  remove(uow: UnitOfWork, deal: Deal): UnitOfWork {
    const pattern = dealPatterns.dealWritten;
    uow.remove(pattern, deal, dealKey(deal.id)).syncCopies(pattern, this.copies(deal), []);
    syncDueEntries(uow, dealDueEntries(deal), []);
    return this.totals.record(uow, deal, null);
  }

  /**
   * Clears what is left in a deleted deal's partition (its history entries and flags), up to 100
   * deletes per transaction.
   */
  async clearLeftovers(dealId: string): Promise<void> {
    const items = await this.store.queryAll(dealPatterns.dealPartition.query(dealId));
    const keys = items.map((i) => ({ pk: String(i.pk), sk: String(i.sk) }));
    for (let i = 0; i < keys.length; i += 100) {
      await this.store.transact(
        keys.slice(i, i + 100).map((key) => ({ pattern: dealPatterns.dealWritten, delete: key })),
      );
    }
  }

  /**
   * A copy of the deal per tag, so a tag lists its deals in one Query, and per word of its title,
   * for `?q=`, and per order a list sorts by (kept in each write).
   */
  copies(record: Deal): Item[] {
    const deal = stored(record);
    return [
      ...tagItems('deal', deal),
      ...nameWordItems('deal', deal, searchWords(deal.title)),
      ...dealOrderItems(deal),
    ];
  }

  private copyWrites(deal: Deal, pattern: WritePattern): Write[] {
    return this.copies(deal).map((put) => ({ pattern, put }));
  }

  /**
   * Links a won deal to its project, which takes it out of the handoff gap, and rewrites its tag
   * copies so a list by tag shows the link and the new version. A system change at the version
   * read: it bumps the version, so a user's later change re-reads the deal instead of undoing
   * the link, and a change that came first makes the handoff read the deal again.
   */
  linkProject(deal: Deal, projectId: string): Write[] {
    const pattern = dealPatterns.dealLinkedToProject;
    const linked: Deal = { ...deal, projectId, version: deal.version + 1 };
    return new UnitOfWork()
      .update(pattern, deal, dealItem(linked))
      .syncCopies(pattern, this.copies(deal), this.copyWrites(linked, pattern)).writes;
  }

  /**
   * Writes a deal again (its index keys and copies in the current layout, its reached stages as
   * recounted), on condition that nobody changed it since it was read: false when somebody did
   * (a user's change has the new layout anyway).
   */
  async rewrite(deal: Deal): Promise<boolean> {
    const pattern = dealPatterns.dealRewritten;
    try {
      await this.store.transact([
        { pattern, put: dealItem(deal), condition: versionIs(deal.version) },
        ...this.copyWrites(deal, pattern),
        ...dueEntryChanges([], dealDueEntries(deal)),
      ]);
      return true;
    } catch (error) {
      if (error instanceof ConcurrentModification) return false;
      throw error;
    }
  }

  /**
   * `GET /search`: deals by the start of any word of the title (the other words narrow): one
   * Query of the title-word copies.
   */
  async search(terms: SearchTerms, limit: number): Promise<DealHit[]> {
    const words = wordsSearch('deal', terms.words);
    if (!words) return [];
    const { items } = await pageItems(this.store, { ...words.spec, limit }, words.keep);
    return items.map(asDeal).map((d) => ({
      id: d.id,
      title: d.title,
      status: d.status,
      ...(d.companyName ? { companyName: d.companyName } : {}),
      stageId: d.stageId,
      ownerId: d.ownerId,
    }));
  }

  /** A page of a company's deals (every status), as stored. */
  companyPage(companyId: string, startKey?: Record<string, unknown>) {
    return this.store.query({
      ...dealPatterns.companyDeals.query(companyId),
      limit: 25,
      ...(startKey ? { startKey } : {}),
    });
  }

  /**
   * Gives a deal its company's new name, with its copies (lists read them), at the version read.
   * The version goes up, so a change decided on the deal as read before is decided again on the
   * new name rather than writing the old one back. False when the deal changed in between.
   */
  async renameCompany(deal: Deal, companyName: string): Promise<boolean> {
    const pattern = dealPatterns.dealCompanyRenamed;
    const named: Deal = { ...deal, companyName, version: deal.version + 1 };
    try {
      await new UnitOfWork()
        .update(pattern, deal, dealItem(named))
        .syncCopies(pattern, this.copies(deal), this.copyWrites(named, pattern))
        .commit(this.store);
      return true;
    } catch (error) {
      if (error instanceof ConcurrentModification) return false;
      throw error;
    }
  }

  /** Every deal of a pipeline, a page at a time, as stored (with its item layout). */
  pipelinePage(pipelineId: string, startKey?: Record<string, unknown>) {
    return this.store.query({
      ...dealPatterns.pipelineDeals.query(pipelineId),
      ...(startKey ? { startKey } : {}),
    });
  }

  /** The deals this contact is the primary contact of, counted by status (two COUNT Queries). */
  async contactLinks(contactId: string): Promise<{ openDeals: number; closedDeals: number }> {
    const [all, open] = await Promise.all([
      this.store.count(dealPatterns.contactDeals.query(contactId)),
      this.store.count(dealPatterns.contactDeals.query(contactId, 'open')),
    ]);
    return { openDeals: open, closedDeals: all - open };
  }

  /** A company's deals, counted by status (two COUNT Queries). */
  async companyLinks(companyId: string): Promise<{ openDeals: number; closedDeals: number }> {
    const [all, open] = await Promise.all([
      this.store.count(dealPatterns.companyDeals.query(companyId)),
      this.store.count(dealPatterns.companyDeals.query(companyId, 'open')),
    ]);
    return { openDeals: open, closedDeals: all - open };
  }

  /** The ids of every deal naming this contact (or company), open or closed (to detach them). */
  async idsLinkedTo(link: { contactId: string } | { companyId: string }): Promise<string[]> {
    const items = await this.store.queryAll(
      'contactId' in link
        ? dealPatterns.contactDeals.query(link.contactId)
        : dealPatterns.companyDeals.query(link.companyId),
    );
    return items.map((i) => String(i.id));
  }

  /** A deal's change on a merged contact's timeline, moved to the survivor's (if still there). */
  moveHistoryToContact(uow: UnitOfWork, item: Item, fromContactId: string, toContactId: string): UnitOfWork {
    return uow.add({
      pattern: dealPatterns.dealWritten,
      put: { ...item, gsi5pk: partitions.contact(toContactId) },
      condition: { expression: 'gsi5pk = :from', values: { ':from': partitions.contact(fromContactId) } },
    });
  }

  /**
   * Reports a won deal still without its project once per win: false when it was reported
   * before. The report and its event are one transaction.
   */
  async reportMissingHandoff(deal: Deal, event: DomainEvent, now: string): Promise<boolean> {
    try {
      await new UnitOfWork()
        .add({
          pattern: dealPatterns.handoffMissingReported,
          put: { ...handoffMissingKey(deal.id, deal.wins), entity: 'handoff-missing', reportedAt: now },
          condition: notExists,
          onConditionFailed: () => new ConcurrentModification('handoff gap report'),
        })
        .events([event])
        .commit(this.store);
      return true;
    } catch (error) {
      if (error instanceof ConcurrentModification) return false;
      throw error;
    }
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
            dealPatterns.stalledDeals.query(pipeline.id, stage.id, enteredBy),
          );
          found.set(stage.id, items.map(asDeal));
        }),
    );
    return found;
  }

  /** Won deals waiting for a project since before `cutoff`, oldest first: the sparse due index. */
  async waitingForProject(cutoff: string): Promise<Deal[]> {
    const items = await this.store.queryAll(dealPatterns.waitingForProject.query(cutoff));
    return items.map(asDeal);
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
    return uow.add({
      pattern: dealPatterns.dealWritten,
      put: dealHistoryItem(deal, at, event.detail.id, record),
    });
  }
}
