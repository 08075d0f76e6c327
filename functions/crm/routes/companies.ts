import { Company, CompanyPatch, NewCompany } from '../../../domain/crm/company.js';
import { TimelineEntry } from '../../../domain/crm/timeline.js';
import { Tag } from '../../../domain/shared/text.js';
import * as z from '../../../domain/shared/zod.js';
import { canManage, canRead, canSell } from '../../lib/http/access.js';
import { DetachQuery, idParams, listQuery, listScope } from '../../lib/http/params.js';
import { created, noContent, ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { createCompany } from '../use-cases/create-company.js';
import { deleteCompany } from '../use-cases/delete-company.js';
import { updateCompany } from '../use-cases/update-company.js';

const gone = { 410: 'the company was merged into another (`mergedInto` names it)' } as const;

export function companyRoutes(
  s: Pick<Services, 'activities' | 'companies' | 'contacts' | 'deals' | 'duplicates' | 'projects' | 'store'>,
): Routes {
  return {
    'POST /companies': route({
      tag: 'Companies',
      summary: 'Add a company',
      roles: canSell,
      body: NewCompany,
      customFields: { entity: 'company', mode: 'create' },
      response: { status: 201, schema: Company },
      handle: async ({ body, ctx, preconditions }) => {
        const company = await createCompany(s, body, { ctx, preconditions });
        return created(company, company.version);
      },
    }),
    'GET /companies': route({
      tag: 'Companies',
      summary: 'List companies by name, optionally by name prefix or tag',
      roles: canRead,
      query: listQuery({ q: z.string().min(1).max(100).optional(), tag: Tag.optional() }),
      response: { status: 200, schema: Company, list: true },
      handle: async (req) =>
        req.list(
          await s.companies.list(req.query, await req.page(listScope(req.query))),
          listScope(req.query),
        ),
    }),
    'GET /companies/{id}': route({
      tag: 'Companies',
      summary: 'Read a company',
      roles: canRead,
      params: idParams('company'),
      problems: gone,
      response: { status: 200, schema: Company },
      handle: async ({ params }) => {
        const company = await s.companies.require(params.id);
        return ok(company, company.version);
      },
    }),
    'PATCH /companies/{id}': route({
      tag: 'Companies',
      summary: 'Change a company (JSON merge patch; null clears a field)',
      roles: canSell,
      params: idParams('company'),
      body: CompanyPatch,
      customFields: { entity: 'company', mode: 'patch' },
      conditional: true,
      problems: gone,
      response: { status: 200, schema: Company },
      handle: async ({ params, body, ...input }) => {
        const company = await updateCompany(s, params.id, body, input);
        return ok(company, company.version);
      },
    }),
    'GET /companies/{id}/timeline': route({
      tag: 'Companies',
      summary:
        "A company's history, newest first: its deals' changes and every activity on its deals and contacts",
      roles: canRead,
      params: idParams('company'),
      query: listQuery({}),
      problems: gone,
      response: { status: 200, schema: TimelineEntry, list: true },
      handle: async (req) =>
        req.list(
          await s.activities.recordTimeline('company', req.params.id, await req.page(), () =>
            s.companies.require(req.params.id),
          ),
        ),
    }),
    'DELETE /companies/{id}': route({
      tag: 'Companies',
      summary:
        'Delete a company no contact, deal or project refers to; admins may clear contact and deal links first (detach=true)',
      roles: canManage,
      params: idParams('company'),
      query: DetachQuery,
      conditional: true,
      problems: { ...gone, 409: 'records still refer to it: the detail counts them' },
      response: { status: 204 },
      handle: async ({ params, query, ...input }) => {
        await deleteCompany(s, params.id, input, { detach: query.detach === 'true' });
        return noContent();
      },
    }),
  };
}
