import { type CustomField, type CustomFieldType, FieldKey } from '../custom-fields/custom-fields.js';
import { type Actor, hasRole } from '../shared/context.js';
import { type FieldIssue, Forbidden } from '../shared/errors.js';
import { idSchema, UserId } from '../shared/ids.js';
import { Tag, text } from '../shared/text.js';
import { CalendarDate, Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';
import { CompanyId } from './company.js';
import { ContactId } from './contact.js';
import { DealStatus, LeadSource } from './deal.js';
import { DealRanges } from './deal-list.js';
import { PipelineId, StageId } from './pipeline.js';

// Segments: saved filters over the indexed attributes of contacts, companies or deals, run as a
// list. Which attributes an entity has is a rule of the model, written here; how each runs as a
// Query on an index is the repositories' (a filter no index can answer is refused before it is
// saved, with the reason).

export const SegmentId = idSchema('segment');
export const SEGMENT_ENTITIES = ['contact', 'company', 'deal'] as const;
export const SegmentEntity = z.enum(SEGMENT_ENTITIES);
export type SegmentEntity = z.infer<typeof SegmentEntity>;

/**
 * A condition on a custom field: a value (equal to it; for a multi-select, one of its options),
 * any of several options, or an inclusive range of a number or date field.
 */
export const FieldCondition = z
  .union([
    z.string().max(2_000),
    z.number(),
    z.boolean(),
    z.strictObject(() => ({ anyOf: z.array(z.string().max(200)).min(1).max(20) })),
    z
      .strictObject(() => ({
        min: z.union([z.number(), CalendarDate]).optional(),
        max: z.union([z.number(), CalendarDate]).optional(),
      }))
      .refine((r) => r.min !== undefined || r.max !== undefined, { error: 'name min, max or both' }),
  ])
  .register(z.globalRegistry, { id: 'FieldCondition' });
export type FieldCondition = z.infer<typeof FieldCondition>;

const KNOWN = {
  tag: Tag,
  tagsAny: z.array(Tag).min(1).max(10).describe('any of these tags (one Query per tag, merged)'),
  ...DealRanges.shape,
  customFields: z.record(FieldKey, FieldCondition).describe('conditions on custom fields, all of them'),
  ownerId: UserId,
  pipelineId: PipelineId,
  stageId: StageId,
  leadSource: LeadSource,
  companyId: CompanyId,
  contactId: ContactId,
  status: DealStatus,
};
export type FilterAttribute = keyof typeof KNOWN;
export const FILTER_ATTRIBUTES = Object.keys(KNOWN) as FilterAttribute[];

/**
 * Equality on each attribute named, all of them together. Other attributes are refused with the
 * reason (422), not ignored: they have no index, so a segment on them would read every record.
 */
export const SegmentFilter = z
  .object(
    () =>
      Object.fromEntries(Object.entries(KNOWN).map(([k, s]) => [k, s.optional()])) as {
        [K in FilterAttribute]: z.ZodOptional<(typeof KNOWN)[K]>;
      },
  )
  // any other key is read, to be refused with why (a 422 naming the indexed attributes); the
  // contract says plainly that there is no other key, so a typed client catches the typo first
  .catchall(z.unknown())
  .meta({ id: 'SegmentFilter', override: { additionalProperties: false } });
/** A filter as saved and evented: only the attributes above (anything else was refused). */
export const SavedSegmentFilter = z
  .strictObject(
    () =>
      Object.fromEntries(Object.entries(KNOWN).map(([k, s]) => [k, s.optional()])) as {
        [K in FilterAttribute]: z.ZodOptional<(typeof KNOWN)[K]>;
      },
  )
  .register(z.globalRegistry, { id: 'SavedSegmentFilter' });

export type SegmentFilter = Partial<{ [K in FilterAttribute]: z.output<(typeof KNOWN)[K]> }>;

/** Which attributes each entity has, and why the others do not apply to it. */
const APPLIES: Record<SegmentEntity, Partial<Record<FilterAttribute, true>>> = {
  contact: { tag: true, tagsAny: true, companyId: true, customFields: true },
  company: { tag: true, tagsAny: true, customFields: true },
  deal: {
    tag: true,
    tagsAny: true,
    expectedCloseFrom: true,
    expectedCloseTo: true,
    valueMin: true,
    valueMax: true,
    currency: true,
    customFields: true,
    ownerId: true,
    pipelineId: true,
    stageId: true,
    leadSource: true,
    companyId: true,
    contactId: true,
    status: true,
  },
};

const PLURAL: Record<SegmentEntity, string> = { contact: 'contacts', company: 'companies', deal: 'deals' };

/** The attributes of a filter that the entity does not have, or no index answers: each with why. */
export function inapplicable(entity: SegmentEntity, filter: Record<string, unknown>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const key of Object.keys(filter)) {
    if (filter[key] === undefined) continue;
    if (!(key in KNOWN)) {
      issues.push({
        path: `filter.${key}`,
        message: `is not indexed: a segment filters by ${FILTER_ATTRIBUTES.join(', ')}; anything else would need a scan of every record`,
      });
    } else if (!APPLIES[entity][key as FilterAttribute]) {
      const named = Object.keys(APPLIES[entity]);
      const have = named.length > 1 ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)}` : named[0];
      issues.push({
        path: `filter.${key}`,
        message: `${PLURAL[entity]} have no ${key}; they are filtered by ${have}`,
      });
    }
  }
  if (filter.tag !== undefined && filter.tagsAny !== undefined) {
    issues.push({ path: 'filter.tagsAny', message: 'name one tag (tag) or several (tagsAny), not both' });
  }
  return issues;
}

/** The custom-field kinds a segment compares, and how. */
const COMPARABLE: Partial<Record<CustomFieldType, 'value' | 'options' | 'range'>> = {
  text: 'value',
  url: 'value',
  email: 'value',
  boolean: 'value',
  select: 'options',
  'multi-select': 'options',
  number: 'range',
  date: 'range',
};

/** Conditions on custom fields checked against the entity's definitions, each fault named. */
export function fieldConditionIssues(
  fields: CustomField[],
  entity: SegmentEntity,
  conditions: Record<string, FieldCondition>,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const [key, condition] of Object.entries(conditions)) {
    const path = `filter.customFields.${key}`;
    const field = fields.find((f) => f.key === key);
    if (!field) {
      issues.push({ path, message: `is not a ${entity} custom field (GET /custom-fields)` });
      continue;
    }
    const kind = COMPARABLE[field.type];
    if (!kind) {
      issues.push({
        path,
        message: `a ${field.type} field is not compared by segments (amounts in several currencies)`,
      });
      continue;
    }
    const isRange = typeof condition === 'object' && !('anyOf' in condition);
    const isAnyOf = typeof condition === 'object' && 'anyOf' in condition;
    const values = isAnyOf ? condition.anyOf : isRange ? [condition.min, condition.max] : [condition];
    if (isRange && kind !== 'range') {
      issues.push({ path, message: `a ${field.type} field has no range: name a value` });
    } else if (isAnyOf && kind !== 'options') {
      issues.push({ path, message: `a ${field.type} field has no options: name a value` });
    } else if (field.options && values.some((v) => !field.options!.includes(String(v)))) {
      issues.push({ path, message: `must name options of the field: ${field.options.join(', ')}` });
    } else if (field.type === 'number' && values.some((v) => v !== undefined && typeof v !== 'number')) {
      issues.push({ path, message: 'compares numbers' });
    } else if (
      field.type === 'date' &&
      values.some((v) => v !== undefined && !CalendarDate.safeParse(v).success)
    ) {
      issues.push({ path, message: 'compares calendar dates YYYY-MM-DD' });
    } else if (field.type === 'boolean' && typeof condition !== 'boolean') {
      issues.push({ path, message: 'compares true or false' });
    } else if (['text', 'url', 'email'].includes(field.type) && typeof condition !== 'string') {
      issues.push({ path, message: 'compares text' });
    } else if (
      isRange &&
      condition.min !== undefined &&
      condition.max !== undefined &&
      condition.min > condition.max
    ) {
      issues.push({ path, message: `max is below min (${condition.min})` });
    }
  }
  return issues;
}

export const NewSegment = z
  .strictObject(() => ({ name: text(120), entity: SegmentEntity, filter: SegmentFilter }))
  .register(z.globalRegistry, { id: 'NewSegment' });
export type NewSegment = z.infer<typeof NewSegment>;

export const SegmentPatch = z
  .strictObject(() => ({ name: text(120).optional(), filter: SegmentFilter.optional() }))
  .refine((p) => Object.keys(p).length > 0, { error: 'name at least one field to change' })
  .register(z.globalRegistry, { id: 'SegmentPatch' });
export type SegmentPatch = z.infer<typeof SegmentPatch>;

export const Segment = z
  .object(() => ({
    id: SegmentId,
    name: z.string(),
    entity: SegmentEntity,
    filter: SavedSegmentFilter,
    createdAt: Instant,
    updatedAt: Instant,
    createdBy: z.string(),
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'Segment' });
export type Segment = z.infer<typeof Segment>;

/** Segments are shared: whoever writes the CRM makes them; their maker, managers and admins change them. */
export function assertMayChangeSegment(actor: Actor, segment: Pick<Segment, 'id' | 'createdBy'>): void {
  if (hasRole(actor, 'admin', 'manager') || (hasRole(actor, 'sales') && segment.createdBy === actor.userId))
    return;
  throw new Forbidden(
    `segment ${segment.id} was made by ${segment.createdBy}; only they, managers and admins change it`,
  );
}
