import type { Attachment } from '../attachments/attachment.js';
import type { Project } from '../delivery/project.js';
import type { Actor } from '../shared/context.js';
import { ValidationFailed } from '../shared/errors.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';
import { assertMayShare } from './portal-link.js';

// A file shared with the customer: one of the project's attachments (its own, a task's, or its
// deal's) that its delivery owner chose to show in the portal. Sharing is a choice per file;
// nothing attached to a project is shown by default.

export const SharedFile = z
  .object(() => ({
    attachmentId: z.string(),
    projectId: z.string(),
    name: z.string(),
    contentType: z.string(),
    size: z.int(),
    sharedBy: z.string(),
    sharedAt: Instant,
  }))
  .register(z.globalRegistry, { id: 'SharedFile' });
export type SharedFile = z.infer<typeof SharedFile>;

/** Whether an attachment belongs to the project: on it, on one of its tasks, or on the deal it delivers. */
export function isProjectFile(
  project: Pick<Project, 'id' | 'dealId'>,
  taskIds: Set<string>,
  attachment: Pick<Attachment, 'parent'>,
): boolean {
  const { kind, id } = attachment.parent;
  return (
    (kind === 'project' && id === project.id) ||
    (kind === 'task' && taskIds.has(id)) ||
    (kind === 'deal' && project.dealId === id)
  );
}

export function shareFile(
  actor: Actor,
  project: Project,
  taskIds: Set<string>,
  attachment: Attachment,
  now: string,
): SharedFile {
  assertMayShare(actor, project);
  if (attachment.status !== 'stored' || !isProjectFile(project, taskIds, attachment))
    throw new ValidationFailed([
      {
        path: 'attachmentId',
        message: `attachment ${attachment.id} is not a file of project ${project.id} (its own, a task's or its deal's)`,
      },
    ]);
  return {
    attachmentId: attachment.id,
    projectId: project.id,
    name: attachment.name,
    contentType: attachment.contentType,
    size: attachment.size,
    sharedBy: actor.userId,
    sharedAt: now,
  };
}
