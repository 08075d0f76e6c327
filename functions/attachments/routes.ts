import { type AttachableKind, Attachment, NewAttachment } from '../../domain/attachments/attachment.js';
import * as z from '../../domain/shared/zod.js';
import { canRead } from '../lib/http/access.js';
import { idParams, listQuery } from '../lib/http/params.js';
import { created, noContent, ok, type Routes, route } from '../lib/http/route.js';
import { sortedPage } from '../lib/http/sorted-page.js';
import type { Services } from '../lib/services.js';
import {
  attachFile,
  attachmentsOf,
  completeAttachment,
  deleteAttachment,
  readAttachment,
} from './use-cases/attachments.js';

// Attachments on deals, contacts, companies (the CRM API's routes) and projects and tasks (the
// delivery API's), and the attachment itself (the CRM API's). docs/api.md, "Attachments".

const Link = z.object(() => ({ url: z.string(), expiresAt: z.string() }));
const Upload = z.extend(Link, () => ({
  method: z.literal('PUT'),
  headers: z.record(z.string(), z.string()).describe('send exactly these: the link is signed for them'),
}));
const Requested = z
  .object(() => ({ attachment: Attachment, upload: Upload }))
  .register(z.globalRegistry, { id: 'AttachmentUpload' });
const WithLink = z
  .extend(Attachment, () => ({ download: Link.nullable() }))
  .register(z.globalRegistry, { id: 'AttachmentWithLink' });

const PATHS: Record<AttachableKind, { path: string; tag: string; id: Parameters<typeof idParams>[0] }> = {
  deal: { path: 'deals', tag: 'Deals', id: 'deal' },
  contact: { path: 'contacts', tag: 'Contacts', id: 'contact' },
  company: { path: 'companies', tag: 'Companies', id: 'company' },
  project: { path: 'projects', tag: 'Projects', id: 'project' },
  task: { path: 'tasks', tag: 'Tasks', id: 'task' },
};

/** Kinds whose records are merged: a merged one answers 410 here as on its other routes. */
const MERGEABLE: readonly AttachableKind[] = ['contact', 'company'];

function recordRoutes(
  s: Pick<Services, 'attachments' | 'companies' | 'contacts' | 'deals' | 'files' | 'projects' | 'store'>,
  kind: AttachableKind,
): Routes {
  const { path, tag, id } = PATHS[kind];
  const problems = MERGEABLE.includes(kind)
    ? { problems: { 410: `the ${kind} was merged into another (\`mergedInto\` names it)` } }
    : {};
  return {
    [`POST /${path}/{id}/attachments`]: route({
      tag,
      summary: `Attach a file to a ${kind}: answers a link to PUT exactly that file to (type and size signed), then confirm it`,
      roles: canRead,
      params: idParams(id),
      body: NewAttachment,
      ...problems,
      response: { status: 201, schema: Requested },
      handle: async ({ params, body, ...input }) =>
        created(await attachFile(s, { kind, id: params.id }, body, input)),
    }),
    [`GET /${path}/{id}/attachments`]: route({
      tag,
      summary:
        kind === 'project'
          ? "A project's attachments, with those of the deal it was made from, newest first"
          : `A ${kind}'s attachments, newest first`,
      roles: canRead,
      params: idParams(id),
      query: listQuery({}),
      ...problems,
      response: { status: 200, schema: Attachment, list: true },
      handle: async (req) =>
        sortedPage(
          req,
          `attachments|${kind}|${req.params.id}`,
          await attachmentsOf(s, kind, req.params.id),
          (a) => a.id,
        ),
    }),
  };
}

export function crmAttachmentRoutes(
  s: Pick<Services, 'attachments' | 'companies' | 'contacts' | 'deals' | 'files' | 'projects' | 'store'>,
): Routes {
  return {
    ...recordRoutes(s, 'deal'),
    ...recordRoutes(s, 'contact'),
    ...recordRoutes(s, 'company'),
    'POST /attachments/{id}/complete': route({
      tag: 'Attachments',
      summary:
        'Confirm an upload: the file must be in place, with the size it was signed for (AttachmentAdded)',
      roles: canRead,
      params: idParams('attachment'),
      conditional: true,
      response: { status: 200, schema: Attachment },
      handle: async ({ params, ...input }) => {
        const attachment = await completeAttachment(s, params.id, input);
        return ok(attachment, attachment.version);
      },
    }),
    'GET /attachments/{id}': route({
      tag: 'Attachments',
      summary: 'An attachment, with a short-lived link to download its file',
      roles: canRead,
      params: idParams('attachment'),
      response: { status: 200, schema: WithLink },
      handle: async ({ params, ctx }) => {
        const attachment = await readAttachment(s, params.id, ctx.now);
        return ok(attachment, attachment.version);
      },
    }),
    'DELETE /attachments/{id}': route({
      tag: 'Attachments',
      summary: 'Delete an attachment and its file (its uploader, a manager or an admin)',
      roles: canRead,
      params: idParams('attachment'),
      conditional: true,
      response: { status: 204 },
      handle: async ({ params, ...input }) => {
        await deleteAttachment(s, params.id, input);
        return noContent();
      },
    }),
  };
}

export function deliveryAttachmentRoutes(
  s: Pick<Services, 'attachments' | 'companies' | 'contacts' | 'deals' | 'files' | 'projects' | 'store'>,
): Routes {
  return { ...recordRoutes(s, 'project'), ...recordRoutes(s, 'task') };
}
