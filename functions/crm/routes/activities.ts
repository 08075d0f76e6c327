import { Activity, ActivityPatch, NewActivity } from '../../../domain/crm/activity.js';
import { BadRequest } from '../../../domain/shared/errors.js';
import { idSchema, UserId } from '../../../domain/shared/ids.js';
import { Instant } from '../../../domain/shared/time.js';
import * as z from '../../../domain/shared/zod.js';
import { canRead, canSell } from '../../lib/http/access.js';
import { idParams, listQuery, listScope } from '../../lib/http/params.js';
import { created, noContent, ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { deleteActivity } from '../use-cases/delete-activity.js';
import { logActivity } from '../use-cases/log-activity.js';
import { updateActivity } from '../use-cases/update-activity.js';

export function activityRoutes(
  s: Pick<Services, 'activities' | 'contacts' | 'deals' | 'profiles' | 'store'>,
): Routes {
  return {
    'POST /activities': route({
      tag: 'Activities',
      summary:
        'Log a call, email, meeting, task or note on a deal and/or a contact; a task has a due time and an assignee (default: you)',
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
      summary:
        "List a deal's, a contact's or an author's activities (default: yours), or a person's CRM tasks (assigneeId, done, dueBefore)",
      description:
        '`assigneeId` lists the CRM tasks assigned to someone by due time; `done=false` only the open ones, `dueBefore` only those due before that instant. It combines with neither dealId, contactId nor ownerId.',
      roles: canRead,
      query: listQuery({
        dealId: idSchema('deal').optional(),
        contactId: idSchema('contact').optional(),
        ownerId: UserId.optional(),
        assigneeId: UserId.optional(),
        done: z.enum(['true', 'false']).optional(),
        dueBefore: Instant.optional(),
      }),
      response: { status: 200, schema: Activity, list: true },
      handle: async (req) => {
        const { limit: _l, cursor: _c, assigneeId, done, dueBefore, ...filter } = req.query;
        if (assigneeId === undefined && (done !== undefined || dueBefore !== undefined)) {
          const path = done !== undefined ? 'done' : 'dueBefore';
          throw new BadRequest(`${path} filters a person's CRM tasks: give assigneeId too`, {
            errors: [{ path, message: 'needs assigneeId' }],
          });
        }
        if (assigneeId !== undefined) {
          const other = Object.entries(filter).find(([, v]) => v !== undefined);
          if (other) {
            throw new BadRequest(`assigneeId does not combine with ${other[0]}`, {
              errors: [{ path: other[0], message: 'does not combine with assigneeId' }],
            });
          }
          const query = { assigneeId, done, dueBefore };
          const scope = listScope(query);
          const tasks = await s.activities.assigned(
            assigneeId,
            { done: done === undefined ? undefined : done === 'true', dueBefore },
            await req.page(scope),
          );
          return req.list(tasks, scope);
        }
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
    'DELETE /activities/{id}': route({
      tag: 'Activities',
      summary: 'Delete an activity: its author, a task’s assignee or a manager; it leaves every timeline',
      roles: canSell,
      params: idParams('activity'),
      conditional: true,
      response: { status: 204 },
      handle: async ({ params, ...input }) => {
        await deleteActivity(s, params.id, input);
        return noContent();
      },
    }),
    'PATCH /activities/{id}': route({
      tag: 'Activities',
      summary: 'Change an activity, mark it done or undone, or reassign a task (to an active user)',
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
