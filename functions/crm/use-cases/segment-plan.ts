import type { Segment } from '../../../domain/crm/segment.js';
import { ValidationFailed } from '../../../domain/shared/errors.js';
import type { Services } from '../../lib/services.js';

/**
 * A segment's filter must run as a Query: the repository's planner decides when the segment is
 * saved, so a filter no index answers is refused then (its reasons named `filter.*`), never a scan later.
 */
export function assertPlannable(s: Services, segment: Segment): void {
  try {
    s.segments.plan(segment);
  } catch (error) {
    if (error instanceof ValidationFailed)
      throw new ValidationFailed(error.issues.map((i) => ({ ...i, path: `filter.${i.path}` })));
    const reason = (error as { extensions?: { errors?: { path: string; message: string }[] } }).extensions
      ?.errors;
    if (reason) throw new ValidationFailed(reason.map((i) => ({ ...i, path: `filter.${i.path}` })));
    throw error;
  }
}
