import { httpApi } from '../lib/http/http-handler.js';
import type { Services } from '../lib/services.js';
import { portalRoutes } from './routes/portal.js';
import { authenticatePortalSession } from './use-cases/authenticate-portal-session.js';

/**
 * The portal's HTTP handler over its services: its routes, and the portal session check that
 * runs before every 'portal-session' route (docs/architecture.md, decision 18).
 */
export function portalHttpApi(
  services: Pick<
    Services,
    'attachments' | 'cursors' | 'files' | 'idempotency' | 'news' | 'portal' | 'projects' | 'store'
  >,
) {
  return httpApi(portalRoutes(services), () => ({
    ...services,
    portalSessions: {
      authenticate: (token: string | undefined, sourceIp: string, now: string) =>
        authenticatePortalSession(services, token, sourceIp, now),
    },
  }));
}
