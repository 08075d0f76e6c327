import { DeliveryState } from '../../../domain/delivery/delivery-state.js';
import { linkStatus, NewPortalLink, PortalLink, PortalLinkId } from '../../../domain/portal/portal-link.js';
import { ProjectLogEntry } from '../../../domain/portal/project-log.js';
import { SharedFile } from '../../../domain/portal/shared-file.js';
import { idSchema } from '../../../domain/shared/ids.js';
import * as z from '../../../domain/shared/zod.js';
import { config } from '../../lib/config.js';
import { canDeliver, canRead } from '../../lib/http/access.js';
import { idParams, listQuery } from '../../lib/http/params.js';
import { created, noContent, ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { publicLink } from '../../lib/table/entities/portal.js';
import { type PortalMailer, portalMailer } from '../portal-mail.js';
import { createPortalLink } from '../use-cases/create-portal-link.js';
import { deliveryOfDeal } from '../use-cases/delivery-of-deal.js';
import { revokePortalLink } from '../use-cases/revoke-portal-link.js';
import { shareFile } from '../use-cases/share-file.js';
import { unshareFile } from '../use-cases/unshare-file.js';

// The team's side of the customer portal (served by the delivery API; docs/api.md, "The customer
// portal"): links shared with a contact of the customer and revoked, the files shown to them,
// the project's portal timeline, and the deal's view of its project's live state.

const LinkStatus = z.enum(['active', 'revoked', 'expired']);
const PortalLinkWithStatus = z
  .extend(PortalLink, () => ({ status: LinkStatus }))
  .register(z.globalRegistry, { id: 'PortalLinkWithStatus' });
const CreatedPortalLink = z
  .extend(PortalLink, () => ({
    status: z.literal('active'),
    url: z
      .string()
      .describe(
        "the link to give the contact: the console's /portal page, its secret in the fragment. Shown once: only its hash is kept",
      ),
    mailedTo: z.string().nullable().describe('the address it was mailed to (`send`), or null'),
  }))
  .register(z.globalRegistry, { id: 'CreatedPortalLink' });
const DealDelivery = z
  .extend(DeliveryState, () => ({
    lastFromCustomer: ProjectLogEntry.nullable().describe(
      "the customer's latest decision or comment in the portal, if any (of the project's 25 newest timeline entries)",
    ),
    lastViewedAt: z
      .string()
      .nullable()
      .describe('when a contact of the customer last opened the portal, if lately'),
  }))
  .register(z.globalRegistry, { id: 'DealDelivery' });

const linkParams = z.strictObject(() => ({ id: idSchema('project'), linkId: PortalLinkId }));
const fileParams = z.strictObject(() => ({ id: idSchema('project'), attachmentId: idSchema('attachment') }));

export function portalLinkRoutes(
  s: Pick<Services, 'attachments' | 'contacts' | 'portal' | 'projects' | 'store'>,
  delivery: () => { mailer: PortalMailer | undefined; appUrl: string | undefined } = () => ({
    mailer: portalMailer(),
    appUrl: config.appUrl(),
  }),
): Routes {
  let made: ReturnType<typeof delivery> | undefined;
  const mail = () => {
    made ??= delivery();
    return made;
  };
  return {
    'POST /projects/{id}/portal-links': route({
      tag: 'Customer portal',
      summary: 'Share a project with a contact of its customer: a portal link (its URL is answered once)',
      description:
        "Its delivery owner, managers and admins. The contact is the project's main stakeholder or a contact of its customer's company (422 naming `contactId` otherwise). The URL carries the link's secret (256 random bits) in its fragment; only the secret's hash is stored, so the URL cannot be read again: revoke the link and make another. `send: true` mails it to the contact's first address.",
      roles: canDeliver,
      params: idParams('project'),
      body: NewPortalLink,
      problems: {
        404: 'no such project',
        409: 'the project is done or cancelled, or `send` where the deployment sends no mail',
        410: 'the contact was merged into another (`mergedInto`)',
      },
      response: { status: 201, schema: CreatedPortalLink },
      handle: async ({ params, body, ...input }) => {
        const link = await createPortalLink(s, params.id, body, input, mail());
        return created(link, link.version);
      },
    }),
    'GET /projects/{id}/portal-links': route({
      tag: 'Customer portal',
      summary: "A project's portal links, newest first, each active, revoked or expired",
      roles: canRead,
      params: idParams('project'),
      response: { status: 200, schema: z.object(() => ({ items: z.array(PortalLinkWithStatus) })) },
      handle: async ({ params, ctx }) => {
        await s.projects.require(params.id);
        const links = await s.portal.links(params.id);
        return ok({
          items: links.map((l) => ({ ...publicLink(l), status: linkStatus(l, ctx.now) })),
        });
      },
    }),
    'DELETE /projects/{id}/portal-links/{linkId}': route({
      tag: 'Customer portal',
      summary: 'Revoke a portal link: it and every session opened with it stop at once',
      roles: canDeliver,
      params: linkParams,
      conditional: true,
      problems: { 409: 'the link was revoked already' },
      response: { status: 200, schema: PortalLinkWithStatus },
      handle: async ({ params, ...input }) => {
        const link = await revokePortalLink(s, params.id, params.linkId, input);
        return ok({ ...link, status: 'revoked' }, link.version);
      },
    }),
    'GET /projects/{id}/portal-files': route({
      tag: 'Customer portal',
      summary: 'The files a project shows its customer in the portal, newest first',
      roles: canRead,
      params: idParams('project'),
      response: { status: 200, schema: z.object(() => ({ items: z.array(SharedFile) })) },
      handle: async ({ params }) => {
        await s.projects.require(params.id);
        return ok({ items: await s.portal.files(params.id) });
      },
    }),
    'PUT /projects/{id}/portal-files/{attachmentId}': route({
      tag: 'Customer portal',
      summary:
        "Show one of the project's files (its own, a task's or its deal's) to its customer in the portal",
      roles: canDeliver,
      params: fileParams,
      problems: {
        404: 'no such project or attachment',
        422: 'the attachment is not a stored file of this project, its tasks or its deal (`errors` names `attachmentId`)',
      },
      response: { status: 200, schema: SharedFile },
      handle: async ({ params, ...input }) => ok(await shareFile(s, params.id, params.attachmentId, input)),
    }),
    'DELETE /projects/{id}/portal-files/{attachmentId}': route({
      tag: 'Customer portal',
      summary: 'Stop showing a file to the customer (the file itself stays)',
      roles: canDeliver,
      params: fileParams,
      response: { status: 204 },
      handle: async ({ params, ...input }) => {
        await unshareFile(s, params.id, params.attachmentId, input);
        return noContent();
      },
    }),
    'GET /projects/{id}/timeline': route({
      tag: 'Customer portal',
      summary:
        "The project's portal timeline, newest first: links shared and revoked, the customer's views, decisions and comments",
      roles: canRead,
      params: idParams('project'),
      query: listQuery({}),
      response: { status: 200, schema: ProjectLogEntry, list: true },
      handle: async (req) => {
        const [page] = await Promise.all([
          s.portal.timeline(req.params.id, await req.page()),
          s.projects.require(req.params.id),
        ]);
        return req.list(page);
      },
    }),
    'GET /deals/{id}/delivery': route({
      tag: 'Projects',
      summary:
        "The live state of a won deal's project, for sales: percent complete, the promise (on track or at risk, by how many working days), the next milestone, what waits on the customer",
      roles: canRead,
      params: idParams('deal'),
      problems: { 404: 'the deal has no delivery project (yet)' },
      response: { status: 200, schema: DealDelivery },
      handle: async ({ params, ctx }) => ok(await deliveryOfDeal(s, params.id, ctx.now)),
    }),
  };
}
