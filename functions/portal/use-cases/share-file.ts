import { shareFile as decide, type SharedFile } from '../../../domain/portal/shared-file.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';

/** Shares one of the project's files with its customer (PUT /projects/{id}/portal-files/{attachmentId}). */
export async function shareFile(
  s: Pick<Services, 'projects' | 'attachments' | 'portal' | 'store'>,
  projectId: string,
  attachmentId: string,
  { ctx }: CommandInput,
): Promise<SharedFile> {
  const [{ project, tasks }, attachment] = await Promise.all([
    s.projects.load(projectId),
    s.attachments.require(attachmentId),
  ]);
  const file = decide(ctx.actor, project, new Set(tasks.map((t) => t.id)), attachment, ctx.now);
  await s.portal.share(new UnitOfWork(), file).commit(s.store);
  return file;
}
