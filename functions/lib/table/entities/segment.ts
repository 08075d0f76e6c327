import { Segment } from '../../../../domain/crm/segment.js';
import type { CustomField } from '../../../../domain/custom-fields/custom-fields.js';
import { NotFound } from '../../../../domain/shared/errors.js';
import { allOf, fieldConditions } from '../field-conditions.js';
import { entityOf, type Item, type Key, type QuerySpec } from '../item.js';
import { type ListPlan, type Page, type PageRequest, pageOf, planPage } from '../page.js';
import { partitions } from '../partitions.js';
import { get, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { CompanyRepository } from './company.js';
import type { ContactRepository } from './contact.js';
import type { DealRepository } from './deal.js';

// Saved segments, and the Query each one runs as: the entity's own repository plans it on its
// indexes (the same plan as its list route), so a segment is exactly "that list, saved".

// `entity` is the storage layer's own attribute: a segment's entity is stored as `segmentOf`.
const readSegment = entityOf<Segment>(Segment);
const asSegment = (item: Record<string, unknown>): Segment => {
  const { segmentOf, ...rest } = readSegment(item) as Segment & { segmentOf: Segment['entity'] };
  return readSegment({ ...rest, entity: segmentOf });
};

const segmentKey = (id: string): Key => ({ pk: `SEGMENT#${id}`, sk: 'SEGMENT' });

export function segmentItem(s: Segment): Item {
  const { entity, ...rest } = s;
  return {
    ...segmentKey(s.id),
    entity: 'segment',
    gsi1pk: partitions.allOf('SEGMENT'),
    gsi1sk: `${s.name.toLowerCase()}#${s.id}`,
    ...rest,
    segmentOf: entity,
  };
}

export const segmentPatterns = patterns({
  segmentById: get({
    entity: 'segment',
    pattern: 'a segment (then its members: its planned Query, one of the list patterns of its entity)',
    usedBy: '`GET /segments/{id}`, `GET /segments/{id}/members`, commands on it, exports of it',
    functions: ['CrmApi', 'TransferApi', 'CsvExport'],
    keyCondition: '`pk = SEGMENT#<id>, sk = SEGMENT`',
    roundTrips: '1 GetItem (+ 1 Query for its members)',
    key: segmentKey,
  }),
  allSegments: query({
    entity: 'segment',
    pattern: 'the saved segments, by name',
    usedBy: '`GET /segments`',
    functions: ['CrmApi'],
    index: 'gsi1',
    keyCondition: '`gsi1pk = SEGMENT`',
    roundTrips: '1 Query',
    query: () => ({ index: 'gsi1', partition: partitions.allOf('SEGMENT') }),
  }),
  segmentWritten: write({
    entity: 'segment',
    pattern: 'a segment: saved, changed or deleted at its version',
    usedBy: '`POST /segments`, `PATCH`/`DELETE /segments/{id}`',
    functions: ['CrmApi'],
    keyCondition:
      'Put `SEGMENT#<id>` / `SEGMENT` (if absent, or at the version read); Delete at the version read',
    roundTrips: "none of its own (the command's transaction)",
    actions: ['PutItem', 'DeleteItem'],
  }),
});

export class SegmentRepository {
  constructor(
    private readonly store: Store,
    private readonly entities: {
      contacts: ContactRepository;
      companies: CompanyRepository;
      deals: DealRepository;
    },
  ) {}

  async require(id: string): Promise<Segment> {
    const item = await this.store.get(segmentPatterns.segmentById, id);
    if (!item) throw new NotFound('segment', id);
    return asSegment(item);
  }

  list(page: PageRequest): Promise<Page<Segment>> {
    return pageOf(this.store, { ...segmentPatterns.allSegments.query(), ...page }, asSegment);
  }

  /**
   * The Query a segment's filter runs as (refused with the reason when no index answers it):
   * several tags are one Query per tag, merged; conditions on custom fields narrow it (`fields`:
   * the entity's definitions, which say how a value compares).
   */
  plan(segment: Pick<Segment, 'entity' | 'filter'>, fields: CustomField[] = []): ListPlan {
    const { contacts, companies, deals } = this.entities;
    const { customFields, tagsAny, ...filter } = segment.filter;
    let plan: ListPlan;
    if (segment.entity === 'deal') {
      plan = deals.plan({ ...filter, tagsAny });
    } else {
      const entityPlan = (f: typeof filter) =>
        segment.entity === 'contact' ? contacts.plan(f) : companies.plan(f);
      if (tagsAny) {
        const union = tagsAny.map((tag) => entityPlan({ ...filter, tag }));
        plan = { ...union[0]!, union };
      } else plan = entityPlan(filter);
    }
    const narrow = fieldConditions(customFields, fields);
    if (!narrow) return plan;
    const narrowed = (spec: QuerySpec): QuerySpec => ({ ...spec, filter: allOf(spec.filter, narrow) });
    return { ...narrowed(plan), ...(plan.union ? { union: plan.union.map(narrowed) } : {}) };
  }

  /** One page of the segment's members: the records as they are now. */
  members(segment: Segment, fields: CustomField[], page: PageRequest): Promise<Page<unknown>> {
    const { contacts, companies, deals } = this.entities;
    const map: (item: Record<string, unknown>) => unknown =
      segment.entity === 'contact'
        ? (i) => contacts.fromItem(i)
        : segment.entity === 'company'
          ? (i) => companies.fromItem(i)
          : (i) => deals.fromItem(i);
    return planPage(this.store, this.plan(segment, fields), page, map);
  }

  create(uow: UnitOfWork, segment: Segment): UnitOfWork {
    return uow.create(segmentPatterns.segmentWritten, segmentItem(segment));
  }

  update(uow: UnitOfWork, before: Segment, after: Segment): UnitOfWork {
    return uow.update(segmentPatterns.segmentWritten, before, segmentItem(after));
  }

  remove(uow: UnitOfWork, segment: Segment): UnitOfWork {
    return uow.remove(segmentPatterns.segmentWritten, segment, segmentKey(segment.id));
  }
}
