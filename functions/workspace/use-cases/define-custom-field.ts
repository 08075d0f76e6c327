import { defineCustomField as decide } from '../../../domain/custom-fields/custom-fields.commands.js';
import type { CustomField, NewCustomField } from '../../../domain/custom-fields/custom-fields.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Defines a custom field; answers the field and the new version of the definitions. */
export function defineCustomField(
  s: Services,
  body: NewCustomField,
  { ctx, ifMatch }: CommandInput,
): Promise<{ field: CustomField; version: number }> {
  return versionedCommand({
    ifMatch,
    entity: 'custom fields',
    id: 'custom-fields',
    load: () => s.customFields.read(),
    run: async (current) => {
      const { set, field, events } = decide(current, body, ctx);
      await s.customFields.save(new UnitOfWork(), current, set).events(events).commit(s.store);
      return { field, version: set.version };
    },
  });
}
