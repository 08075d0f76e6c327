import { Profile, UserPatch } from '../../../domain/people/profile.js';
import { UserId } from '../../../domain/shared/ids.js';
import * as z from '../../../domain/shared/zod.js';
import { canAdminister, canRead } from '../../lib/http/access.js';
import { listQuery } from '../../lib/http/params.js';
import { ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { setUserActive } from '../use-cases/set-user-active.js';

// The team directory: everyone who has signed in (their profiles, made from their token on
// first use; docs/architecture.md, decision 14), so owners and assignees are picked from a list.

const params = z.strictObject(() => ({ id: UserId }));

export function userRoutes(s: Pick<Services, 'profiles' | 'store'>): Routes {
  return {
    'GET /users': route({
      tag: 'People',
      summary: 'The team: everyone who has signed in, with roles, time zone and whether they are active',
      description:
        'Owners, assignees and routing targets must be active users from this list. `active=true` lists only the people work can be given to.',
      roles: canRead,
      query: listQuery({ active: z.enum(['true', 'false']).optional() }),
      response: { status: 200, schema: Profile, list: true },
      handle: async (req) => {
        const active = req.query.active === undefined ? undefined : req.query.active === 'true';
        const scope = req.query.active ?? '';
        return req.list(await s.profiles.list(await req.page(scope), active), scope);
      },
    }),
    'GET /users/{id}': route({
      tag: 'People',
      summary: 'One person of the team',
      roles: canRead,
      params,
      response: { status: 200, schema: Profile },
      handle: async ({ params }) => {
        const profile = await s.profiles.require(params.id);
        return ok(profile, profile.version);
      },
    }),
    'PATCH /users/{id}': route({
      tag: 'People',
      summary:
        'Deactivate someone who left (or reactivate them): they can no longer be given deals, tasks or leads',
      description:
        "Their open deals and tasks stay theirs and appear in managers' `GET /followups` as `needs-reassignment` until reassigned. Revoke their sign-in in the identity provider too (docs/operations.md).",
      roles: canAdminister,
      params,
      body: UserPatch,
      conditional: true,
      response: { status: 200, schema: Profile },
      handle: async ({ params, body, ...input }) => {
        const profile = await setUserActive(s, params.id, body.active, input);
        return ok(profile, profile.version);
      },
    }),
  };
}
