import type { IdKind } from './ids.js';
import type { Instant } from './time.js';
import * as z from './zod.js';

export const ROLES = ['admin', 'manager', 'sales', 'delivery'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Who asked for a change: the token's subject and groups, or a named system process. */
export const Actor = z.object(() => ({
  userId: z.string(),
  email: z.string().optional(),
  roles: z.array(Role),
}));
export type Actor = z.infer<typeof Actor>;

export function system(name: string): Actor {
  return { userId: `system:${name}`, roles: ['admin'] };
}

/** How a customer acting through the portal is named on events and the timeline. */
export const contactActor = (contactId: string) => `contact:${contactId}`;

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return actor.roles.some((r) => roles.includes(r));
}

/**
 * Everything a domain command needs from the outside world, passed in so the domain stays
 * pure: the instant it runs at, who asked, how to mint ids, and the correlation id that every
 * event of the same request carries.
 */
export interface CommandContext {
  now: Instant;
  actor: Actor;
  correlationId: string;
  newId(kind: IdKind): string;
  newEventId(): string;
}
