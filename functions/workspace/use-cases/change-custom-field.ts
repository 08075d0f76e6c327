import { changeCustomField as decide } from '../../../domain/custom-fields/custom-fields.commands.js';
import type {
  CustomField,
  CustomFieldEntity,
  CustomFieldPatch,
} from '../../../domain/custom-fields/custom-fields.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { changeCustomFields } from './change-custom-fields.js';

/** Changes a field's label, required flag or options; an empty change writes nothing. */
export async function changeCustomField(
  s: Pick<Services, 'customFields' | 'store'>,
  field: { entity: CustomFieldEntity; key: string },
  patch: CustomFieldPatch,
  input: CommandInput,
): Promise<{ field: CustomField; version: number }> {
  const { answer, version } = await changeCustomFields(s, input, (current) => {
    const decided = decide(current, field.entity, field.key, patch, input.ctx);
    return { set: decided.set, events: decided.events, answer: decided.field };
  });
  return { field: answer, version };
}
