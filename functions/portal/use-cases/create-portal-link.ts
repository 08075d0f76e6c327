import { displayName } from '../../../domain/crm/contact.js';
import {
  createPortalLink as decide,
  type NewPortalLink,
  type PortalLink,
} from '../../../domain/portal/portal-link.js';
import { Conflict, ValidationFailed } from '../../../domain/shared/errors.js';
import type { CommandInput } from '../../lib/command-input.js';
import { logger } from '../../lib/logger.js';
import { hashSecret, linkToken, newSecret } from '../../lib/portal/secrets.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import type { PortalMailer } from '../portal-mail.js';

export interface CreatedPortalLink extends PortalLink {
  status: 'active';
  url: string;
  mailedTo: string | null;
}

/** Where the link opens: the console's portal page, the token in the fragment (never sent to a server). */
export const portalUrl = (appUrl: string | undefined, token: string) =>
  `${(appUrl ?? '').replace(/\/$/, '')}/portal#${token}`;

/**
 * Shares a project with a contact of its customer (POST /projects/{id}/portal-links): the link is
 * stored with its secret's hash only; the URL with the secret is answered once, here, and mailed
 * to the contact when asked (after the link is stored: a mail that fails leaves the link, and
 * the answer says it was not sent).
 */
export async function createPortalLink(
  s: Pick<Services, 'projects' | 'contacts' | 'portal' | 'store'>,
  projectId: string,
  body: NewPortalLink,
  { ctx }: CommandInput,
  delivery: { mailer: PortalMailer | undefined; appUrl: string | undefined },
): Promise<CreatedPortalLink> {
  if (body.send && !delivery.mailer)
    throw new Conflict(
      'this deployment sends no mail (it was deployed without digestFromEmail): copy the link from this answer and send it yourself',
    );
  const [project, contact] = await Promise.all([
    s.projects.require(projectId),
    s.contacts.get(body.contactId),
  ]);
  const { link, log, events } = decide(project, contact, body, ctx.newId('portalLink'), ctx);
  const email = contact?.emails[0];
  if (body.send && !email)
    throw new ValidationFailed([
      { path: 'send', message: `${displayName(contact!)} has no email address to send the link to` },
    ]);
  const secret = newSecret();
  const uow = new UnitOfWork().events(events);
  s.portal.createLink(uow, link, hashSecret(secret));
  s.portal.log(uow, log);
  s.contacts.requireExists(uow, link.contactId, 'contactId');
  await uow.commit(s.store);
  const url = portalUrl(delivery.appUrl, linkToken(link.id, secret));
  let mailedTo: string | null = null;
  if (body.send && email && delivery.mailer) {
    try {
      await delivery.mailer.send({
        to: email,
        contactName: link.contactName,
        projectName: project.name,
        url,
        expiresAt: link.expiresAt,
      });
      mailedTo = email;
    } catch (error) {
      logger.error('the portal link was made but its mail was not sent', error as Error);
    }
  }
  return { ...link, status: 'active', url, mailedTo };
}
