import { Company } from '../../../domain/crm/company.js';
import { Contact } from '../../../domain/crm/contact.js';
import { DuplicatePair, MergeCompanies, MergeContacts } from '../../../domain/crm/duplicates.js';
import { canManage, canRead } from '../../lib/http/access.js';
import { idParams, listQuery } from '../../lib/http/params.js';
import { ok, type Reply, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { MergeUnfinished, mergeCompanyInto, mergeContactInto } from '../use-cases/merge-records.js';

// Likely duplicates and merging them (docs/api.md, "Duplicates and merging").

/** Time one request spends moving linked records before it answers "in progress" (the function has 10 s). */
export const MERGE_BUDGET_MS = 6_000;

async function merging(run: () => Promise<{ body: unknown; version: number }>): Promise<Reply> {
  try {
    const { body, version } = await run();
    return ok(body, version);
  } catch (error) {
    if (!(error instanceof MergeUnfinished)) throw error;
    return { status: 202, body: { status: 'in-progress', detail: error.message, moved: error.moved } };
  }
}

const mergeDescription =
  'Moves everything linked to the duplicate to this record, then retires the duplicate: it answers 410 naming this one. ' +
  'Safe to repeat: a merge that had more to move than one request allows answers 202 (`in-progress`); send it again to finish.';

export function duplicateRoutes(
  s: Pick<Services, 'activities' | 'companies' | 'contacts' | 'deals' | 'duplicates' | 'projects' | 'store'>,
): Routes {
  return {
    'GET /contacts/duplicates': route({
      tag: 'Contacts',
      summary: 'Likely duplicate contacts: the same mailbox, or the same name at the same company',
      roles: canRead,
      query: listQuery({}),
      response: { status: 200, schema: DuplicatePair, list: true },
      handle: async (req) => req.list(await s.duplicates.list('contact', await req.page())),
    }),
    'POST /contacts/{id}/merge': route({
      tag: 'Contacts',
      summary: 'Merge a duplicate contact into this one (managers, admins)',
      description: mergeDescription,
      roles: canManage,
      params: idParams('contact'),
      body: MergeContacts,
      conditional: true,
      problems: { 410: 'this contact, or the duplicate, was merged into another (`mergedInto` names it)' },
      response: { status: 200, schema: Contact },
      handle: ({ params, body, ctx, ifMatch }) =>
        merging(async () => {
          const { contact } = await mergeContactInto(
            s,
            params.id,
            body.duplicateId,
            ctx,
            Date.now() + MERGE_BUDGET_MS,
            ifMatch,
          );
          return { body: contact, version: contact.version };
        }),
    }),
    'GET /companies/duplicates': route({
      tag: 'Companies',
      summary: 'Likely duplicate companies: the same domain, or the same name without its legal form',
      roles: canRead,
      query: listQuery({}),
      response: { status: 200, schema: DuplicatePair, list: true },
      handle: async (req) => req.list(await s.duplicates.list('company', await req.page())),
    }),
    'POST /companies/{id}/merge': route({
      tag: 'Companies',
      summary: 'Merge a duplicate company into this one (managers, admins)',
      description: mergeDescription,
      roles: canManage,
      params: idParams('company'),
      body: MergeCompanies,
      conditional: true,
      problems: { 410: 'this company, or the duplicate, was merged into another (`mergedInto` names it)' },
      response: { status: 200, schema: Company },
      handle: ({ params, body, ctx, ifMatch }) =>
        merging(async () => {
          const { company } = await mergeCompanyInto(
            s,
            params.id,
            body.duplicateId,
            ctx,
            Date.now() + MERGE_BUDGET_MS,
            ifMatch,
          );
          return { body: company, version: company.version };
        }),
    }),
  };
}
