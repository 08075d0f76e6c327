import { Email } from '../crm/contact.js';
import type { FieldIssue } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import { text } from '../shared/text.js';
import { CalendarDate, Instant } from '../shared/time.js';
import { issuesOf } from '../shared/validation.js';
import * as z from '../shared/zod.js';

// Custom fields: admins define them per entity (key, label, type, required, options); every
// write of that entity validates its `customFields` against the definitions with zod, in the
// same 422 as the built-in fields (paths `customFields.<key>`). Values are stored on the entity
// and travel with it: reads, events, exports.

export const CUSTOM_FIELD_ENTITIES = ['contact', 'company', 'deal', 'project'] as const;
export const CustomFieldEntity = z.enum(CUSTOM_FIELD_ENTITIES);
export type CustomFieldEntity = z.infer<typeof CustomFieldEntity>;

export const CUSTOM_FIELD_TYPES = [
  'text',
  'number',
  'date',
  'boolean',
  'select',
  'multi-select',
  'money',
  'url',
  'email',
] as const;
export const CustomFieldType = z.enum(CUSTOM_FIELD_TYPES);
export type CustomFieldType = z.infer<typeof CustomFieldType>;

export const FieldKey = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, {
  error: 'must be 1-40 lower-case letters, digits or _, starting with a letter',
});

/** The most fields one entity may have. */
export const MAX_FIELDS_PER_ENTITY = 50;

const Options = z
  .array(text(100))
  .min(1)
  .max(100)
  .refine((o) => new Set(o).size === o.length, { error: 'lists the same option twice' });

const hasOptions = (type: CustomFieldType) => type === 'select' || type === 'multi-select';

export const NewCustomField = z
  .strictObject(() => ({
    entity: CustomFieldEntity,
    key: FieldKey,
    label: text(100),
    type: CustomFieldType,
    required: z.boolean().default(false),
    options: Options.optional().describe('the choices of a select or multi-select field'),
  }))
  .superRefine((f, ctx) => {
    if (hasOptions(f.type) && !f.options)
      ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${f.type} field needs its options` });
    if (!hasOptions(f.type) && f.options)
      ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${f.type} field has no options` });
  })
  .register(z.globalRegistry, { id: 'NewCustomField' });
export type NewCustomField = z.infer<typeof NewCustomField>;

/**
 * Label, required, options and the field's place among its entity's fields change; a field's
 * entity, key and type never do (values depend on them).
 */
export const CustomFieldPatch = z
  .strictObject(() => ({
    label: text(100).optional(),
    required: z.boolean().optional(),
    options: Options.optional(),
    position: z
      .int()
      .min(0)
      .optional()
      .describe(
        "the field's place among its entity's fields, from 0 (first) to their count − 1: GET /custom-fields lists them in this order; the others keep theirs",
      ),
  }))
  .refine((p) => Object.keys(p).length > 0, { error: 'name at least one field to change' })
  .register(z.globalRegistry, { id: 'CustomFieldPatch' });
export type CustomFieldPatch = z.infer<typeof CustomFieldPatch>;

export const CustomField = z
  .object(() => ({
    entity: CustomFieldEntity,
    key: z.string(),
    label: z.string(),
    type: CustomFieldType,
    required: z.boolean(),
    options: z.array(z.string()).optional(),
    createdAt: Instant,
    updatedAt: Instant,
  }))
  .register(z.globalRegistry, { id: 'CustomField' });
export type CustomField = z.infer<typeof CustomField>;

export const CustomFieldSet = z
  .object(() => ({ fields: z.array(CustomField), version: z.int() }))
  .register(z.globalRegistry, { id: 'CustomFieldSet' });
export type CustomFieldSet = z.infer<typeof CustomFieldSet>;

export const NO_CUSTOM_FIELDS: CustomFieldSet = { fields: [], version: 0 };

function valueSchema(field: CustomField): z.ZodType<unknown, unknown> {
  switch (field.type) {
    case 'text':
      return text(2_000);
    case 'number':
      return z.number({ error: 'must be a number' });
    case 'date':
      return CalendarDate;
    case 'boolean':
      return z.boolean({ error: 'must be true or false' });
    case 'select':
      return z.enum(field.options as [string, ...string[]], {
        error: `must be one of: ${field.options!.join(', ')}`,
      });
    case 'multi-select':
      return z
        .array(
          z.enum(field.options as [string, ...string[]], {
            error: `must be one of: ${field.options!.join(', ')}`,
          }),
          { error: 'must be a list of options' },
        )
        .refine((v) => new Set(v).size === v.length, { error: 'lists the same option twice' });
    case 'money':
      return Money;
    case 'url':
      return z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2_000);
    case 'email':
      return Email;
  }
}

export function fieldsOf(set: CustomFieldSet, entity: CustomFieldEntity): CustomField[] {
  return set.fields.filter((f) => f.entity === entity);
}

/**
 * Checks the `customFields` of a write against the entity's definitions. On create, required
 * fields must be there; on a patch, values given are checked and a required one cannot be
 * removed (records made before a field became required are not refused for unrelated edits).
 * Unknown keys are refused, like unknown fields.
 */
export function validateCustomFields(
  fields: CustomField[],
  input: unknown,
  mode: 'create' | 'patch',
): { values: Record<string, unknown> | undefined; issues: FieldIssue[] } {
  if (input === undefined) {
    if (mode === 'patch') return { values: undefined, issues: [] };
    const missing = fields.filter((f) => f.required);
    return {
      values: undefined,
      issues: missing.map((f) => ({ path: `customFields.${f.key}`, message: 'is required' })),
    };
  }
  const shape: Record<string, z.ZodType> = {};
  for (const field of fields) {
    const schema = valueSchema(field);
    shape[field.key] =
      mode === 'create'
        ? field.required
          ? schema
          : schema.optional()
        : field.required
          ? z
              .unknown()
              .refine((v) => v !== null, { error: 'is required and cannot be removed' })
              .pipe(schema as never)
              .optional()
          : schema.nullable().optional();
  }
  const parsed = z
    .strictObject(shape, { error: 'must be an object of custom field values by key' })
    .safeParse(input);
  if (parsed.success) {
    const values = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
    return { values, issues: [] };
  }
  return {
    values: undefined,
    issues: issuesOf(parsed.error).map((i) => ({
      path: i.path ? `customFields.${i.path}` : 'customFields',
      message:
        i.message.startsWith('unknown field(s)') && fields.length === 0
          ? 'this entity has no custom fields (see GET /custom-fields)'
          : i.message,
    })),
  };
}
