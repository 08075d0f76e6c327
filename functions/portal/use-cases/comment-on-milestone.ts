import type { TaskComment } from '../../../domain/delivery/project.js';
import { commentOnMilestone as decide, type PortalViewer } from '../../../domain/portal/customer-actions.js';
import type { CommandContext } from '../../../domain/shared/context.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';

/** The customer comments on a milestone they see (POST /portal/milestones/{taskId}/comments). */
export async function commentOnMilestone(
  s: Pick<Services, 'projects' | 'portal' | 'store'>,
  viewer: PortalViewer,
  taskId: string,
  body: string,
  ctx: CommandContext,
): Promise<TaskComment> {
  const { tasks } = await s.projects.load(viewer.projectId);
  const { comment, log, events } = decide(tasks, viewer, taskId, body, ctx);
  const uow = new UnitOfWork().events(events);
  s.projects.addComment(uow, viewer.projectId, comment);
  s.portal.log(uow, log);
  await uow.commit(s.store);
  return comment;
}
