import { createSegment as decide } from '../../../domain/crm/segment.commands.js';
import type { NewSegment, Segment } from '../../../domain/crm/segment.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { assertPlannable } from './segment-plan.js';

/** Saves a filter over contacts, companies or deals that an index can answer. */
export async function createSegment(
  s: Pick<Services, 'customFields' | 'segments' | 'store'>,
  body: NewSegment,
  { ctx }: CommandInput,
): Promise<Segment> {
  const { segment, events } = decide(body, ctx);
  await assertPlannable(s, segment);
  await s.segments.create(new UnitOfWork(), segment).events(events).commit(s.store);
  return segment;
}
