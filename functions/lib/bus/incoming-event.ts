import type { EventBridgeEvent } from 'aws-lambda';
import { EVENTS, type EventData, type EventName } from '../../../domain/events.js';
import { type CommandContext, system } from '../../../domain/shared/context.js';
import { detailSchema, type EventDefinition } from '../../../domain/shared/event.js';
import { newEventId, newId } from '../../../domain/shared/ids.js';
import * as z from '../../../domain/shared/zod.js';
import { annotateCorrelation } from '../observability.js';

// Events arriving from the bus, checked against the catalog before a handler acts on them. An
// event of a version this code does not know, or that breaks its schema, is refused loudly
// (the invocation fails, and after its retries the event lands in the rule's dead-letter
// queue with the reason); it is never half-understood.

export class UnreadableEvent extends Error {
  override readonly name = 'UnreadableEvent';
}

export interface IncomingDetail<N extends EventName> {
  id: string;
  version: number;
  occurredAt: string;
  correlationId: string;
  actor: { userId: string; email?: string };
  data: EventData<N>;
}

export function readEvent<N extends EventName>(
  name: N,
  event: EventBridgeEvent<string, unknown>,
): IncomingDetail<N> {
  if (event['detail-type'] !== name)
    throw new UnreadableEvent(`expected ${name}, got ${event['detail-type']}`);
  const definition = EVENTS[name] as EventDefinition;
  const version = (event.detail as { version?: unknown } | null)?.version;
  if (version !== definition.version) {
    throw new UnreadableEvent(
      `${name} version ${String(version)} is not one this function reads (it reads version ${definition.version})`,
    );
  }
  const parsed = detailSchema(definition).safeParse(event.detail);
  if (!parsed.success)
    throw new UnreadableEvent(
      `${name} ${String((event.detail as { id?: unknown }).id)} breaks its schema: ${z.prettifyError(parsed.error)}`,
    );
  annotateCorrelation(parsed.data.correlationId);
  return parsed.data as IncomingDetail<N>;
}

/** The context of a command a bus event causes: the event's own time as now, its correlation. */
export function contextFor(detail: { correlationId: string }, now: string, process: string): CommandContext {
  return { now, actor: system(process), correlationId: detail.correlationId, newId, newEventId };
}
