import {
  CustomField,
  CustomFieldEntity,
  CustomFieldPatch,
  CustomFieldSet,
  FieldKey,
  NewCustomField,
} from '../../../domain/custom-fields/custom-fields.js';
import * as z from '../../../domain/shared/zod.js';
import { canAdminister, canRead } from '../../lib/http/access.js';
import { created, noContent, ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { changeCustomField } from '../use-cases/change-custom-field.js';
import { defineCustomField } from '../use-cases/define-custom-field.js';
import { removeCustomField } from '../use-cases/remove-custom-field.js';

// Custom fields (docs/api.md, "Custom fields"): everyone reads the definitions (a client needs
// them to show and edit the values); admins change them. The definitions are one versioned item:
// its version is the ETag of every answer here.

const FieldParams = z.strictObject(() => ({ entity: CustomFieldEntity, key: FieldKey }));

export function customFieldRoutes(s: Pick<Services, 'customFields' | 'store'>): Routes {
  return {
    'GET /custom-fields': route({
      tag: 'Custom fields',
      summary: 'The custom fields of contacts, companies, deals and projects',
      roles: canRead,
      query: z.strictObject(() => ({ entity: CustomFieldEntity.optional() })),
      response: { status: 200, schema: CustomFieldSet },
      handle: async ({ query }) => {
        const set = await s.customFields.read();
        const fields = query.entity ? set.fields.filter((f) => f.entity === query.entity) : set.fields;
        return ok({ fields, version: set.version }, set.version);
      },
    }),
    'POST /custom-fields': route({
      tag: 'Custom fields',
      summary: 'Define a custom field (admins)',
      roles: canAdminister,
      body: NewCustomField,
      conditional: true,
      response: {
        status: 201,
        schema: CustomField,
        etag: 'the version of the custom field definitions (GET /custom-fields): send it back as If-Match',
      },
      handle: async ({ body, ...input }) => {
        const { field, version } = await defineCustomField(s, body, input);
        return created(field, version);
      },
    }),
    'PATCH /custom-fields/{entity}/{key}': route({
      tag: 'Custom fields',
      summary:
        "Change a custom field's label, required flag, options or position among its entity's fields (admins)",
      description:
        "`position` moves the field to that place (0 first) among its entity's fields; GET /custom-fields lists them in that order. A position past the last field is a 422.",
      roles: canAdminister,
      params: FieldParams,
      body: CustomFieldPatch,
      conditional: true,
      response: {
        status: 200,
        schema: CustomField,
        etag: 'the version of the custom field definitions (GET /custom-fields): send it back as If-Match',
      },
      handle: async ({ params, body, ...input }) => {
        const { field, version } = await changeCustomField(s, params, body, input);
        return ok(field, version);
      },
    }),
    'DELETE /custom-fields/{entity}/{key}': route({
      tag: 'Custom fields',
      summary: 'Retire a custom field: its definition goes, values stored on records stay (admins)',
      description:
        'Values already stored stay on their records, in their reads and events as before (an export has columns for defined fields only); no write may set, change or remove the key until a field with that key is defined again (a 422 names it).',
      roles: canAdminister,
      params: FieldParams,
      conditional: true,
      response: { status: 204 },
      handle: async ({ params, ...input }) => {
        await removeCustomField(s, params, input);
        return noContent();
      },
    }),
  };
}
