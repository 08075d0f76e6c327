import { linkStatus, PORTAL_SESSION_SECONDS } from '../../../domain/portal/portal-link.js';
import type { CommandContext } from '../../../domain/shared/context.js';
import { secondsBetween, toMillis } from '../../../domain/shared/time.js';
import { unauthorized } from '../../lib/http/problem.js';
import {
  hashSecret,
  newSecret,
  parseLinkToken,
  secretMatches,
  sessionToken,
  sourceKey,
} from '../../lib/portal/secrets.js';
import type { Services } from '../../lib/services.js';
import { refuseThrottled, refuseWrong } from './authenticate-portal-session.js';

export interface StartedSession {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  expiresAt: string;
}

/**
 * A link token exchanged for a short-lived portal session (POST /portal/sessions): the link
 * must be known, its secret right (compared in constant time), and it neither revoked nor
 * expired. The session lasts PORTAL_SESSION_SECONDS, never past its link's end.
 */
export async function startPortalSession(
  s: Pick<Services, 'portal'>,
  token: string,
  sourceIp: string,
  ctx: CommandContext,
): Promise<StartedSession> {
  const now = ctx.now;
  const source = sourceKey(sourceIp);
  const parsed = parseLinkToken(token);
  if (!parsed) {
    refuseThrottled(await s.portal.failures(source, now), now);
    return refuseWrong(s, source, now, 'this link');
  }
  const { link, failures } = await s.portal.access(parsed.linkId, undefined, source, now);
  refuseThrottled(failures, now);
  if (!secretMatches(parsed.secret, link?.secretHash) || !link)
    return refuseWrong(s, source, now, 'this link');
  const status = linkStatus(link, now);
  if (status === 'revoked')
    throw unauthorized('this link was revoked: ask your contact at the company for a new one');
  if (status === 'expired')
    throw unauthorized(
      `this link expired on ${link.expiresAt.slice(0, 10)}: ask your contact at the company for a new one`,
    );
  const end = Math.min(toMillis(now) + PORTAL_SESSION_SECONDS * 1000, toMillis(link.expiresAt));
  const validUntil = new Date(end).toISOString();
  const secret = newSecret();
  const id = ctx.newId('portalSession');
  await s.portal.startSession({
    id,
    linkId: link.id,
    projectId: link.projectId,
    contactId: link.contactId,
    contactName: link.contactName,
    secretHash: hashSecret(secret),
    createdAt: now,
    validUntil,
  });
  return {
    accessToken: sessionToken(link.id, id, secret),
    tokenType: 'Bearer',
    expiresIn: secondsBetween(now, validUntil),
    expiresAt: validUntil,
  };
}
