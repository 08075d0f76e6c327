import { NewSegment, Segment, SegmentId, SegmentPatch } from '../../../domain/crm/segment.js';
import * as z from '../../../domain/shared/zod.js';
import { canRead, canSell } from '../../lib/http/access.js';
import { listQuery } from '../../lib/http/params.js';
import { created, noContent, ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { createSegment } from '../use-cases/create-segment.js';
import { deleteSegment } from '../use-cases/delete-segment.js';
import { fieldsFor } from '../use-cases/segment-plan.js';
import { updateSegment } from '../use-cases/update-segment.js';

// Segments (docs/api.md, "Segments"): saved filters that anyone may run as a list. A filter is
// planned as a Query when it is saved, so one that no index can answer is refused then, with the
// reason, and never becomes a scan later.

const params = z.strictObject(() => ({ id: SegmentId }));

export function segmentRoutes(s: Pick<Services, 'customFields' | 'segments' | 'store'>): Routes {
  return {
    'POST /segments': route({
      tag: 'Segments',
      summary: 'Save a filter over contacts, companies or deals (indexed attributes only)',
      roles: canSell,
      body: NewSegment,
      response: { status: 201, schema: Segment },
      handle: async ({ body, ctx }) => {
        const segment = await createSegment(s, body, { ctx });
        return created(segment, segment.version);
      },
    }),
    'GET /segments': route({
      tag: 'Segments',
      summary: 'The saved segments, by name',
      roles: canRead,
      query: listQuery({}),
      response: { status: 200, schema: Segment, list: true },
      handle: async (req) => req.list(await s.segments.list(await req.page())),
    }),
    'GET /segments/{id}': route({
      tag: 'Segments',
      summary: 'Read a segment',
      roles: canRead,
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
      roles: canRead,
      params,
      query: listQuery({}),
      response: { status: 200, schema: z.unknown(), list: true, description: 'contacts, companies or deals' },
      handle: async (req) => {
        const segment = await s.segments.require(req.params.id);
        // the cursor is bound to the filter it was issued for: an edited segment starts over
        const scope = JSON.stringify(segment.filter);
        const fields = await fieldsFor(s, segment);
        return req.list(await s.segments.members(segment, fields, await req.page(scope)), scope);
      },
    }),
    'PATCH /segments/{id}': route({
      tag: 'Segments',
      summary: 'Rename a segment or change its filter (its maker, managers, admins)',
      roles: canSell,
      params,
      body: SegmentPatch,
      conditional: true,
      response: { status: 200, schema: Segment },
      handle: async ({ params, body, ...input }) => {
        const segment = await updateSegment(s, params.id, body, input);
        return ok(segment, segment.version);
      },
    }),
    'DELETE /segments/{id}': route({
      tag: 'Segments',
      summary: 'Delete a segment (its maker, managers, admins)',
      roles: canSell,
      params,
      conditional: true,
      response: { status: 204 },
      handle: async ({ params, ...input }) => {
        await deleteSegment(s, params.id, input);
        return noContent();
      },
    }),
  };
}
