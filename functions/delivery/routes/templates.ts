import { NewTemplate, Template, TemplatePatch } from '../../../domain/delivery/template.js';
import { canDeliver, canRead } from '../../lib/http/access.js';
import { idParams, listQuery } from '../../lib/http/params.js';
import { created, ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { createTemplate } from '../use-cases/create-template.js';
import { updateTemplate } from '../use-cases/update-template.js';

export function templateRoutes(s: Pick<Services, 'profiles' | 'store' | 'templates'>): Routes {
  return {
    'POST /templates': route({
      tag: 'Templates',
      summary:
        'Create a kickoff template (a cycle, or an anchor to a missing task, is refused with its path)',
      roles: canDeliver,
      body: NewTemplate,
      response: { status: 201, schema: Template },
      handle: async ({ body, ctx }) => {
        const template = await createTemplate(s, body, { ctx });
        return created(template, template.version);
      },
    }),
    'GET /templates': route({
      tag: 'Templates',
      summary: 'List templates, the default first',
      roles: canRead,
      query: listQuery({}),
      response: { status: 200, schema: Template, list: true },
      handle: async (req) => {
        await s.templates.ensureDefault(req.ctx.now);
        return req.list(await s.templates.list(await req.page()));
      },
    }),
    'GET /templates/{id}': route({
      tag: 'Templates',
      summary: 'Read a template',
      roles: canRead,
      params: idParams('template'),
      response: { status: 200, schema: Template },
      handle: async ({ params, ctx }) => {
        await s.templates.ensureDefault(ctx.now);
        const template = await s.templates.require(params.id);
        return ok(template, template.version);
      },
    }),
    'PATCH /templates/{id}': route({
      tag: 'Templates',
      summary: 'Change a template: a new version (projects keep the version they were made from)',
      roles: canDeliver,
      params: idParams('template'),
      body: TemplatePatch,
      conditional: true,
      response: { status: 200, schema: Template },
      handle: async ({ params, body, ...input }) => {
        const template = await updateTemplate(s, params.id, body, input);
        return ok(template, template.version);
      },
    }),
  };
}
