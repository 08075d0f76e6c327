import type { Actor } from '../shared/context.js';
import { text } from '../shared/text.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';

// The people who use Handoff, as their tokens describe them. A profile is made the first time
// someone calls the API, so tasks can be assigned and digests addressed only to real users.

// The IANA zones are read from ICU on first use: a few milliseconds a function that checks none skips.
let zones: Set<string> | undefined;
function isTimeZone(name: string): boolean {
  zones ??= new Set(Intl.supportedValuesOf('timeZone'));
  return zones.has(name);
}

export const TimeZone = z
  .string()
  .refine((tz) => tz === 'UTC' || isTimeZone(tz), { error: 'must be an IANA time zone, e.g. Europe/Berlin' });

export const Profile = z
  .object(() => ({
    id: z.string(),
    email: z.string().optional(),
    name: z.string().optional(),
    timeZone: z.string(),
    roles: z.array(z.string()),
    /** Only active people can own deals, be assigned tasks or be a routing target. */
    active: z.boolean().default(true),
    deactivatedAt: Instant.optional(),
    createdAt: Instant,
    updatedAt: Instant,
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'Profile' });
export type Profile = z.infer<typeof Profile>;

export const ProfilePatch = z
  .strictObject(() => ({ name: text(200).optional(), timeZone: TimeZone.optional() }))
  .refine((p) => Object.keys(p).length > 0, { error: 'name at least one field to change' });

/** An admin's change to someone's standing: deactivate a person who left, or bring them back. */
export const UserPatch = z.strictObject(() => ({ active: z.boolean() }));

export function profileFromToken(actor: Actor, now: string): Profile {
  return {
    id: actor.userId,
    ...(actor.email ? { email: actor.email } : {}),
    timeZone: 'UTC',
    roles: actor.roles,
    active: true,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}
