import * as z from 'zod';
import { createSegment, deleteSegment, updateSegment } from '../../domain/crm/segment.commands.js';
import { NewSegment, Segment, SegmentId, SegmentPatch } from '../../domain/crm/segment.js';
import type { Role } from '../../domain/shared/context.js';
import { ValidationFailed } from '../../domain/shared/errors.js';
import { expectVersion, mutate } from '../lib/command.js';
import { listQuery } from '../lib/http/params.js';
import { created, noContent, ok, type Routes, route } from '../lib/http/route.js';
import type { Services } from '../lib/services.js';
import { UnitOfWork } from '../lib/table/unit-of-work.js';

// Segments (docs/api.md, "Segments"): saved filters that anyone may run as a list. A filter is
// planned as a Query when it is saved, so one that no index can answer is refused then, with the
// reason, and never becomes a scan later.

const READ: readonly Role[] = ['admin', 'manager', 'sales', 'delivery'];
const WRITE: readonly Role[] = ['admin', 'manager', 'sales'];
const params = z.strictObject({ id: SegmentId });

/** The filter must run as a Query: the repositories' plan decides, its refusal names `filter.*`. */
function assertPlannable(s: Services, segment: Segment): void {
  try {
    s.segments.plan(segment);
  } catch (error) {
    if (error instanceof ValidationFailed)
      throw new ValidationFailed(error.issues.map((i) => ({ ...i, path: `filter.${i.path}` })));
    const reason = (error as { extensions?: { errors?: { path: string; message: string }[] } }).extensions
      ?.errors;
    if (reason) throw new ValidationFailed(reason.map((i) => ({ ...i, path: `filter.${i.path}` })));
    throw error;
  }
}

export function segmentRoutes(s: Services): Routes {
  return {
    'POST /segments': route({
      tag: 'Segments',
      summary: 'Save a filter over contacts, companies or deals (indexed attributes only)',
      roles: WRITE,
      body: NewSegment,
      response: { status: 201, schema: Segment },
      handle: async ({ body, ctx }) => {
        const { segment, events } = createSegment(body, ctx);
        assertPlannable(s, segment);
        await s.segments.create(new UnitOfWork(), segment).events(events).commit(s.store);
        return created(segment, segment.version);
      },
    }),
    'GET /segments': route({
      tag: 'Segments',
      summary: 'The saved segments, by name',
      roles: READ,
      query: listQuery({}),
      response: { status: 200, schema: Segment, list: true },
      handle: async (req) => req.list(await s.segments.list(await req.page())),
    }),
    'GET /segments/{id}': route({
      tag: 'Segments',
      summary: 'Read a segment',
      roles: READ,
      params,
      response: { status: 200, schema: Segment },
      handle: async ({ params }) => {
        const segment = await s.segments.require(params.id);
        return ok(segment, segment.version);
      },
    }),
    'GET /segments/{id}/members': route({
      tag: 'Segments',
      summary: 'Run a segment: its contacts, companies or deals as they are now, paged',
      roles: READ,
      params,
      query: listQuery({}),
      response: { status: 200, schema: z.unknown(), list: true, description: 'contacts, companies or deals' },
      handle: async (req) => {
        const segment = await s.segments.require(req.params.id);
        // the cursor is bound to the filter it was issued for: an edited segment starts over
        const scope = JSON.stringify(segment.filter);
        return req.list(await s.segments.members(segment, await req.page(scope)), scope);
      },
    }),
    'PATCH /segments/{id}': route({
      tag: 'Segments',
      summary: 'Rename a segment or change its filter (its maker, managers, admins)',
      roles: WRITE,
      params,
      body: SegmentPatch,
      conditional: true,
      response: { status: 200, schema: Segment },
      handle: async ({ params, body, ctx, ifMatch }) => {
        const segment = await mutate(ifMatch, async () => {
          const current = await s.segments.require(params.id);
          expectVersion(ifMatch, 'segment', current);
          const { segment, events } = updateSegment(current, body, ctx);
          assertPlannable(s, segment);
          await s.segments.update(new UnitOfWork(), current, segment).events(events).commit(s.store);
          return segment;
        });
        return ok(segment, segment.version);
      },
    }),
    'DELETE /segments/{id}': route({
      tag: 'Segments',
      summary: 'Delete a segment (its maker, managers, admins)',
      roles: WRITE,
      params,
      conditional: true,
      response: { status: 204 },
      handle: async ({ params, ctx, ifMatch }) => {
        await mutate(ifMatch, async () => {
          const current = await s.segments.require(params.id);
          expectVersion(ifMatch, 'segment', current);
          const events = deleteSegment(current, ctx);
          await s.segments.remove(new UnitOfWork(), current).events(events).commit(s.store);
        });
        return noContent();
      },
    }),
  };
}
