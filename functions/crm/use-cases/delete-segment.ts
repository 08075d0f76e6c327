import { deleteSegment as decide } from '../../../domain/crm/segment.commands.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Deletes a segment (its maker, managers, admins). */
export function deleteSegment(
  s: Pick<Services, 'segments' | 'store'>,
  id: string,
  { ctx, ifMatch }: CommandInput,
): Promise<void> {
  return versionedCommand({
    ifMatch,
    entity: 'segment',
    load: () => s.segments.require(id),
    run: async (current) => {
      const events = decide(current, ctx);
      await s.segments.remove(new UnitOfWork(), current).events(events).commit(s.store);
    },
  });
}
