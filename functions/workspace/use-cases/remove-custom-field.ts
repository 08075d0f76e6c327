import { removeCustomField as decide } from '../../../domain/custom-fields/custom-fields.commands.js';
import type { CustomFieldEntity } from '../../../domain/custom-fields/custom-fields.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Removes a field's definition; stored values stay on their records. */
export function removeCustomField(
  s: Services,
  field: { entity: CustomFieldEntity; key: string },
  { ctx, ifMatch }: CommandInput,
): Promise<void> {
  return versionedCommand({
    ifMatch,
    entity: 'custom fields',
    id: 'custom-fields',
    load: () => s.customFields.read(),
    run: async (current) => {
      const { set, events } = decide(current, field.entity, field.key, ctx);
      await s.customFields.save(new UnitOfWork(), current, set).events(events).commit(s.store);
    },
  });
}
