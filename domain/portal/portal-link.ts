import { type Contact, ContactId, displayName } from '../crm/contact.js';
import type { Project } from '../delivery/project.js';
import { type DomainEvent, emit } from '../events.js';
import { type Actor, type CommandContext, hasRole } from '../shared/context.js';
import { Conflict, Forbidden, ValidationFailed } from '../shared/errors.js';
import { idSchema } from '../shared/ids.js';
import { addDays, Instant, toMillis } from '../shared/time.js';
import * as z from '../shared/zod.js';
import { type ProjectLogEntry, projectLogEntry } from './project-log.js';

// A portal link: how a delivery owner shares a project with a contact of its customer
// (docs/api.md, "The customer portal"). The link's secret is minted, hashed and checked at the
// edge (functions/lib/portal/secrets.ts); here are the rules: who may share, with whom, for how
// long, and what a revocation ends.

export const PortalLinkId = idSchema('portalLink');

/** How long a link lives when its creator names no end, and the longest it may. */
export const DEFAULT_LINK_DAYS = 30;
export const MAX_LINK_DAYS = 180;
/** How long a portal session lives: short, so a revoked or expired link stops its sessions soon even where no read checks it. */
export const PORTAL_SESSION_SECONDS = 15 * 60;

export const NewPortalLink = z
  .strictObject(() => ({
    contactId: ContactId.describe(
      "the project's main stakeholder, or another contact of its customer's company",
    ),
    expiresAt: Instant.optional().describe(
      `when the link stops working (default: in ${DEFAULT_LINK_DAYS} days; at most ${MAX_LINK_DAYS})`,
    ),
    send: z
      .boolean()
      .optional()
      .describe(
        "mail the link to the contact's first email address (the deployment's mail sender; 409 where there is none)",
      ),
  }))
  .register(z.globalRegistry, { id: 'NewPortalLink' });
export type NewPortalLink = z.infer<typeof NewPortalLink>;

export const PortalLink = z
  .object(() => ({
    id: PortalLinkId,
    projectId: z.string(),
    contactId: z.string(),
    contactName: z.string(),
    createdBy: z.string(),
    createdAt: Instant,
    expiresAt: Instant,
    revokedAt: Instant.optional(),
    revokedBy: z.string().optional(),
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'PortalLink' });
export type PortalLink = z.infer<typeof PortalLink>;

export type PortalLinkStatus = 'active' | 'revoked' | 'expired';

export function linkStatus(link: Pick<PortalLink, 'revokedAt' | 'expiresAt'>, now: string): PortalLinkStatus {
  if (link.revokedAt) return 'revoked';
  return toMillis(link.expiresAt) <= toMillis(now) ? 'expired' : 'active';
}

/** A delivery owner shares their own project; managers and admins any. */
export function assertMayShare(actor: Actor, project: Pick<Project, 'id' | 'ownerId'>): void {
  if (hasRole(actor, 'admin', 'manager')) return;
  if (hasRole(actor, 'delivery') && project.ownerId === actor.userId) return;
  throw new Forbidden(
    `project ${project.id} is delivered by ${project.ownerId}: only they, managers and admins share it with the customer`,
  );
}

/**
 * A contact who may see and act on the project as its customer: its main stakeholder, or a
 * contact of its customer's company. 422 naming `path` otherwise.
 */
export function assertOfCustomer(
  project: Pick<Project, 'customer'>,
  contact: Pick<Contact, 'id' | 'companyId'> | undefined,
  contactId: string,
  path: string,
): asserts contact {
  if (!contact) throw new ValidationFailed([{ path, message: `contact ${contactId} does not exist` }]);
  const { mainStakeholderContactId, companyId } = project.customer;
  if (contact.id === mainStakeholderContactId) return;
  if (companyId && contact.companyId === companyId) return;
  throw new ValidationFailed([
    {
      path,
      message: companyId
        ? `contact ${contactId} is neither the project's main stakeholder nor a contact of its customer ${companyId}`
        : `contact ${contactId} is not the project's main stakeholder (the project names no customer company)`,
    },
  ]);
}

export interface LinkDecision {
  link: PortalLink;
  log: ProjectLogEntry;
  events: DomainEvent[];
}

/** A new link for a contact of the customer; its id is minted by the caller (the secret goes with it). */
export function createPortalLink(
  project: Project,
  contact: Contact | undefined,
  input: NewPortalLink,
  linkId: string,
  ctx: CommandContext,
): LinkDecision {
  assertMayShare(ctx.actor, project);
  assertOfCustomer(project, contact, input.contactId, 'contactId');
  if (project.status === 'cancelled' || project.status === 'done')
    throw new Conflict(`project ${project.id} is ${project.status}: it is not shared any more`, {
      projectStatus: project.status,
    });
  const expiresAt = input.expiresAt ?? addDays(ctx.now, DEFAULT_LINK_DAYS);
  if (toMillis(expiresAt) <= toMillis(ctx.now))
    throw new ValidationFailed([{ path: 'expiresAt', message: 'must be in the future' }]);
  if (toMillis(expiresAt) > toMillis(addDays(ctx.now, MAX_LINK_DAYS)))
    throw new ValidationFailed([
      { path: 'expiresAt', message: `a link lives at most ${MAX_LINK_DAYS} days: make a new one then` },
    ]);
  const link: PortalLink = {
    id: linkId,
    projectId: project.id,
    contactId: contact.id,
    contactName: displayName(contact),
    createdBy: ctx.actor.userId,
    createdAt: ctx.now,
    expiresAt,
    version: 1,
  };
  return {
    link,
    log: projectLogEntry(ctx, project.id, 'portal-link-created', {
      contactId: link.contactId,
      contactName: link.contactName,
    }),
    events: [
      emit(ctx, 'PortalLinkCreated', {
        linkId: link.id,
        projectId: project.id,
        contactId: link.contactId,
        expiresAt,
        createdBy: ctx.actor.userId,
      }),
    ],
  };
}

/** Revokes a link: it and every session made with it stop at once (each request reads the link). */
export function revokePortalLink(project: Project, link: PortalLink, ctx: CommandContext): LinkDecision {
  assertMayShare(ctx.actor, project);
  if (link.revokedAt) throw new Conflict(`portal link ${link.id} was revoked already, at ${link.revokedAt}`);
  const revoked: PortalLink = {
    ...link,
    revokedAt: ctx.now,
    revokedBy: ctx.actor.userId,
    version: link.version + 1,
  };
  return {
    link: revoked,
    log: projectLogEntry(ctx, project.id, 'portal-link-revoked', {
      contactId: link.contactId,
      contactName: link.contactName,
    }),
    events: [
      emit(ctx, 'PortalLinkRevoked', {
        linkId: link.id,
        projectId: project.id,
        contactId: link.contactId,
        revokedBy: ctx.actor.userId,
      }),
    ],
  };
}
