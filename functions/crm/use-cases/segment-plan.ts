import { fieldConditionIssues, type Segment } from '../../../domain/crm/segment.js';
import { type CustomField, fieldsOf } from '../../../domain/custom-fields/custom-fields.js';
import { ValidationFailed } from '../../../domain/shared/errors.js';
import type { Services } from '../../lib/services.js';
import type { ListPlan } from '../../lib/table/repositories/page.js';

/**
 * A segment's filter must run as a Query: the repository's planner decides when the segment is
 * saved, so a filter no index answers is refused then (its reasons named `filter.*`), never a
 * scan later. Conditions on custom fields are checked against the entity's definitions.
 */
export async function assertPlannable(
  s: Services,
  segment: Pick<Segment, 'entity' | 'filter'>,
): Promise<void> {
  await planSegment(s, segment);
}

/**
 * The entity's custom field definitions a filter names: the instance's cached set, read again
 * when it lacks one (a field defined since; a field's key and type never change).
 */
export async function fieldsFor(
  s: Services,
  segment: Pick<Segment, 'entity' | 'filter'>,
): Promise<CustomField[]> {
  const named = Object.keys(segment.filter.customFields ?? {});
  let fields = fieldsOf(await s.customFields.current(), segment.entity);
  if (named.some((key) => !fields.some((f) => f.key === key))) {
    fields = fieldsOf(await s.customFields.read(), segment.entity);
  }
  return fields;
}

/** The plan of a segment's filter (or an export's), with the entity's custom fields. */
export async function planSegment(
  s: Services,
  segment: Pick<Segment, 'entity' | 'filter'>,
): Promise<ListPlan> {
  const fields = await fieldsFor(s, segment);
  const issues = segment.filter.customFields
    ? fieldConditionIssues(fields, segment.entity, segment.filter.customFields)
    : [];
  if (issues.length > 0) throw new ValidationFailed(issues);
  try {
    return s.segments.plan(segment, fields);
  } catch (error) {
    if (error instanceof ValidationFailed)
      throw new ValidationFailed(error.issues.map((i) => ({ ...i, path: `filter.${i.path}` })));
    const reason = (error as { extensions?: { errors?: { path: string; message: string }[] } }).extensions
      ?.errors;
    if (reason) throw new ValidationFailed(reason.map((i) => ({ ...i, path: `filter.${i.path}` })));
    throw error;
  }
}
