import { type DomainEvent, emit } from '../events.js';
import type { CommandContext } from '../shared/context.js';
import { Conflict, ValidationFailed } from '../shared/errors.js';
import {
  type AttachableKind,
  type Attachment,
  assertMayDeleteAttachment,
  type NewAttachment,
} from './attachment.js';

// An attachment is asked for (a pending record and a signed upload link), then completed once the
// file is in the bucket with the size it was signed for (AttachmentAdded), and deleted by its
// uploader or a manager (AttachmentDeleted).

export function requestAttachment(
  parent: { kind: AttachableKind; id: string },
  input: NewAttachment,
  ctx: CommandContext,
): Attachment {
  return {
    id: ctx.newId('attachment'),
    parent,
    name: input.name,
    contentType: input.contentType,
    size: input.size,
    status: 'pending',
    uploadedBy: ctx.actor.userId,
    createdAt: ctx.now,
    version: 1,
  };
}

/** The file as stored (its size, or none yet): a stored attachment, or why not. */
export function completeAttachment(
  current: Attachment,
  stored: { size: number } | undefined,
  ctx: CommandContext,
): { attachment: Attachment; events: DomainEvent[] } | null {
  if (current.status === 'stored') return null;
  if (!stored) throw new Conflict(`attachment ${current.id} has no file yet: upload it to its link first`);
  if (stored.size !== current.size) {
    // S3 refuses a body of another length than the one signed; this is a second line of defence
    throw new ValidationFailed([
      { path: 'size', message: `the file has ${stored.size} bytes; ${current.size} were announced` },
    ]);
  }
  const attachment: Attachment = {
    ...current,
    status: 'stored',
    storedAt: ctx.now,
    version: current.version + 1,
  };
  return { attachment, events: [emit(ctx, 'AttachmentAdded', { attachment })] };
}

export function deleteAttachment(current: Attachment, ctx: CommandContext): DomainEvent[] {
  assertMayDeleteAttachment(ctx.actor, current);
  return [emit(ctx, 'AttachmentDeleted', { attachment: current, deletedBy: ctx.actor.userId })];
}
