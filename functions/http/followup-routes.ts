import * as z from 'zod';
import { byLateness, FollowUp, followUpId, isSnoozed } from '../../domain/followup/followups.js';
import { updateProfile } from '../../domain/people/profile.commands.js';
import { Profile, ProfilePatch } from '../../domain/people/profile.js';
import { hasRole, type Role } from '../../domain/shared/context.js';
import { Forbidden } from '../../domain/shared/errors.js';
import { UserId } from '../../domain/shared/ids.js';
import { expectVersion, mutate } from '../lib/command.js';
import { listQuery } from '../lib/http/params.js';
import { ok, type RouteRequest, type Routes, route } from '../lib/http/route.js';
import type { Services } from '../lib/services.js';
import type { Page } from '../lib/table/repositories/page.js';
import { UnitOfWork } from '../lib/table/unit-of-work.js';

// Follow-up enforcement, on demand: what is late for a person (or, for managers, the whole
// team), most late first; the caller's own profile; and the overdue deals list.

const READ: readonly Role[] = ['admin', 'manager', 'sales', 'delivery'];
const Kind = z.enum(['overdue-next-action', 'overdue-task', 'stalled-deal', 'missing-handoff']);

/** Pages a computed, sorted list: the cursor names the last item shown, signed like any other. */
async function pageAfter<T>(
  req: RouteRequest<unknown, unknown, unknown>,
  scope: string,
  sorted: T[],
  idOf: (t: T) => string,
) {
  const { limit, startKey } = await req.page(scope);
  const after = startKey?.after as string | undefined;
  const start = after ? sorted.findIndex((t) => idOf(t) === after) + 1 : 0;
  const items = sorted.slice(start, start + limit);
  const page: Page<T> = {
    items,
    ...(start + limit < sorted.length ? { lastKey: { after: idOf(items.at(-1)!) } } : {}),
  };
  return req.list(page, scope);
}

/** GET /deals?overdue=true: open deals whose next action is past due, from the due index. */
export async function overdueDeals(
  s: Services,
  req: RouteRequest<unknown, { ownerId?: string | undefined }, unknown>,
) {
  const now = req.ctx.now;
  const { items } = await s.followups.dueBy(now);
  const deals = items.deals
    .filter((d) => d.status === 'open' && d.nextAction && !isSnoozed(d, now))
    .filter((d) => !req.query.ownerId || d.ownerId === req.query.ownerId)
    .sort((a, b) => a.nextAction!.dueAt.localeCompare(b.nextAction!.dueAt) || a.id.localeCompare(b.id));
  return pageAfter(req as never, `overdue|${req.query.ownerId ?? '*'}`, deals, (d) => d.id);
}

export function followUpRoutes(s: Services): Routes {
  return {
    'GET /followups': route({
      tag: 'Follow-ups',
      summary:
        'What is late: overdue next actions and tasks, stalled deals, won deals without a project; most late first',
      description:
        'Yours by default. Managers and admins may ask for anyone (`ownerId`) or the whole team (`team=true`). Snoozed deals are left out until their snooze ends.',
      roles: READ,
      query: listQuery({
        ownerId: UserId.optional(),
        team: z.enum(['true', 'false']).optional(),
        kind: Kind.optional(),
      }),
      response: { status: 200, schema: FollowUp, list: true },
      handle: async (req) => {
        const manager = hasRole(req.actor, 'admin', 'manager');
        const team = req.query.team === 'true';
        const ownerId = req.query.ownerId ?? req.actor.userId;
        if ((team || ownerId !== req.actor.userId) && !manager) {
          throw new Forbidden("only managers and admins see other people's follow-ups");
        }
        const now = req.ctx.now;
        const [overdue, stalled, missing] = await Promise.all([
          s.followups.overdue(now),
          s.followups.stalled(now),
          s.followups.missingHandoffs(now, s.settings.handoffGraceMinutes),
        ]);
        const all = [...overdue.items, ...stalled.items, ...missing.items]
          .filter((f) => team || f.ownerId === ownerId)
          .filter((f) => !req.query.kind || f.kind === req.query.kind)
          .sort(byLateness);
        return pageAfter(req as never, `${team ? '*' : ownerId}|${req.query.kind ?? ''}`, all, followUpId);
      },
    }),
    'GET /me': route({
      tag: 'People',
      summary: 'Your profile, made from your token the first time you used the API',
      roles: READ,
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
      roles: READ,
      body: ProfilePatch,
      conditional: true,
      response: { status: 200, schema: Profile },
      handle: async ({ actor, body, ctx, ifMatch }) => {
        await s.profiles.ensure(actor, ctx.now);
        const profile = await mutate(ifMatch, async () => {
          const current = await s.profiles.require(actor.userId);
          expectVersion(ifMatch, 'profile', current);
          const { profile, events } = updateProfile(current, body, ctx);
          if (events.length)
            await s.profiles.update(new UnitOfWork(), current, profile).events(events).commit(s.store);
          return profile;
        });
        return ok(profile, profile.version);
      },
    }),
  };
}
