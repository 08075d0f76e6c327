import type { SegmentFilter } from '../crm/segment.js';
import { type DomainEvent, emit } from '../events.js';
import { type CommandContext, hasRole } from '../shared/context.js';
import { Forbidden } from '../shared/errors.js';
import {
  type ExportJob,
  type ImportJob,
  type ImportJobState,
  type NewExport,
  type NewImport,
  NO_ROWS,
} from './jobs.js';

/** An import waits for its file; the importer's roles decide, row by row, what it may write. */
export function requestImport(input: NewImport, ctx: CommandContext): ImportJobState {
  if (!hasRole(ctx.actor, 'admin', 'manager', 'sales'))
    throw new Forbidden('your role may not import records');
  return {
    id: ctx.newId('import'),
    kind: input.kind,
    onDuplicate: input.onDuplicate,
    ...(input.fileName ? { fileName: input.fileName } : {}),
    status: 'waiting-for-upload',
    rows: NO_ROWS,
    createdAt: ctx.now,
    createdBy: ctx.actor.userId,
    updatedAt: ctx.now,
    version: 1,
    actor: ctx.actor,
    attempt: 0,
  };
}

export function requestExport(
  input: NewExport,
  filter: SegmentFilter,
  ctx: CommandContext,
): { job: ExportJob & { actor: CommandContext['actor']; attempt: number }; events: DomainEvent[] } {
  const job = {
    id: ctx.newId('export'),
    kind: input.kind,
    ...(input.segmentId ? { segmentId: input.segmentId } : {}),
    filter,
    status: 'queued' as const,
    rows: 0,
    truncated: false,
    createdAt: ctx.now,
    createdBy: ctx.actor.userId,
    updatedAt: ctx.now,
    version: 1,
    actor: ctx.actor,
    attempt: 0,
  };
  return {
    job,
    events: [
      emit(ctx, 'ExportRequested', {
        exportId: job.id,
        kind: job.kind,
        segmentId: input.segmentId ?? null,
        filter,
      }),
    ],
  };
}

/** A job is its maker's; managers and admins see everyone's. */
export function assertMaySee(ctx: CommandContext, job: Pick<ImportJob, 'id' | 'createdBy'>): void {
  if (job.createdBy === ctx.actor.userId || hasRole(ctx.actor, 'admin', 'manager')) return;
  throw new Forbidden(`${job.id} belongs to ${job.createdBy}`);
}
