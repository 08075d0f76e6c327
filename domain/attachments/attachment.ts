import { type Actor, hasRole } from '../shared/context.js';
import { Forbidden } from '../shared/errors.js';
import { idSchema } from '../shared/ids.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';

// Files that follow the work: a signed SOW on the deal, a contract on the company, a plan on a
// task. The file itself goes to and from the private bucket through short-lived presigned links;
// the table keeps what people list (name, size, type, who, when). Limits are the model's: the
// size and types allowed here are the ones the upload link is signed for, so S3 refuses a file
// other than the one the API agreed to, not only the API.

export const AttachmentId = idSchema('attachment');
export const ATTACHABLE = ['deal', 'contact', 'company', 'project', 'task'] as const;
export const AttachableKind = z.enum(ATTACHABLE);
export type AttachableKind = z.infer<typeof AttachableKind>;

/** 25 MiB: a contract, a statement of work, a set of screenshots. */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

export const ATTACHMENT_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'text/plain',
  'text/csv',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/zip',
] as const;

export const NewAttachment = z
  .strictObject(() => ({
    name: z
      .string()
      .trim()
      .min(1, { error: 'must not be empty' })
      .max(200)
      .refine((n) => !/[/\\]/.test(n) && ![...n].some((c) => c.charCodeAt(0) < 32), {
        error: 'a file name, without slashes or control characters',
      }),
    contentType: z.enum(ATTACHMENT_TYPES, {
      error: `must be one of the accepted types: ${ATTACHMENT_TYPES.join(', ')}`,
    }),
    size: z
      .int()
      .min(1, { error: 'an empty file is not attached' })
      .max(MAX_ATTACHMENT_BYTES, { error: `a file is at most ${MAX_ATTACHMENT_BYTES} bytes (25 MiB)` }),
  }))
  .register(z.globalRegistry, { id: 'NewAttachment' });
export type NewAttachment = z.infer<typeof NewAttachment>;

export const Attachment = z
  .object(() => ({
    id: AttachmentId,
    parent: z.object(() => ({ kind: AttachableKind, id: z.string() })),
    name: z.string(),
    contentType: z.string(),
    size: z.int(),
    /** `pending` until the upload is confirmed (POST /attachments/{id}/complete); only stored ones are listed. */
    status: z.enum(['pending', 'stored']),
    uploadedBy: z.string(),
    createdAt: Instant,
    storedAt: Instant.optional(),
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'Attachment' });
export type Attachment = z.infer<typeof Attachment>;

/** Whoever reads the record may attach and download; its uploader, managers and admins delete. */
export function assertMayDeleteAttachment(actor: Actor, a: Pick<Attachment, 'id' | 'uploadedBy'>): void {
  if (a.uploadedBy === actor.userId || hasRole(actor, 'admin', 'manager')) return;
  throw new Forbidden(
    `attachment ${a.id} was added by ${a.uploadedBy}; only they, managers and admins delete it`,
  );
}
