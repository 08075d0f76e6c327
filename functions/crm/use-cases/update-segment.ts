import { updateSegment as decide } from '../../../domain/crm/segment.commands.js';
import type { Segment, SegmentPatch } from '../../../domain/crm/segment.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';
import { assertPlannable } from './segment-plan.js';

/** Renames a segment or changes its filter (its maker, managers, admins). */
export function updateSegment(
  s: Pick<Services, 'customFields' | 'segments' | 'store'>,
  id: string,
  patch: SegmentPatch,
  { ctx, ifMatch }: CommandInput,
): Promise<Segment> {
  return versionedCommand({
    ifMatch,
    entity: 'segment',
    load: () => s.segments.require(id),
    run: async (current) => {
      const { segment, events } = decide(current, patch, ctx);
      await assertPlannable(s, segment);
      await s.segments.update(new UnitOfWork(), current, segment).events(events).commit(s.store);
      return segment;
    },
  });
}
