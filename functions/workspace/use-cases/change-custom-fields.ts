import type { CustomFieldSet } from '../../../domain/custom-fields/custom-fields.js';
import type { DomainEvent } from '../../../domain/events.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/**
 * The custom field definitions are one versioned item: every change to them reads it, decides,
 * and writes it back conditional on its version (`If-Match` names it). A decision that leaves
 * the set as it was writes nothing.
 */
export function changeCustomFields<R>(
  s: Pick<Services, 'customFields' | 'store'>,
  { ifMatch }: CommandInput,
  decide: (current: CustomFieldSet) => { set: CustomFieldSet; events: DomainEvent[]; answer: R },
): Promise<{ answer: R; version: number }> {
  return versionedCommand({
    ifMatch,
    entity: 'custom fields',
    id: 'custom-fields',
    load: () => s.customFields.read(),
    run: async (current) => {
      const { set, events, answer } = decide(current);
      if (set !== current)
        await s.customFields.save(new UnitOfWork(), current, set).events(events).commit(s.store);
      return { answer, version: set.version };
    },
  });
}
