import { fieldConditionIssues, type Segment } from '../../../domain/crm/segment.js';
import { type CustomField, fieldsOf } from '../../../domain/custom-fields/custom-fields.js';
import { type FieldIssue, ValidationFailed } from '../../../domain/shared/errors.js';
import type { Services } from '../../lib/services.js';
import type { ListPlan } from '../../lib/table/page.js';

/**
 * A segment's filter must run as a Query: the repository's planner decides when the segment is
 * saved, so a filter no index answers is refused then (its reasons named `filter.*`), never a
 * scan later. Conditions on custom fields are checked against the entity's definitions.
 */
export async function assertPlannable(
  s: Pick<Services, 'customFields' | 'segments'>,
  segment: Pick<Segment, 'entity' | 'filter'>,
): Promise<void> {
  await planSegment(s, segment);
}

/**
 * The entity's custom field definitions, checked against the conditions the filter puts on them:
 * the instance's kept set, read again when it finds issues (a field defined since, in another
 * instance; a field's key and type never change) before any is reported.
 */
async function checkedFields(
  s: Pick<Services, 'customFields'>,
  segment: Pick<Segment, 'entity' | 'filter'>,
): Promise<{ fields: CustomField[]; issues: FieldIssue[] }> {
  const conditions = segment.filter.customFields;
  const { result } = await s.customFields.checkFresh((set) => {
    const fields = fieldsOf(set, segment.entity);
    return { fields, issues: conditions ? fieldConditionIssues(fields, segment.entity, conditions) : [] };
  });
  return result;
}

/** The entity's custom field definitions a filter is run with (the members of a saved segment). */
export async function fieldsFor(
  s: Pick<Services, 'customFields'>,
  segment: Pick<Segment, 'entity' | 'filter'>,
): Promise<CustomField[]> {
  return (await checkedFields(s, segment)).fields;
}

/** The plan of a segment's filter (or an export's), with the entity's custom fields. */
export async function planSegment(
  s: Pick<Services, 'customFields' | 'segments'>,
  segment: Pick<Segment, 'entity' | 'filter'>,
): Promise<ListPlan> {
  const { fields, issues } = await checkedFields(s, segment);
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
