import { assertMayShare } from '../../../domain/portal/portal-link.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';

/** The file is no longer shown to the customer (DELETE /projects/{id}/portal-files/{attachmentId}). */
export async function unshareFile(
  s: Pick<Services, 'projects' | 'portal' | 'store'>,
  projectId: string,
  attachmentId: string,
  { ctx }: CommandInput,
): Promise<void> {
  assertMayShare(ctx.actor, await s.projects.require(projectId));
  await s.portal.unshare(new UnitOfWork(), projectId, attachmentId).commit(s.store);
}
