import { removeCustomField as decide } from '../../../domain/custom-fields/custom-fields.commands.js';
import type { CustomFieldEntity } from '../../../domain/custom-fields/custom-fields.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { changeCustomFields } from './change-custom-fields.js';

/** Removes a field's definition; stored values stay on their records. */
export async function removeCustomField(
  s: Pick<Services, 'customFields' | 'store'>,
  field: { entity: CustomFieldEntity; key: string },
  input: CommandInput,
): Promise<void> {
  await changeCustomFields(s, input, (current) => ({
    ...decide(current, field.entity, field.key, input.ctx),
    answer: undefined,
  }));
}
