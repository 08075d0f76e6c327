import { NewPipeline, Pipeline, PipelineId, PipelinePatch } from '../../../domain/crm/pipeline.js';
import * as z from '../../../domain/shared/zod.js';
import { canManage, canRead } from '../../lib/http/access.js';
import { listQuery } from '../../lib/http/params.js';
import { created, ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { createPipeline } from '../use-cases/create-pipeline.js';
import { updatePipeline } from '../use-cases/update-pipeline.js';

const params = z.strictObject(() => ({ id: PipelineId }));

export function pipelineRoutes(s: Pick<Services, 'pipelines' | 'store'>): Routes {
  return {
    'POST /pipelines': route({
      tag: 'Pipelines',
      summary: 'Create a pipeline with ordered stages',
      roles: canManage,
      body: NewPipeline,
      response: { status: 201, schema: Pipeline },
      handle: async ({ body, ctx }) => {
        const pipeline = await createPipeline(s, body, { ctx });
        return created(pipeline, pipeline.version);
      },
    }),
    'GET /pipelines': route({
      tag: 'Pipelines',
      summary: 'List pipelines, the default first',
      roles: canRead,
      query: listQuery({}),
      response: { status: 200, schema: Pipeline, list: true },
      handle: async (req) => {
        const page = await req.page(); // a bad cursor is refused before anything is written
        await s.pipelines.ensureDefault(req.ctx.now);
        return req.list(await s.pipelines.list(page));
      },
    }),
    'GET /pipelines/{id}': route({
      tag: 'Pipelines',
      summary: 'Read a pipeline and its stages',
      roles: canRead,
      params,
      response: { status: 200, schema: Pipeline },
      handle: async ({ params, ctx }) => {
        await s.pipelines.ensureDefault(ctx.now);
        const pipeline = await s.pipelines.require(params.id);
        return ok(pipeline, pipeline.version);
      },
    }),
    'PATCH /pipelines/{id}': route({
      tag: 'Pipelines',
      summary: 'Rename, re-weight, reorder or add stages (stages are never removed)',
      roles: canManage,
      params,
      body: PipelinePatch,
      conditional: true,
      response: { status: 200, schema: Pipeline },
      handle: async ({ params, body, ...input }) => {
        const pipeline = await updatePipeline(s, params.id, body, input);
        return ok(pipeline, pipeline.version);
      },
    }),
  };
}
