import * as z from 'zod';
import { logActivity, updateActivity } from '../../domain/crm/activity.commands.js';
import { Activity, ActivityPatch, NewActivity } from '../../domain/crm/activity.js';
import { createCompany, deleteCompany, updateCompany } from '../../domain/crm/company.commands.js';
import { Company, CompanyPatch, NewCompany } from '../../domain/crm/company.js';
import { createContact, deleteContact, updateContact } from '../../domain/crm/contact.commands.js';
import { Contact, ContactPatch, Email, NewContact } from '../../domain/crm/contact.js';
import {
  assertOpen,
  createDeal,
  loseDeal,
  moveDeal,
  reopenDeal,
  setNextAction,
  snoozeDeal,
  updateDeal,
  winDeal,
} from '../../domain/crm/deal.commands.js';
import {
  assertMayChangeDeal,
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
} from '../../domain/crm/deal.js';
import { createPipeline, updatePipeline } from '../../domain/crm/pipeline.commands.js';
import { NewPipeline, Pipeline, PipelineId, PipelinePatch, StageId } from '../../domain/crm/pipeline.js';
import { TimelineEntry } from '../../domain/crm/timeline.js';
import { DEFAULT_TEMPLATE_ID } from '../../domain/delivery/template.js';
import { WinDeal } from '../../domain/handoff/requirements.js';
import type { Role } from '../../domain/shared/context.js';
import { BadRequest, HandoffIncomplete, NotFound, ValidationFailed } from '../../domain/shared/errors.js';
import { idSchema, isId, UserId } from '../../domain/shared/ids.js';
import { Tag } from '../../domain/shared/text.js';
import { issuesOf } from '../../domain/shared/validation.js';
import { expectVersion, mutate } from '../lib/command.js';
import { idParams, listQuery } from '../lib/http/params.js';
import { created, noContent, ok, type Routes, route } from '../lib/http/route.js';
import type { Services } from '../lib/services.js';
import { keys } from '../lib/table/keys.js';
import { UnitOfWork } from '../lib/table/unit-of-work.js';
import { overdueDeals } from './followup-routes.js';

// The CRM routes (DESIGN.md, "The HTTP API"). Each handler parses nothing itself (the route's
// schemas did), asks the domain to decide, and writes the decision and its events in one
// transaction through the repositories.

const READ: readonly Role[] = ['admin', 'manager', 'sales', 'delivery'];
const WRITE: readonly Role[] = ['admin', 'manager', 'sales'];
const MANAGE: readonly Role[] = ['admin', 'manager'];

export function crmRoutes(s: Services): Routes {
  return {
    // ---------------------------------------------------------------- companies
    'POST /companies': route({
      tag: 'Companies',
      summary: 'Add a company',
      roles: WRITE,
      body: NewCompany,
      customFields: { entity: 'company', mode: 'create' },
      response: { status: 201, schema: Company },
      handle: async ({ body, ctx, preconditions }) => {
        const { company, events } = createCompany(body, ctx);
        await s.companies
          .create(new UnitOfWork(), company)
          .events(events)
          .add(...preconditions, ...(await s.duplicates.track('company', null, company, ctx.now)))
          .commit(s.store);
        return created(company, company.version);
      },
    }),
    'GET /companies': route({
      tag: 'Companies',
      summary: 'List companies by name, optionally by name prefix or tag',
      roles: READ,
      query: listQuery({ q: z.string().min(1).max(100).optional(), tag: Tag.optional() }),
      response: { status: 200, schema: Company, list: true },
      handle: async (req) =>
        req.list(await s.companies.list(req.query, await req.page(scope(req.query))), scope(req.query)),
    }),
    'GET /companies/{id}': route({
      tag: 'Companies',
      summary: 'Read a company',
      roles: READ,
      params: idParams('company'),
      problems: { 410: 'the company was merged into another (`mergedInto` names it)' },
      response: { status: 200, schema: Company },
      handle: async ({ params }) => {
        const company = await s.companies.require(params.id);
        return ok(company, company.version);
      },
    }),
    'PATCH /companies/{id}': route({
      tag: 'Companies',
      summary: 'Change a company (JSON merge patch; null clears a field)',
      roles: WRITE,
      params: idParams('company'),
      body: CompanyPatch,
      customFields: { entity: 'company', mode: 'patch' },
      conditional: true,
      problems: { 410: 'the company was merged into another (`mergedInto` names it)' },
      response: { status: 200, schema: Company },
      handle: async ({ params, body, ctx, ifMatch, preconditions }) => {
        const company = await mutate(ifMatch, async () => {
          const current = await s.companies.require(params.id);
          expectVersion(ifMatch, 'company', current);
          const { company, events } = updateCompany(current, body, ctx);
          await s.companies
            .update(new UnitOfWork(), current, company)
            .events(events)
            .add(...preconditions, ...(await s.duplicates.track('company', current, company, ctx.now)))
            .commit(s.store);
          return company;
        });
        return ok(company, company.version);
      },
    }),
    'DELETE /companies/{id}': route({
      tag: 'Companies',
      summary: 'Delete a company that no contact or open deal refers to',
      roles: MANAGE,
      params: idParams('company'),
      conditional: true,
      problems: { 410: 'the company was merged into another (`mergedInto` names it)' },
      response: { status: 204 },
      handle: async ({ params, ctx, ifMatch }) => {
        await mutate(ifMatch, async () => {
          const current = await s.companies.require(params.id);
          expectVersion(ifMatch, 'company', current);
          const events = deleteCompany(current, await s.companies.linked(current.id), ctx);
          await s.companies
            .remove(new UnitOfWork(), current)
            .events(events)
            .add(...(await s.duplicates.track('company', current, null, ctx.now)))
            .commit(s.store);
        });
        return noContent();
      },
    }),

    // ---------------------------------------------------------------- contacts
    'POST /contacts': route({
      tag: 'Contacts',
      summary: 'Add a contact; an email already used by another contact is a 409 naming it',
      roles: WRITE,
      body: NewContact,
      customFields: { entity: 'contact', mode: 'create' },
      response: { status: 201, schema: Contact },
      handle: async ({ body, ctx, preconditions }) => {
        const { contact, events } = createContact(body, ctx);
        const uow = s.contacts
          .create(new UnitOfWork(), contact)
          .events(events)
          .add(...preconditions, ...(await s.duplicates.track('contact', null, contact, ctx.now)));
        if (contact.companyId)
          uow.requireExists(keys.company(contact.companyId), 'companyId', `company ${contact.companyId}`);
        await uow.commit(s.store);
        return created(contact, contact.version);
      },
    }),
    'GET /contacts': route({
      tag: 'Contacts',
      summary: 'Find contacts by email, name prefix, company or tag',
      roles: READ,
      query: listQuery({
        email: Email.optional(),
        q: z.string().min(1).max(100).optional(),
        companyId: idSchema('company').optional(),
        tag: Tag.optional(),
      }),
      response: { status: 200, schema: Contact, list: true },
      handle: async (req) => {
        if (req.query.email) {
          const found = await s.contacts.findByEmail(req.query.email);
          return req.list({ items: found ? [found] : [] });
        }
        return req.list(await s.contacts.list(req.query, await req.page(scope(req.query))), scope(req.query));
      },
    }),
    'GET /contacts/{id}': route({
      tag: 'Contacts',
      summary: 'Read a contact',
      roles: READ,
      params: idParams('contact'),
      problems: { 410: 'the contact was merged into another (`mergedInto` names it)' },
      response: { status: 200, schema: Contact },
      handle: async ({ params }) => {
        const contact = await s.contacts.require(params.id);
        return ok(contact, contact.version);
      },
    }),
    'PATCH /contacts/{id}': route({
      tag: 'Contacts',
      summary: 'Change a contact (JSON merge patch; null clears a field)',
      roles: WRITE,
      params: idParams('contact'),
      body: ContactPatch,
      customFields: { entity: 'contact', mode: 'patch' },
      conditional: true,
      problems: { 410: 'the contact was merged into another (`mergedInto` names it)' },
      response: { status: 200, schema: Contact },
      handle: async ({ params, body, ctx, ifMatch, preconditions }) => {
        const contact = await mutate(ifMatch, async () => {
          const current = await s.contacts.require(params.id);
          expectVersion(ifMatch, 'contact', current);
          const { contact, events } = updateContact(current, body, ctx);
          const uow = s.contacts
            .update(new UnitOfWork(), current, contact)
            .events(events)
            .add(...preconditions, ...(await s.duplicates.track('contact', current, contact, ctx.now)));
          if (body.companyId)
            uow.requireExists(keys.company(body.companyId), 'companyId', `company ${body.companyId}`);
          await uow.commit(s.store);
          return contact;
        });
        return ok(contact, contact.version);
      },
    }),
    'DELETE /contacts/{id}': route({
      tag: 'Contacts',
      summary: 'Delete a contact that is not the primary contact of an open deal',
      roles: MANAGE,
      params: idParams('contact'),
      conditional: true,
      problems: { 410: 'the contact was merged into another (`mergedInto` names it)' },
      response: { status: 204 },
      handle: async ({ params, ctx, ifMatch }) => {
        await mutate(ifMatch, async () => {
          const current = await s.contacts.require(params.id);
          expectVersion(ifMatch, 'contact', current);
          const events = deleteContact(current, { openDeals: await s.contacts.openDeals(current.id) }, ctx);
          await s.contacts
            .remove(new UnitOfWork(), current)
            .events(events)
            .add(...(await s.duplicates.track('contact', current, null, ctx.now)))
            .commit(s.store);
        });
        return noContent();
      },
    }),
    'GET /contacts/{id}/timeline': route({
      tag: 'Contacts',
      summary: "A contact's notes, activities and deal changes, newest first",
      roles: READ,
      params: idParams('contact'),
      query: listQuery({}),
      problems: { 410: 'the contact was merged into another (`mergedInto` names it)' },
      response: { status: 200, schema: TimelineEntry, list: true },
      handle: async (req) => {
        try {
          return req.list(await s.activities.timeline(req.params.id, await req.page()));
        } catch (error) {
          // a merged contact has no timeline of its own any more: say where it went (410)
          if (error instanceof NotFound) await s.contacts.require(req.params.id);
          throw error;
        }
      },
    }),

    // ---------------------------------------------------------------- pipelines
    'POST /pipelines': route({
      tag: 'Pipelines',
      summary: 'Create a pipeline with ordered stages',
      roles: MANAGE,
      body: NewPipeline,
      response: { status: 201, schema: Pipeline },
      handle: async ({ body, ctx }) => {
        const { pipeline, events } = createPipeline(body, ctx);
        await s.pipelines.create(new UnitOfWork(), pipeline).events(events).commit(s.store);
        return created(pipeline, pipeline.version);
      },
    }),
    'GET /pipelines': route({
      tag: 'Pipelines',
      summary: 'List pipelines, the default first',
      roles: READ,
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
      roles: READ,
      params: z.strictObject({ id: PipelineId }),
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
      roles: MANAGE,
      params: z.strictObject({ id: PipelineId }),
      body: PipelinePatch,
      conditional: true,
      response: { status: 200, schema: Pipeline },
      handle: async ({ params, body, ctx, ifMatch }) => {
        await s.pipelines.ensureDefault(ctx.now);
        const pipeline = await mutate(ifMatch, async () => {
          const current = await s.pipelines.require(params.id);
          expectVersion(ifMatch, 'pipeline', current);
          const { pipeline, events } = updatePipeline(current, body, ctx);
          await s.pipelines.update(new UnitOfWork(), current, pipeline).events(events).commit(s.store);
          return pipeline;
        });
        return ok(pipeline, pipeline.version);
      },
    }),

    // ---------------------------------------------------------------- deals
    'POST /deals': route({
      tag: 'Deals',
      summary: 'Open a deal; it needs an owner (or a lead-routing rule that gives it one) and a next action',
      roles: WRITE,
      body: NewDeal,
      customFields: { entity: 'deal', mode: 'create' },
      response: { status: 201, schema: Deal },
      handle: async ({ body, ctx, preconditions }) => {
        await s.pipelines.ensureDefault(ctx.now);
        // Without an owner, lead routing may give it one (a turn is taken only for a deal that
        // could otherwise be created: it has its next action).
        const [pipeline, routed] = await Promise.all([
          body.pipelineId ? s.pipelines.require(body.pipelineId) : s.pipelines.requireDefault(),
          body.ownerId || !body.nextAction ? undefined : s.leadRouting.ownerFor(body),
        ]);
        const deal = await mutate(undefined, async () => {
          const { deal, events } = createDeal(body, pipeline, ctx, routed);
          const uow = s.deals
            .create(new UnitOfWork(), deal, events[0]!)
            .events(events)
            .add(...preconditions);
          requireLinks(uow, deal);
          await uow.commit(s.store);
          return deal;
        });
        return created(deal, deal.version);
      },
    }),
    'GET /deals': route({
      tag: 'Deals',
      summary: 'List deals by tag, pipeline and stage, owner, company, contact, lead source or status',
      roles: READ,
      query: listQuery({
        pipelineId: PipelineId.optional(),
        stageId: StageId.optional(),
        ownerId: UserId.optional(),
        status: DealStatus.optional(),
        companyId: idSchema('company').optional(),
        contactId: idSchema('contact').optional(),
        tag: Tag.optional(),
        leadSource: LeadSource.optional(),
        overdue: z.enum(['true', 'false']).optional(),
      }),
      response: { status: 200, schema: Deal, list: true },
      handle: async (req) => {
        if (req.query.overdue === 'true') {
          const { limit: _l, cursor: _c, overdue: _o, ownerId: _w, ...others } = req.query;
          if (Object.values(others).some((v) => v !== undefined)) {
            throw new BadRequest('overdue=true combines with ownerId only', {
              errors: [{ path: 'overdue', message: 'combines with ownerId only' }],
            });
          }
          return overdueDeals(s, req as never);
        }
        const { limit: _l, cursor: _c, overdue: _o, ...filter } = req.query;
        const plan = asQueryProblem(() => s.deals.plan(filter));
        return req.list(await s.deals.page(plan, await req.page(scope(filter))), scope(filter));
      },
    }),
    'GET /deals/{id}': route({
      tag: 'Deals',
      summary: 'Read a deal with its stage history',
      roles: READ,
      params: idParams('deal'),
      response: { status: 200, schema: Deal },
      handle: async ({ params }) => {
        const deal = await s.deals.require(params.id);
        return ok(deal, deal.version);
      },
    }),
    'PATCH /deals/{id}': route({
      tag: 'Deals',
      summary: 'Change deal fields; reassigning the owner is for managers',
      roles: WRITE,
      params: idParams('deal'),
      body: DealPatch,
      customFields: { entity: 'deal', mode: 'patch' },
      conditional: true,
      response: { status: 200, schema: Deal },
      handle: async ({ params, body, ctx, ifMatch, preconditions }) => {
        const deal = await mutate(ifMatch, async () => {
          const current = await s.deals.require(params.id);
          expectVersion(ifMatch, 'deal', current);
          const { deal, events } = updateDeal(current, body, ctx);
          const uow = s.deals
            .update(new UnitOfWork(), current, deal)
            .events(events)
            .add(...preconditions);
          if (body.contactId)
            uow.requireExists(keys.contact(body.contactId), 'contactId', `contact ${body.contactId}`);
          if (body.companyId)
            uow.requireExists(keys.company(body.companyId), 'companyId', `company ${body.companyId}`);
          await uow.commit(s.store);
          return deal;
        });
        return ok(deal, deal.version);
      },
    }),
    'POST /deals/{id}/move': route({
      tag: 'Deals',
      summary: 'Move an open deal to another stage of its pipeline',
      roles: WRITE,
      params: idParams('deal'),
      body: MoveDeal,
      conditional: true,
      response: { status: 200, schema: Deal },
      handle: async ({ params, body, ctx, ifMatch }) => {
        await s.pipelines.ensureDefault(ctx.now);
        const deal = await mutate(ifMatch, async () => {
          const current = await s.deals.require(params.id);
          expectVersion(ifMatch, 'deal', current);
          const { deal, events } = moveDeal(current, body.stageId, ctx);
          const uow = s.deals.update(new UnitOfWork(), current, deal).events(events);
          s.deals.requireStage(uow, deal.pipelineId, body.stageId);
          s.deals.recordHistory(uow, deal, events[0]!, {
            change: 'moved',
            fromStageId: current.stageId,
            toStageId: deal.stageId,
          });
          await uow.commit(s.store);
          return deal;
        });
        return ok(deal, deal.version);
      },
    }),
    'PUT /deals/{id}/next-action': route({
      tag: 'Deals',
      summary: 'Set the next action; completeCurrent records the current one as done first',
      roles: WRITE,
      params: idParams('deal'),
      body: SetNextAction,
      conditional: true,
      response: { status: 200, schema: Deal },
      handle: async ({ params, body, ctx, ifMatch }) => {
        const deal = await mutate(ifMatch, async () => {
          const current = await s.deals.require(params.id);
          expectVersion(ifMatch, 'deal', current);
          const { deal, events, completedActivity } = setNextAction(current, body, ctx);
          const uow = s.deals.update(new UnitOfWork(), current, deal).events(events);
          if (completedActivity) s.activities.create(uow, completedActivity, false);
          await uow.commit(s.store);
          return deal;
        });
        return ok(deal, deal.version);
      },
    }),
    'POST /deals/{id}/won': route({
      tag: 'Deals',
      summary: 'Close a deal as won, with every fact delivery needs (a 422 names each one missing)',
      roles: WRITE,
      params: idParams('deal'),
      body: WinDeal,
      rawBody: true,
      conditional: true,
      response: { status: 200, schema: Deal },
      handle: async ({ params, body, ctx, ifMatch }) => {
        const parsed = WinDeal.safeParse(body ?? {});
        const stakeholderId = (body as { handoff?: { mainStakeholderContactId?: unknown } } | null)?.handoff
          ?.mainStakeholderContactId;
        const templateId = parsed.success ? parsed.data.templateId : undefined;
        const deal = await mutate(ifMatch, async () => {
          // the deal and what the facts name, in one round trip
          const stakeholderKey =
            typeof stakeholderId === 'string' && isId('contact', stakeholderId)
              ? keys.contact(stakeholderId)
              : undefined;
          const templateKey = templateId ? keys.template(templateId) : undefined;
          const [dealItem, ...named] = await s.store.batchGet(
            [keys.deal(params.id), stakeholderKey, templateKey].filter((k) => k !== undefined),
          );
          const stakeholder = stakeholderKey ? named.shift() : undefined;
          const template = templateKey ? named.shift() : undefined;
          if (!dealItem) throw new NotFound('deal', params.id);
          const current = s.deals.fromItem(dealItem);
          expectVersion(ifMatch, 'deal', current);
          assertMayChangeDeal(ctx.actor, current);
          assertOpen(current, 'be won');
          const issues = parsed.success ? [] : issuesOf(parsed.error);
          if (typeof stakeholderId === 'string' && isId('contact', stakeholderId) && !stakeholder) {
            issues.push({
              path: 'handoff.mainStakeholderContactId',
              message: `contact ${stakeholderId} does not exist`,
            });
          } else if (stakeholder?.mergedInto) {
            issues.push({
              path: 'handoff.mainStakeholderContactId',
              message: `contact ${stakeholderId} was merged into ${String(stakeholder.mergedInto)}; use that one`,
            });
          }
          // the default template exists from its first use on: naming it is always right
          if (templateId && !template && templateId !== DEFAULT_TEMPLATE_ID)
            issues.push({ path: 'templateId', message: `template ${templateId} does not exist` });
          if (!parsed.success || issues.length > 0) throw new HandoffIncomplete(issues);
          const company = current.companyId ? ((await s.companies.get(current.companyId)) ?? null) : null;
          const mainStakeholder = s.contacts.fromItem(stakeholder!);
          const { deal, events, completedActivity } = winDeal(
            current,
            parsed.data,
            { company, mainStakeholder },
            ctx,
          );
          const uow = s.deals.update(new UnitOfWork(), current, deal).events(events);
          s.deals.recordHistory(uow, deal, events[0]!, { change: 'won' });
          if (completedActivity) s.activities.create(uow, completedActivity, false);
          await uow.commit(s.store);
          return deal;
        });
        return ok(deal, deal.version);
      },
    }),
    'POST /deals/{id}/lost': route({
      tag: 'Deals',
      summary: 'Close a deal as lost, with the reason',
      roles: WRITE,
      params: idParams('deal'),
      body: LoseDeal,
      conditional: true,
      response: { status: 200, schema: Deal },
      handle: async ({ params, body, ctx, ifMatch }) => {
        const deal = await mutate(ifMatch, async () => {
          const current = await s.deals.require(params.id);
          expectVersion(ifMatch, 'deal', current);
          const { deal, events } = loseDeal(current, body.reason, ctx);
          const uow = s.deals.update(new UnitOfWork(), current, deal).events(events);
          s.deals.recordHistory(uow, deal, events[0]!, { change: 'lost', reason: body.reason });
          await uow.commit(s.store);
          return deal;
        });
        return ok(deal, deal.version);
      },
    }),

    'POST /deals/{id}/snooze': route({
      tag: 'Deals',
      summary: "Silence a deal's overdue and stall flags until a future instant, with a reason",
      roles: WRITE,
      params: idParams('deal'),
      body: SnoozeDeal,
      conditional: true,
      response: { status: 200, schema: Deal },
      handle: async ({ params, body, ctx, ifMatch }) => {
        const deal = await mutate(ifMatch, async () => {
          const current = await s.deals.require(params.id);
          expectVersion(ifMatch, 'deal', current);
          const { deal, events } = snoozeDeal(current, body, ctx);
          await s.deals.update(new UnitOfWork(), current, deal).events(events).commit(s.store);
          return deal;
        });
        return ok(deal, deal.version);
      },
    }),
    'POST /deals/{id}/reopen': route({
      tag: 'Deals',
      summary: 'Reopen a won or lost deal with a next action; won again, it updates its project',
      roles: WRITE,
      params: idParams('deal'),
      body: ReopenDeal,
      conditional: true,
      response: { status: 200, schema: Deal },
      handle: async ({ params, body, ctx, ifMatch }) => {
        const deal = await mutate(ifMatch, async () => {
          const current = await s.deals.require(params.id);
          expectVersion(ifMatch, 'deal', current);
          const { deal, events } = reopenDeal(current, body, ctx);
          const uow = s.deals.update(new UnitOfWork(), current, deal).events(events);
          s.deals.requireStage(uow, deal.pipelineId, deal.stageId);
          s.deals.recordHistory(uow, deal, events[0]!, { change: 'reopened', toStageId: deal.stageId });
          await uow.commit(s.store);
          return deal;
        });
        return ok(deal, deal.version);
      },
    }),

    // ---------------------------------------------------------------- activities
    'POST /activities': route({
      tag: 'Activities',
      summary: 'Log a call, email, meeting, task or note on a deal and/or a contact',
      roles: WRITE,
      body: NewActivity,
      problems: { 404: 'the deal the activity names does not exist' },
      response: { status: 201, schema: Activity },
      handle: async ({ body, ctx }) => {
        const deal = body.dealId ? await s.deals.require(body.dealId) : null;
        const { activity, events } = logActivity(body, deal, ctx);
        await s.activities.create(new UnitOfWork(), activity).events(events).commit(s.store);
        return created(activity, activity.version);
      },
    }),
    'GET /activities': route({
      tag: 'Activities',
      summary: "List a deal's, a contact's or an owner's activities (default: yours)",
      roles: READ,
      query: listQuery({
        dealId: idSchema('deal').optional(),
        contactId: idSchema('contact').optional(),
        ownerId: UserId.optional(),
      }),
      response: { status: 200, schema: Activity, list: true },
      handle: async (req) => {
        const { limit: _l, cursor: _c, ...filter } = req.query;
        const effective = { ...filter, ownerId: filter.ownerId ?? req.actor.userId };
        return req.list(
          await s.activities.list(effective, await req.page(scope(effective))),
          scope(effective),
        );
      },
    }),
    'GET /activities/{id}': route({
      tag: 'Activities',
      summary: 'Read an activity',
      roles: READ,
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
      roles: WRITE,
      params: idParams('activity'),
      body: ActivityPatch,
      conditional: true,
      response: { status: 200, schema: Activity },
      handle: async ({ params, body, ctx, ifMatch }) => {
        const activity = await mutate(ifMatch, async () => {
          const current = await s.activities.require(params.id);
          expectVersion(ifMatch, 'activity', current);
          const deal =
            current.dealId && current.ownerId !== ctx.actor.userId ? await s.deals.get(current.dealId) : null;
          const { activity, events } = updateActivity(current, body, deal ?? null, ctx);
          await s.activities.update(new UnitOfWork(), current, activity).events(events).commit(s.store);
          return activity;
        });
        return ok(activity, activity.version);
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

function requireLinks(uow: UnitOfWork, deal: Deal): void {
  if (deal.contactId)
    uow.requireExists(keys.contact(deal.contactId), 'contactId', `contact ${deal.contactId}`);
  if (deal.companyId)
    uow.requireExists(keys.company(deal.companyId), 'companyId', `company ${deal.companyId}`);
}

/** Binds a cursor to the filters of the list that issued it. */
function scope(filter: Record<string, unknown>): string {
  const { limit: _l, cursor: _c, ...rest } = filter;
  return JSON.stringify(
    Object.entries(rest)
      .filter(([, v]) => v !== undefined)
      .sort(),
  );
}
