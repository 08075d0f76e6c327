import { revokePortalLink as decide, type PortalLink } from '../../../domain/portal/portal-link.js';
import { NotFound } from '../../../domain/shared/errors.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { publicLink } from '../../lib/table/entities/portal.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Revokes a portal link (DELETE /projects/{id}/portal-links/{linkId}): it and its sessions stop at once. */
export function revokePortalLink(
  s: Pick<Services, 'projects' | 'portal' | 'store'>,
  projectId: string,
  linkId: string,
  { ctx, ifMatch }: CommandInput,
): Promise<PortalLink> {
  return versionedCommand({
    ifMatch,
    entity: 'portal link',
    load: async () => {
      const [project, link] = await Promise.all([s.projects.require(projectId), s.portal.link(linkId)]);
      if (!link || link.projectId !== projectId) throw new NotFound('portal link', linkId);
      return { project, link };
    },
    target: ({ link }) => link,
    run: async ({ project, link }) => {
      const decision = decide(project, publicLink(link), ctx);
      const uow = new UnitOfWork().events(decision.events);
      s.portal.revokeLink(uow, link, decision.link);
      s.portal.log(uow, decision.log);
      await uow.commit(s.store);
      return decision.link;
    },
  });
}
