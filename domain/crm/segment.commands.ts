import { type DomainEvent, emit } from '../events.js';
import type { CommandContext } from '../shared/context.js';
import { ValidationFailed } from '../shared/errors.js';
import {
  assertMayChangeSegment,
  inapplicable,
  type NewSegment,
  type Segment,
  type SegmentPatch,
} from './segment.js';

type Decision = { segment: Segment; events: DomainEvent[] };

/** The filter as stored: the attributes named, each once (refused when one does not apply). */
function checkedFilter(entity: Segment['entity'], filter: Record<string, unknown>): Record<string, string> {
  const issues = inapplicable(entity, filter);
  if (issues.length) throw new ValidationFailed(issues);
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
}

export function createSegment(input: NewSegment, ctx: CommandContext): Decision {
  const segment: Segment = {
    id: ctx.newId('segment'),
    name: input.name,
    entity: input.entity,
    filter: checkedFilter(input.entity, input.filter),
    createdAt: ctx.now,
    updatedAt: ctx.now,
    createdBy: ctx.actor.userId,
    version: 1,
  };
  return { segment, events: [emit(ctx, 'SegmentCreated', { segment })] };
}

export function updateSegment(current: Segment, patch: SegmentPatch, ctx: CommandContext): Decision {
  assertMayChangeSegment(ctx.actor, current);
  const segment: Segment = {
    ...current,
    ...(patch.name ? { name: patch.name } : {}),
    ...(patch.filter ? { filter: checkedFilter(current.entity, patch.filter) } : {}),
    updatedAt: ctx.now,
    version: current.version + 1,
  };
  return { segment, events: [emit(ctx, 'SegmentUpdated', { segment })] };
}

export function deleteSegment(current: Segment, ctx: CommandContext): DomainEvent[] {
  assertMayChangeSegment(ctx.actor, current);
  return [emit(ctx, 'SegmentDeleted', { segmentId: current.id })];
}
