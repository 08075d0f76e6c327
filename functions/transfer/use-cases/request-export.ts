import { inapplicable, type SegmentFilter } from '../../../domain/crm/segment.js';
import { ValidationFailed } from '../../../domain/shared/errors.js';
import { ENTITY_OF, type NewExport } from '../../../domain/transfer/jobs.js';
import { requestExport as decide } from '../../../domain/transfer/transfer.commands.js';
import { planSegment } from '../../crm/use-cases/segment-plan.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';

/**
 * Records an export of a segment or of a list filter; the export function writes the file. A
 * filter must run as a Query (as a segment's must), so an export never becomes a scan.
 */
export async function requestExport(
  s: Pick<Services, 'customFields' | 'exports' | 'segments' | 'store'>,
  body: NewExport,
  { ctx }: CommandInput,
) {
  const entity = ENTITY_OF[body.kind];
  let filter: SegmentFilter = {};
  if (body.segmentId) {
    const segment = await s.segments.require(body.segmentId);
    if (segment.entity !== entity) {
      throw new ValidationFailed([
        { path: 'segmentId', message: `segment ${segment.id} lists ${segment.entity}s, not ${body.kind}` },
      ]);
    }
    filter = segment.filter;
  } else if (body.filter) {
    const issues = inapplicable(entity, body.filter);
    if (issues.length) throw new ValidationFailed(issues);
    filter = Object.fromEntries(
      Object.entries(body.filter).filter(([, v]) => v !== undefined),
    ) as SegmentFilter;
    await planSegment(s, { entity, filter });
  }
  const { job, events } = decide(body, filter, ctx);
  await new UnitOfWork().add(s.exports.create(job)).events(events).commit(s.store);
  const { actor: _a, attempt: _n, ...shown } = job;
  return { job, answer: { ...shown, download: null } };
}
