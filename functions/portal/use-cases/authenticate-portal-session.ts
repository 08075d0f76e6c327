import type { PortalViewer } from '../../../domain/portal/customer-actions.js';
import { linkStatus } from '../../../domain/portal/portal-link.js';
import { secondsBetween, toMillis } from '../../../domain/shared/time.js';
import { tooManyAttempts, unauthorized } from '../../lib/http/problem.js';
import { parseSessionToken, secretMatches, sourceKey } from '../../lib/portal/secrets.js';
import type { Services } from '../../lib/services.js';
import { failureWindow, MAX_FAILURES_PER_WINDOW } from '../../lib/table/entities/portal.js';

// Every portal request with a session (docs/architecture.md, decision 18): the token's link,
// session and its source's count of wrong tokens are read in one BatchGetItem; the secret is
// compared with the session's stored hash in constant time; the link is checked on every request,
// so a revoked or expired link stops its sessions at once. A wrong token is counted against its
// source; a source over the limit is refused (429) until its window ends, even with a right token.

/** Refuses a source over its limit of wrong tokens, until its window ends. */
export function refuseThrottled(failures: number, now: string): void {
  if (failures < MAX_FAILURES_PER_WINDOW) return;
  throw tooManyAttempts(
    'too many wrong portal tokens from your network: wait a few minutes, then open your link again',
    secondsBetween(now, failureWindow(now).end),
  );
}

/** A wrong token: counted against its source, then refused (401, saying no more than that). */
export async function refuseWrong(
  s: Pick<Services, 'portal'>,
  source: string,
  now: string,
  what: string,
): Promise<never> {
  await s.portal.countFailure(source, now);
  throw unauthorized(`${what} is not valid: open the link you were sent again`);
}

export async function authenticatePortalSession(
  s: Pick<Services, 'portal'>,
  token: string | undefined,
  sourceIp: string,
  now: string,
): Promise<PortalViewer & { viewedAt?: string }> {
  if (!token)
    throw unauthorized('a portal session is needed: open the link you were sent (POST /portal/sessions)');
  const source = sourceKey(sourceIp);
  const parsed = parseSessionToken(token);
  if (!parsed) {
    refuseThrottled(await s.portal.failures(source, now), now);
    return refuseWrong(s, source, now, 'this portal session');
  }
  const { link, session, failures } = await s.portal.access(parsed.linkId, parsed.sessionId, source, now);
  refuseThrottled(failures, now);
  // the secret is compared first and always, whatever else is missing
  const matches = secretMatches(parsed.secret, session?.secretHash);
  if (!matches || !session || !link || session.linkId !== link.id)
    return refuseWrong(s, source, now, 'this portal session');
  const status = linkStatus(link, now);
  if (status === 'revoked')
    throw unauthorized('the link to this project was revoked: ask your contact at the company for a new one');
  if (status === 'expired')
    throw unauthorized(
      `the link to this project expired on ${link.expiresAt.slice(0, 10)}: ask for a new one`,
    );
  if (toMillis(session.validUntil) <= toMillis(now))
    throw unauthorized('this portal session has ended: open your link again');
  return {
    linkId: link.id,
    sessionId: session.id,
    projectId: link.projectId,
    contactId: link.contactId,
    contactName: link.contactName,
    ...(session.viewedAt ? { viewedAt: session.viewedAt } : {}),
  };
}
