import { Profile, ProfilePatch } from '../../../domain/people/profile.js';
import { canRead } from '../../lib/http/access.js';
import { ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { updateProfile } from '../use-cases/update-profile.js';

export function meRoutes(s: Pick<Services, 'profiles' | 'store'>): Routes {
  return {
    'GET /me': route({
      tag: 'People',
      summary: 'Your profile, made from your token the first time you used the API',
      roles: canRead,
      response: { status: 200, schema: Profile },
      handle: async ({ actor, ctx }) => {
        await s.profiles.ensure(actor, ctx.now);
        const profile = await s.profiles.require(actor.userId);
        return ok(profile, profile.version);
      },
    }),
    'PATCH /me': route({
      tag: 'People',
      summary:
        'Change your name or time zone (IANA, e.g. Europe/Berlin): the digest arrives at its hour in yours',
      roles: canRead,
      body: ProfilePatch,
      conditional: true,
      response: { status: 200, schema: Profile },
      handle: async ({ body, ...input }) => {
        const profile = await updateProfile(s, body, input);
        return ok(profile, profile.version);
      },
    }),
  };
}
