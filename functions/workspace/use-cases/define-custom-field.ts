import { defineCustomField as decide } from '../../../domain/custom-fields/custom-fields.commands.js';
import type { CustomField, NewCustomField } from '../../../domain/custom-fields/custom-fields.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { changeCustomFields } from './change-custom-fields.js';

/** Defines a custom field; answers the field and the new version of the definitions. */
export async function defineCustomField(
  s: Pick<Services, 'customFields' | 'store'>,
  body: NewCustomField,
  input: CommandInput,
): Promise<{ field: CustomField; version: number }> {
  const { answer, version } = await changeCustomFields(s, input, (current) => {
    const { set, field, events } = decide(current, body, input.ctx);
    return { set, events, answer: field };
  });
  return { field: answer, version };
}
