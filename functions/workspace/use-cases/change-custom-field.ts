import { changeCustomField as decide } from '../../../domain/custom-fields/custom-fields.commands.js';
import type {
  CustomField,
  CustomFieldEntity,
  CustomFieldPatch,
} from '../../../domain/custom-fields/custom-fields.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Changes a field's label, required flag or options; an empty change writes nothing. */
export function changeCustomField(
  s: Services,
  field: { entity: CustomFieldEntity; key: string },
  patch: CustomFieldPatch,
  { ctx, ifMatch }: CommandInput,
): Promise<{ field: CustomField; version: number }> {
  return versionedCommand({
    ifMatch,
    entity: 'custom fields',
    id: 'custom-fields',
    load: () => s.customFields.read(),
    run: async (current) => {
      const decided = decide(current, field.entity, field.key, patch, ctx);
      if (decided.set !== current)
        await s.customFields
          .save(new UnitOfWork(), current, decided.set)
          .events(decided.events)
          .commit(s.store);
      return { field: decided.field, version: decided.set.version };
    },
  });
}
