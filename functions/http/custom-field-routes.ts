import * as z from 'zod';
import {
  changeCustomField,
  defineCustomField,
  removeCustomField,
} from '../../domain/custom-fields/custom-fields.commands.js';
import {
  CustomField,
  CustomFieldEntity,
  CustomFieldPatch,
  CustomFieldSet,
  FieldKey,
  NewCustomField,
} from '../../domain/custom-fields/custom-fields.js';
import type { Role } from '../../domain/shared/context.js';
import { expectVersion, mutate } from '../lib/command.js';
import { created, noContent, ok, type Routes, route } from '../lib/http/route.js';
import type { Services } from '../lib/services.js';
import { UnitOfWork } from '../lib/table/unit-of-work.js';

// Custom fields (docs/api.md, "Custom fields"): everyone reads the definitions (a client needs
// them to show and edit the values); admins change them. The definitions are one versioned item:
// its version is the ETag of every answer here.

const READ: readonly Role[] = ['admin', 'manager', 'sales', 'delivery'];
const FieldParams = z.strictObject({ entity: CustomFieldEntity, key: FieldKey });

export function customFieldRoutes(s: Services): Routes {
  return {
    'GET /custom-fields': route({
      tag: 'Custom fields',
      summary: 'The custom fields of contacts, companies, deals and projects',
      roles: READ,
      query: z.strictObject({ entity: CustomFieldEntity.optional() }),
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
      roles: ['admin'],
      body: NewCustomField,
      conditional: true,
      response: {
        status: 201,
        schema: CustomField,
        etag: 'the version of the custom field definitions (GET /custom-fields): send it back as If-Match',
      },
      handle: async ({ body, ctx, ifMatch }) => {
        const { field, version } = await mutate(ifMatch, async () => {
          const current = await s.customFields.read();
          expectVersion(ifMatch, 'custom fields', { id: 'custom-fields', version: current.version });
          const { set, field, events } = defineCustomField(current, body, ctx);
          await s.customFields.save(new UnitOfWork(), current, set).events(events).commit(s.store);
          return { field, version: set.version };
        });
        return created(field, version);
      },
    }),
    'PATCH /custom-fields/{entity}/{key}': route({
      tag: 'Custom fields',
      summary: "Change a custom field's label, required flag or options (admins)",
      roles: ['admin'],
      params: FieldParams,
      body: CustomFieldPatch,
      conditional: true,
      response: {
        status: 200,
        schema: CustomField,
        etag: 'the version of the custom field definitions (GET /custom-fields): send it back as If-Match',
      },
      handle: async ({ params, body, ctx, ifMatch }) => {
        const { field, version } = await mutate(ifMatch, async () => {
          const current = await s.customFields.read();
          expectVersion(ifMatch, 'custom fields', { id: 'custom-fields', version: current.version });
          const { set, field, events } = changeCustomField(current, params.entity, params.key, body, ctx);
          if (set !== current)
            await s.customFields.save(new UnitOfWork(), current, set).events(events).commit(s.store);
          return { field, version: set.version };
        });
        return ok(field, version);
      },
    }),
    'DELETE /custom-fields/{entity}/{key}': route({
      tag: 'Custom fields',
      summary: 'Remove a custom field definition; stored values stay on their records (admins)',
      roles: ['admin'],
      params: FieldParams,
      conditional: true,
      response: { status: 204 },
      handle: async ({ params, ctx, ifMatch }) => {
        await mutate(ifMatch, async () => {
          const current = await s.customFields.read();
          expectVersion(ifMatch, 'custom fields', { id: 'custom-fields', version: current.version });
          const { set, events } = removeCustomField(current, params.entity, params.key, ctx);
          await s.customFields.save(new UnitOfWork(), current, set).events(events).commit(s.store);
        });
        return noContent();
      },
    }),
  };
}
