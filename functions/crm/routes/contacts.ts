import { Contact, ContactPatch, Email, NewContact } from '../../../domain/crm/contact.js';
import { TimelineEntry } from '../../../domain/crm/timeline.js';
import { NotFound } from '../../../domain/shared/errors.js';
import { idSchema } from '../../../domain/shared/ids.js';
import { Tag } from '../../../domain/shared/text.js';
import * as z from '../../../domain/shared/zod.js';
import { canManage, canRead, canSell } from '../../lib/http/access.js';
import { DetachQuery, idParams, listQuery, listScope } from '../../lib/http/params.js';
import { created, noContent, ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { createContact } from '../use-cases/create-contact.js';
import { deleteContact } from '../use-cases/delete-contact.js';
import { updateContact } from '../use-cases/update-contact.js';

const gone = { 410: 'the contact was merged into another (`mergedInto` names it)' } as const;

export function contactRoutes(
  s: Pick<Services, 'activities' | 'companies' | 'contacts' | 'deals' | 'duplicates' | 'store'>,
): Routes {
  return {
    'POST /contacts': route({
      tag: 'Contacts',
      summary: 'Add a contact; an email already used by another contact is a 409 naming it',
      roles: canSell,
      body: NewContact,
      customFields: { entity: 'contact', mode: 'create' },
      response: { status: 201, schema: Contact },
      handle: async ({ body, ctx, preconditions }) => {
        const contact = await createContact(s, body, { ctx, preconditions });
        return created(contact, contact.version);
      },
    }),
    'GET /contacts': route({
      tag: 'Contacts',
      summary: 'Find contacts by email, name prefix, company or tag',
      roles: canRead,
      query: listQuery({
        email: Email.optional(),
        q: z.string().min(1).max(100).optional(),
        companyId: idSchema('company').optional(),
        tag: Tag.optional(),
      }),
      response: { status: 200, schema: Contact, list: true },
      handle: async (req) => {
        if (req.query.email) {
          const found = await s.contacts.findByEmail(req.query.email);
          return req.list({ items: found ? [found] : [] });
        }
        const scope = listScope(req.query);
        return req.list(await s.contacts.list(req.query, await req.page(scope)), scope);
      },
    }),
    'GET /contacts/{id}': route({
      tag: 'Contacts',
      summary: 'Read a contact',
      roles: canRead,
      params: idParams('contact'),
      problems: gone,
      response: { status: 200, schema: Contact },
      handle: async ({ params }) => {
        const contact = await s.contacts.require(params.id);
        return ok(contact, contact.version);
      },
    }),
    'PATCH /contacts/{id}': route({
      tag: 'Contacts',
      summary: 'Change a contact (JSON merge patch; null clears a field)',
      roles: canSell,
      params: idParams('contact'),
      body: ContactPatch,
      customFields: { entity: 'contact', mode: 'patch' },
      conditional: true,
      problems: gone,
      response: { status: 200, schema: Contact },
      handle: async ({ params, body, ...input }) => {
        const contact = await updateContact(s, params.id, body, input);
        return ok(contact, contact.version);
      },
    }),
    'DELETE /contacts/{id}': route({
      tag: 'Contacts',
      summary: 'Delete a contact no deal refers to; admins may clear those links first (detach=true)',
      roles: canManage,
      params: idParams('contact'),
      query: DetachQuery,
      conditional: true,
      problems: { ...gone, 409: 'records still refer to it: the detail counts them' },
      response: { status: 204 },
      handle: async ({ params, query, ...input }) => {
        await deleteContact(s, params.id, input, { detach: query.detach === 'true' });
        return noContent();
      },
    }),
    'GET /contacts/{id}/timeline': route({
      tag: 'Contacts',
      summary: "A contact's notes, activities and deal changes, newest first",
      roles: canRead,
      params: idParams('contact'),
      query: listQuery({}),
      problems: gone,
      response: { status: 200, schema: TimelineEntry, list: true },
      handle: async (req) => {
        try {
          return req.list(await s.activities.timeline(req.params.id, await req.page()));
        } catch (error) {
          // a merged contact has no timeline of its own any more: say where it went (410)
          if (error instanceof NotFound) await s.contacts.require(req.params.id);
          throw error;
        }
      },
    }),
  };
}
