import type { PortalViewer } from '../../../domain/portal/customer-actions.js';
import { NotFound } from '../../../domain/shared/errors.js';
import { attachmentKey } from '../../lib/files/file-keys.js';
import type { Services } from '../../lib/services.js';

/**
 * A short-lived link to a file shared with the session's project (GET /portal/files/{id}): 404
 * for any file not shared with it, as if it did not exist.
 */
export async function downloadSharedFile(
  s: Pick<Services, 'portal' | 'attachments' | 'files'>,
  viewer: PortalViewer,
  attachmentId: string,
  now: string,
): Promise<{
  name: string;
  contentType: string;
  size: number;
  download: { url: string; expiresAt: string };
}> {
  const shared = (await s.portal.files(viewer.projectId)).find((f) => f.attachmentId === attachmentId);
  if (!shared) throw new NotFound('file', attachmentId);
  const attachment = await s.attachments.require(attachmentId).catch(() => undefined);
  if (attachment?.status !== 'stored') throw new NotFound('file', attachmentId);
  const files = await s.files();
  const { kind, id } = attachment.parent;
  return {
    name: attachment.name,
    contentType: attachment.contentType,
    size: attachment.size,
    download: await files.downloadLink(
      attachmentKey(kind, id, attachment.id),
      attachment.name,
      Date.parse(now),
    ),
  };
}
