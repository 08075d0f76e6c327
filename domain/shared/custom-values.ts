import { Money } from './money.js';
import * as z from './zod.js';

// The shape of custom-field values on an entity, for the entities' own schemas: an open map by
// key. Which keys exist and what each must hold is defined by admins (domain/custom-fields) and
// checked on every write; these schemas only say what any value can look like.

/** Any stored custom-field value; which one a field takes is in its definition. */
export const CustomFieldValue = z
  .union([z.string(), z.number(), z.boolean(), z.array(z.string()), Money])
  .register(z.globalRegistry, { id: 'CustomFieldValue' });

/** The values of an entity's custom fields, by key: an open map, defined at `GET /custom-fields`. */
export const CustomFields = z
  .record(z.string(), CustomFieldValue)
  .describe('custom field values by key; the fields and their types are defined at GET /custom-fields')
  .meta({ id: 'CustomFields' });
export type CustomFields = z.infer<typeof CustomFields>;

/** What a create body may carry (checked again, per definition, by `validateCustomFields`). */
export const CustomFieldsInput = z
  .record(z.string(), CustomFieldValue)
  .describe('values by key, validated against the definitions at GET /custom-fields');

/** What a PATCH body may carry: a merge patch of the values (null removes one). */
export const CustomFieldsPatch = z
  .record(z.string(), CustomFieldValue.nullable())
  .describe('a merge patch of the values: a key replaces its value, null removes it');

/** Applies a merge patch of custom-field values: a key replaces its value, null removes it. */
export function mergeCustomFields(
  current: Record<string, unknown> | undefined,
  patch: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  return Object.keys(next).length > 0 ? next : undefined;
}
