import { Activity, ActivityPatch, NewActivity } from '../../../domain/crm/activity.js';
import { idSchema, UserId } from '../../../domain/shared/ids.js';
import { canRead, canSell } from '../../lib/http/access.js';
import { idParams, listQuery, listScope } from '../../lib/http/params.js';
import { created, ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { logActivity } from '../use-cases/log-activity.js';
import { updateActivity } from '../use-cases/update-activity.js';

export function activityRoutes(s: Services): Routes {
  return {
    'POST /activities': route({
      tag: 'Activities',
      summary: 'Log a call, email, meeting, task or note on a deal and/or a contact',
      roles: canSell,
      body: NewActivity,
      problems: { 404: 'the deal the activity names does not exist' },
      response: { status: 201, schema: Activity },
      handle: async ({ body, ctx }) => {
        const activity = await logActivity(s, body, { ctx });
        return created(activity, activity.version);
      },
    }),
    'GET /activities': route({
      tag: 'Activities',
      summary: "List a deal's, a contact's or an owner's activities (default: yours)",
      roles: canRead,
      query: listQuery({
        dealId: idSchema('deal').optional(),
        contactId: idSchema('contact').optional(),
        ownerId: UserId.optional(),
      }),
      response: { status: 200, schema: Activity, list: true },
      handle: async (req) => {
        const { limit: _l, cursor: _c, ...filter } = req.query;
        const effective = { ...filter, ownerId: filter.ownerId ?? req.actor.userId };
        const scope = listScope(effective);
        return req.list(await s.activities.list(effective, await req.page(scope)), scope);
      },
    }),
    'GET /activities/{id}': route({
      tag: 'Activities',
      summary: 'Read an activity',
      roles: canRead,
      params: idParams('activity'),
      response: { status: 200, schema: Activity },
      handle: async ({ params }) => {
        const activity = await s.activities.require(params.id);
        return ok(activity, activity.version);
      },
    }),
    'PATCH /activities/{id}': route({
      tag: 'Activities',
      summary: 'Change an activity or mark it done',
      roles: canSell,
      params: idParams('activity'),
      body: ActivityPatch,
      conditional: true,
      response: { status: 200, schema: Activity },
      handle: async ({ params, body, ...input }) => {
        const activity = await updateActivity(s, params.id, body, input);
        return ok(activity, activity.version);
      },
    }),
  };
}
