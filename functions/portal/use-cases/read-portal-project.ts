import { emit } from '../../../domain/events.js';
import type { PortalViewer } from '../../../domain/portal/customer-actions.js';
import { type PortalProject, portalView } from '../../../domain/portal/portal-view.js';
import { projectLogEntry } from '../../../domain/portal/project-log.js';
import type { CommandContext } from '../../../domain/shared/context.js';
import type { Services } from '../../lib/services.js';

/** How many timeline entries the portal reads for its milestones' comments (the newest). */
const LOG_READ = 200;

/**
 * The session's project as the customer sees it (domain/portal/portal-view.ts). The first read
 * of each session is recorded once: PortalViewed, and an entry on the project's timeline.
 */
export async function readPortalProject(
  s: Pick<Services, 'projects' | 'portal' | 'attachments'>,
  viewer: PortalViewer & { viewedAt?: string },
  ctx: CommandContext,
): Promise<PortalProject> {
  const [{ project, tasks }, log, shared] = await Promise.all([
    s.projects.load(viewer.projectId),
    s.portal.latest(viewer.projectId, LOG_READ),
    s.portal.files(viewer.projectId),
  ]);
  const stored = shared.length
    ? await s.attachments.stillStored(shared.map((f) => f.attachmentId))
    : new Set();
  const view = portalView(
    project,
    tasks,
    viewer,
    log,
    shared.filter((f) => stored.has(f.attachmentId)),
    ctx.now.slice(0, 10),
  );
  if (!viewer.viewedAt) {
    await s.portal.firstView(
      viewer.sessionId,
      ctx.now,
      [
        emit(ctx, 'PortalViewed', {
          linkId: viewer.linkId,
          sessionId: viewer.sessionId,
          projectId: viewer.projectId,
          contactId: viewer.contactId,
          viewedAt: ctx.now,
        }),
      ],
      projectLogEntry(ctx, viewer.projectId, 'portal-viewed', {
        contactId: viewer.contactId,
        contactName: viewer.contactName,
      }),
    );
  }
  return view;
}
