import * as z from 'zod';
import { type Actor, hasRole } from '../shared/context.js';
import { type FieldIssue, Forbidden } from '../shared/errors.js';
import { idSchema, UserId } from '../shared/ids.js';
import { Tag, text } from '../shared/text.js';
import { Instant } from '../shared/time.js';
import { CompanyId } from './company.js';
import { ContactId } from './contact.js';
import { DealStatus, LeadSource } from './deal.js';
import { PipelineId, StageId } from './pipeline.js';

// Segments: saved filters over the indexed attributes of contacts, companies or deals, run as a
// list. Which attributes an entity has is a rule of the model, written here; how each runs as a
// Query on an index is the repositories' (a filter no index can answer is refused before it is
// saved, with the reason).

export const SegmentId = idSchema('segment');
export const SEGMENT_ENTITIES = ['contact', 'company', 'deal'] as const;
export const SegmentEntity = z.enum(SEGMENT_ENTITIES);
export type SegmentEntity = z.infer<typeof SegmentEntity>;

const KNOWN = {
  tag: Tag,
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
    Object.fromEntries(Object.entries(KNOWN).map(([k, s]) => [k, s.optional()])) as {
      [K in FilterAttribute]: z.ZodOptional<(typeof KNOWN)[K]>;
    },
  )
  // any other key is read, to be refused with why (a 422 naming the indexed attributes); the
  // contract says plainly that there is no other key, so a typed client catches the typo first
  .catchall(z.unknown())
  .meta({ id: 'SegmentFilter', override: { additionalProperties: false } });
export type SegmentFilter = Partial<{ [K in FilterAttribute]: z.output<(typeof KNOWN)[K]> }>;

/** Which attributes each entity has, and why the others do not apply to it. */
const APPLIES: Record<SegmentEntity, Partial<Record<FilterAttribute, true>>> = {
  contact: { tag: true, companyId: true },
  company: { tag: true },
  deal: {
    tag: true,
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
      const have = Object.keys(APPLIES[entity]).join(' and ');
      issues.push({
        path: `filter.${key}`,
        message: `${PLURAL[entity]} have no ${key}; they are filtered by ${have}`,
      });
    }
  }
  return issues;
}

export const NewSegment = z
  .strictObject({ name: text(120), entity: SegmentEntity, filter: SegmentFilter })
  .meta({ id: 'NewSegment' });
export type NewSegment = z.infer<typeof NewSegment>;

export const SegmentPatch = z
  .strictObject({ name: text(120).optional(), filter: SegmentFilter.optional() })
  .refine((p) => Object.keys(p).length > 0, { error: 'name at least one field to change' })
  .meta({ id: 'SegmentPatch' });
export type SegmentPatch = z.infer<typeof SegmentPatch>;

export const Segment = z
  .object({
    id: SegmentId,
    name: z.string(),
    entity: SegmentEntity,
    filter: z.record(z.string(), z.string()),
    createdAt: Instant,
    updatedAt: Instant,
    createdBy: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'Segment' });
export type Segment = z.infer<typeof Segment>;

/** Segments are shared: whoever writes the CRM makes them; their maker, managers and admins change them. */
export function assertMayChangeSegment(actor: Actor, segment: Pick<Segment, 'id' | 'createdBy'>): void {
  if (hasRole(actor, 'admin', 'manager') || (hasRole(actor, 'sales') && segment.createdBy === actor.userId))
    return;
  throw new Forbidden(
    `segment ${segment.id} was made by ${segment.createdBy}; only they, managers and admins change it`,
  );
}
