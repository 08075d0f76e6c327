import {
  Deal,
  DealPatch,
  DealStatus,
  LeadSource,
  LoseDeal,
  MoveDeal,
  NewDeal,
  ReopenDeal,
  SetNextAction,
  SnoozeDeal,
} from '../../../domain/crm/deal.js';
import { DealRanges, DealSort } from '../../../domain/crm/deal-list.js';
import { PipelineId, StageId } from '../../../domain/crm/pipeline.js';
import { TimelineEntry } from '../../../domain/crm/timeline.js';
import { WinDeal } from '../../../domain/handoff/requirements.js';
import { BadRequest, ValidationFailed } from '../../../domain/shared/errors.js';
import { idSchema, UserId } from '../../../domain/shared/ids.js';
import { Tag } from '../../../domain/shared/text.js';
import * as z from '../../../domain/shared/zod.js';
import { overdueDeals } from '../../followup/use-cases/overdue-deals.js';
import { canAdminister, canRead, canSell } from '../../lib/http/access.js';
import { idParams, listQuery, listScope } from '../../lib/http/params.js';
import { created, noContent, ok, type Routes, route } from '../../lib/http/route.js';
import { sortedPage } from '../../lib/http/sorted-page.js';
import type { Services } from '../../lib/services.js';
import { createDeal } from '../use-cases/create-deal.js';
import { deleteDeal } from '../use-cases/delete-deal.js';
import { loseDeal } from '../use-cases/lose-deal.js';
import { moveDeal } from '../use-cases/move-deal.js';
import { reopenDeal } from '../use-cases/reopen-deal.js';
import { setNextAction } from '../use-cases/set-next-action.js';
import { snoozeDeal } from '../use-cases/snooze-deal.js';
import { updateDeal } from '../use-cases/update-deal.js';
import { winDeal } from '../use-cases/win-deal.js';

const params = idParams('deal');

export function dealRoutes(
  s: Pick<
    Services,
    | 'activities'
    | 'companies'
    | 'contacts'
    | 'dealReasons'
    | 'deals'
    | 'followups'
    | 'leadRouting'
    | 'lineItems'
    | 'pipelines'
    | 'productTotals'
    | 'profiles'
    | 'projects'
    | 'store'
  >,
): Routes {
  return {
    'GET /deals/{id}/timeline': route({
      tag: 'Deals',
      summary:
        "A deal's history, newest first: created, moved, next actions set (and completed, as done tasks), won, lost, reopened, and its notes and activities",
      roles: canRead,
      params,
      query: listQuery({}),
      response: { status: 200, schema: TimelineEntry, list: true },
      handle: async (req) =>
        req.list(
          await s.activities.recordTimeline('deal', req.params.id, await req.page(), () =>
            s.deals.require(req.params.id),
          ),
        ),
    }),
    'POST /deals': route({
      tag: 'Deals',
      summary: 'Open a deal; it needs an owner (or a lead-routing rule that gives it one) and a next action',
      roles: canSell,
      body: NewDeal,
      customFields: { entity: 'deal', mode: 'create' },
      response: { status: 201, schema: Deal },
      handle: async ({ body, ctx, preconditions }) => {
        const deal = await createDeal(s, body, { ctx, preconditions });
        return created(deal, deal.version);
      },
    }),
    'GET /deals': route({
      tag: 'Deals',
      summary:
        'List deals by title words, tag, pipeline and stage, owner, company, contact, lead source or status; sorted, or bounded by expected close and value',
      description:
        '`q` finds deals whose title has words starting with each of its words (accent- and case-folded, any order), ordered by the matching word; the other filters narrow it. ' +
        '`sort` orders by expected close, value (in one `currency`), last activity or stage age; `expectedCloseFrom`/`expectedCloseTo` and `valueMin`/`valueMax` (minor units, with `currency`) bound the list, inclusive. ' +
        'Without `status`, a sorted or bounded list merges open, won and lost deals in one order.',
      roles: canRead,
      query: listQuery({
        q: z.string().max(200).optional(),
        pipelineId: PipelineId.optional(),
        stageId: StageId.optional(),
        ownerId: UserId.optional(),
        status: DealStatus.optional(),
        companyId: idSchema('company').optional(),
        contactId: idSchema('contact').optional(),
        tag: Tag.optional(),
        leadSource: LeadSource.optional(),
        overdue: z.enum(['true', 'false']).optional(),
        sort: DealSort.optional(),
        ...DealRanges.shape,
      }),
      response: { status: 200, schema: Deal, list: true },
      handle: async (req) => {
        const { limit: _l, cursor: _c, overdue, ...filter } = req.query;
        if (overdue === 'true') {
          const { ownerId, ...others } = filter;
          if (Object.values(others).some((v) => v !== undefined)) {
            throw new BadRequest('overdue=true combines with ownerId only', {
              errors: [{ path: 'overdue', message: 'combines with ownerId only' }],
            });
          }
          const deals = await overdueDeals(s, req.ctx.now, ownerId);
          return sortedPage(req, `overdue|${ownerId ?? '*'}`, deals, (d) => d.id);
        }
        const plan = asQueryProblem(() => s.deals.plan(filter));
        return req.list(await s.deals.page(plan, await req.page(listScope(filter))), listScope(filter));
      },
    }),
    'GET /deals/{id}': route({
      tag: 'Deals',
      summary: 'Read a deal with its stage history',
      roles: canRead,
      params,
      response: { status: 200, schema: Deal },
      handle: async ({ params }) => {
        const deal = await s.deals.require(params.id);
        return ok(deal, deal.version);
      },
    }),
    'PATCH /deals/{id}': route({
      tag: 'Deals',
      summary: 'Change deal fields; reassigning the owner is for managers',
      roles: canSell,
      params,
      body: DealPatch,
      customFields: { entity: 'deal', mode: 'patch' },
      conditional: true,
      response: { status: 200, schema: Deal },
      handle: async ({ params, body, ...input }) => {
        const deal = await updateDeal(s, params.id, body, input);
        return ok(deal, deal.version);
      },
    }),
    'POST /deals/{id}/move': route({
      tag: 'Deals',
      summary: 'Move an open deal to another stage of its pipeline',
      roles: canSell,
      params,
      body: MoveDeal,
      conditional: true,
      response: { status: 200, schema: Deal },
      handle: async ({ params, body, ...input }) => {
        const deal = await moveDeal(s, params.id, body.stageId, input);
        return ok(deal, deal.version);
      },
    }),
    'PUT /deals/{id}/next-action': route({
      tag: 'Deals',
      summary: 'Set the next action; completeCurrent records the current one as done first',
      roles: canSell,
      params,
      body: SetNextAction,
      conditional: true,
      response: { status: 200, schema: Deal },
      handle: async ({ params, body, ...input }) => {
        const deal = await setNextAction(s, params.id, body, input);
        return ok(deal, deal.version);
      },
    }),
    'POST /deals/{id}/won': route({
      tag: 'Deals',
      summary: 'Close a deal as won, with every fact delivery needs (a 422 names each one missing)',
      roles: canSell,
      params,
      body: WinDeal,
      rawBody: true,
      conditional: true,
      response: { status: 200, schema: Deal },
      handle: async ({ params, body, ...input }) => {
        const deal = await winDeal(s, params.id, body, input);
        return ok(deal, deal.version);
      },
    }),
    'POST /deals/{id}/lost': route({
      tag: 'Deals',
      summary:
        'Close a deal as lost, with the reason (one of the workspace\'s lost reasons, or "other" with a detail)',
      roles: canSell,
      params,
      body: LoseDeal,
      conditional: true,
      response: { status: 200, schema: Deal },
      handle: async ({ params, body, ...input }) => {
        const deal = await loseDeal(s, params.id, body, input);
        return ok(deal, deal.version);
      },
    }),
    'DELETE /deals/{id}': route({
      tag: 'Deals',
      summary:
        'Delete a deal entered by mistake (admins): its report totals reversed, its activities kept, a project made from it kept and marked',
      description:
        'For a deal that should never have existed; a deal that was really lost is closed as lost (it counts in the win rate). Emits `DealDeleted`.',
      roles: canAdminister,
      params,
      conditional: true,
      response: { status: 204 },
      handle: async ({ params, ...input }) => {
        await deleteDeal(s, params.id, input);
        return noContent();
      },
    }),
    'POST /deals/{id}/snooze': route({
      tag: 'Deals',
      summary: "Silence a deal's overdue and stall flags until a future instant, with a reason",
      roles: canSell,
      params,
      body: SnoozeDeal,
      conditional: true,
      response: { status: 200, schema: Deal },
      handle: async ({ params, body, ...input }) => {
        const deal = await snoozeDeal(s, params.id, body, input);
        return ok(deal, deal.version);
      },
    }),
    'POST /deals/{id}/reopen': route({
      tag: 'Deals',
      summary: 'Reopen a won or lost deal with a next action; won again, it updates its project',
      roles: canSell,
      params,
      body: ReopenDeal,
      conditional: true,
      response: { status: 200, schema: Deal },
      handle: async ({ params, body, ...input }) => {
        const deal = await reopenDeal(s, params.id, body, input);
        return ok(deal, deal.version);
      },
    }),
  };
}

/** A list filter no index answers is a bad query (400), named as the planner named it. */
function asQueryProblem<T>(plan: () => T): T {
  try {
    return plan();
  } catch (error) {
    if (error instanceof ValidationFailed) throw new BadRequest(error.message, { errors: error.issues });
    throw error;
  }
}
