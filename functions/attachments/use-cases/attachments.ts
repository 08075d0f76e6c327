import {
  completeAttachment as decideComplete,
  deleteAttachment as decideDelete,
  requestAttachment,
} from '../../../domain/attachments/attachment.commands.js';
import type { AttachableKind, Attachment, NewAttachment } from '../../../domain/attachments/attachment.js';
import { projectIdForDeal } from '../../../domain/shared/ids.js';
import type { CommandInput } from '../../lib/command-input.js';
import { attachmentKey } from '../../lib/files/file-keys.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

// Attachments, from asking for an upload link to deleting the file. The table holds the record;
// the bucket the file, under attachments/<kind>/<record>/<id>. The upload link is signed for the
// file's type and exact size, so S3 itself refuses any other file.

/** The record must exist (404 naming it): a deal, contact, company, project or task. */
async function requireRecord(
  s: Pick<Services, 'companies' | 'contacts' | 'deals' | 'projects'>,
  kind: AttachableKind,
  id: string,
): Promise<void> {
  if (kind === 'deal') await s.deals.require(id);
  else if (kind === 'contact') await s.contacts.require(id);
  else if (kind === 'company') await s.companies.require(id);
  else if (kind === 'project') await s.projects.require(id);
  else await s.projects.requireTask(id);
}

const keyOf = (a: Attachment) => attachmentKey(a.parent.kind, a.parent.id, a.id);

export async function attachFile(
  s: Pick<Services, 'attachments' | 'companies' | 'contacts' | 'deals' | 'files' | 'projects' | 'store'>,
  parent: { kind: AttachableKind; id: string },
  body: NewAttachment,
  { ctx }: CommandInput,
) {
  await requireRecord(s, parent.kind, parent.id);
  const attachment = requestAttachment(parent, body, ctx);
  const files = await s.files();
  const upload = await files.signedUploadLink(keyOf(attachment), attachment, Date.parse(ctx.now));
  await s.attachments.create(new UnitOfWork(), attachment).commit(s.store);
  return { attachment, upload: { method: 'PUT' as const, ...upload } };
}

/** Confirms the upload: the file must be in the bucket with the size signed for. */
export function completeAttachment(
  s: Pick<Services, 'attachments' | 'files' | 'store'>,
  id: string,
  { ctx, ifMatch }: CommandInput,
): Promise<Attachment> {
  return versionedCommand({
    ifMatch,
    entity: 'attachment',
    load: () => s.attachments.require(id),
    run: async (current) => {
      const size = await (await s.files()).storedSize(keyOf(current));
      const decision = decideComplete(current, size === undefined ? undefined : { size }, ctx);
      if (!decision) return current;
      await s.attachments
        .update(new UnitOfWork(), current, decision.attachment)
        .events(decision.events)
        .commit(s.store);
      return decision.attachment;
    },
  });
}

/** An attachment with a short-lived link to its file (none while the upload is pending). */
export async function readAttachment(s: Pick<Services, 'attachments' | 'files'>, id: string, now: string) {
  const attachment = await s.attachments.require(id);
  if (attachment.status !== 'stored') return { ...attachment, download: null };
  const files = await s.files();
  return {
    ...attachment,
    download: await files.downloadLink(keyOf(attachment), attachment.name, Date.parse(now)),
  };
}

/**
 * Deletes the file, then the record: a retry after a failure in between finds the record and
 * deletes the (already absent) file again, so nothing points at a file that is gone for long.
 */
export function deleteAttachment(
  s: Pick<Services, 'attachments' | 'files' | 'store'>,
  id: string,
  { ctx, ifMatch }: CommandInput,
): Promise<void> {
  return versionedCommand({
    ifMatch,
    entity: 'attachment',
    load: () => s.attachments.require(id),
    run: async (current) => {
      const events = decideDelete(current, ctx);
      await (await s.files()).remove(keyOf(current));
      await s.attachments.remove(new UnitOfWork(), current).events(events).commit(s.store);
    },
  });
}

/**
 * A record's stored attachments, newest first. A project made from a deal shows the deal's too:
 * the signed SOW follows the deal into delivery.
 */
export async function attachmentsOf(
  s: Pick<Services, 'attachments' | 'companies' | 'contacts' | 'deals' | 'projects'>,
  kind: AttachableKind,
  id: string,
): Promise<Attachment[]> {
  if (kind !== 'project') {
    await requireRecord(s, kind, id);
    return s.attachments.all(kind, id);
  }
  const project = await s.projects.require(id);
  const [own, fromDeal] = await Promise.all([
    s.attachments.all('project', id),
    project.dealId && projectIdForDeal(project.dealId) === id
      ? s.attachments.all('deal', project.dealId)
      : [],
  ]);
  return [...own, ...fromDeal].sort(
    (a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id),
  );
}
