import { TimeEntry, TimeEntryPatch } from '../../../domain/delivery/project.js';
import { canDeliver } from '../../lib/http/access.js';
import { idParams } from '../../lib/http/params.js';
import { noContent, ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { correctTimeEntry, deleteTimeEntry } from '../use-cases/correct-time-entry.js';

/** Logged time, corrected or deleted by its author or a manager (logging is on the task). */
export function timeEntryRoutes(s: Pick<Services, 'projects' | 'store'>): Routes {
  return {
    'PATCH /time-entries/{id}': route({
      tag: 'Time',
      summary: "Correct logged time (its author, a manager or an admin); the project's totals follow",
      roles: canDeliver,
      params: idParams('timeEntry'),
      body: TimeEntryPatch,
      conditional: true,
      response: { status: 200, schema: TimeEntry },
      handle: async ({ params, body, ...input }) => {
        const entry = await correctTimeEntry(s, params.id, body, input);
        return ok(entry, entry.version);
      },
    }),
    'DELETE /time-entries/{id}': route({
      tag: 'Time',
      summary: "Delete logged time (its author, a manager or an admin); the project's totals follow",
      roles: canDeliver,
      params: idParams('timeEntry'),
      conditional: true,
      response: { status: 204 },
      handle: async ({ params, ...input }) => {
        await deleteTimeEntry(s, params.id, input);
        return noContent();
      },
    }),
  };
}
