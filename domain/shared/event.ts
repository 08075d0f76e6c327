import type { CommandContext } from './context.js';
import { Instant } from './time.js';
import * as z from './zod.js';

// The one envelope every event on the bus shares (docs/architecture.md, decision 8): `source` is the bounded
// context, `detail-type` the event name, and `detail` carries id, version, time, correlation,
// actor and the typed `data`.

export const SOURCES = ['handoff.crm', 'handoff.delivery', 'handoff.followup', 'handoff.webhooks'] as const;
export type Source = (typeof SOURCES)[number];

export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  source: Source;
  version: number;
  description: string;
  data: S;
}

export const EventActor = z.object(() => ({ userId: z.string(), email: z.string().optional() }));

export const Ulid = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, { error: 'must be a ULID' });

export function detailSchema<S extends z.ZodType>(definition: EventDefinition<S>) {
  return z.object(() => ({
    id: Ulid,
    version: z.literal(definition.version),
    occurredAt: Instant,
    correlationId: z.string().min(1),
    actor: EventActor,
    data: definition.data,
  }));
}

export interface EventDetail<D = unknown> {
  id: string;
  version: number;
  occurredAt: string;
  correlationId: string;
  actor: { userId: string; email?: string };
  data: D;
}

export interface Envelope<N extends string = string, D = unknown> {
  source: Source;
  detailType: N;
  detail: EventDetail<D>;
}

export function envelope<N extends string, S extends z.ZodType>(
  ctx: CommandContext,
  detailType: N,
  definition: EventDefinition<S>,
  data: z.input<S>,
): Envelope<N, z.output<S>> {
  return {
    source: definition.source,
    detailType,
    detail: {
      id: ctx.newEventId(),
      version: definition.version,
      occurredAt: ctx.now,
      correlationId: ctx.correlationId,
      actor: ctx.actor.email
        ? { userId: ctx.actor.userId, email: ctx.actor.email }
        : { userId: ctx.actor.userId },
      // Parsing here means an event that breaks its own published schema is never written.
      data: definition.data.parse(data),
    },
  };
}
