import { burnOf } from '../../../domain/delivery/budget.js';
import { BudgetReport, budgetReport } from '../../../domain/delivery/budget-lines.js';
import { ScheduleReport, scheduleReport } from '../../../domain/delivery/plan.js';
import { progressOf } from '../../../domain/delivery/progress.js';
import {
  inPlanOrder,
  isClosed,
  NewProject,
  Project,
  ProjectPatch,
  ProjectStatus,
  Task,
  TimeEntry,
} from '../../../domain/delivery/project.js';
import { idSchema, projectIdForDeal, UserId } from '../../../domain/shared/ids.js';
import * as z from '../../../domain/shared/zod.js';
import { canDeliver, canRead } from '../../lib/http/access.js';
import { idParams, listQuery } from '../../lib/http/params.js';
import { created, ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import type { LoadedProject } from '../../lib/table/entities/project.js';
import { planProject } from '../use-cases/plan-project.js';
import { updateProject } from '../use-cases/update-project.js';

const Burn = z.object(() => ({
  hours: z.number().nullable(),
  cost: z.number().nullable(),
  actualHours: z.number(),
  estimatedHours: z.number(),
  actualCost: z.object(() => ({ amount: z.number(), currency: z.string() })).nullable(),
}));
/** A task as the plan shows it: with its rolled-up progress (and, for a parent, its children's span). */
const PlannedTask = z
  .extend(Task, () => ({
    progress: z
      .object(() => ({
        percentComplete: z.int(),
        span: z.object(() => ({ startDate: z.string(), dueDate: z.string() })).optional(),
      }))
      .describe("its own percent complete, or its children's weighted by their working days"),
  }))
  .register(z.globalRegistry, { id: 'PlannedTask' });

const ProjectWithTasks = z
  .extend(Project, () => ({
    tasks: z.array(PlannedTask),
    burn: Burn,
    progress: z
      .object(() => ({
        percentComplete: z.int(),
        openTasks: z.int(),
        closedTasks: z.int(),
      }))
      .describe('the leaf tasks weighted by working days; cancelled tasks count for nothing'),
  }))
  .register(z.globalRegistry, { id: 'ProjectWithTasks' });

/** A board's columns, in the order work moves through them. */
const BOARD_COLUMNS = ['todo', 'in_progress', 'blocked', 'done', 'cancelled'] as const;

const Board = z
  .object(() => ({
    projectId: z.string(),
    columns: z.array(z.object(() => ({ status: z.enum(BOARD_COLUMNS), tasks: z.array(PlannedTask) }))),
  }))
  .register(z.globalRegistry, { id: 'Board' });

function withTasks({ project, tasks }: Pick<LoadedProject, 'project' | 'tasks'>) {
  const progress = progressOf(tasks);
  return {
    ...project,
    tasks: inPlanOrder(tasks).map((t) => ({ ...t, progress: progress.tasks.get(t.id)! })),
    burn: burnOf(project),
    progress: {
      percentComplete: progress.percentComplete,
      openTasks: tasks.filter((t) => !isClosed(t)).length,
      closedTasks: tasks.filter(isClosed).length,
    },
  };
}

export function projectRoutes(
  s: Pick<
    Services,
    'calendar' | 'companies' | 'contacts' | 'news' | 'profiles' | 'projects' | 'store' | 'templates'
  >,
): Routes {
  return {
    'POST /projects': route({
      tag: 'Projects',
      summary:
        'Plan a project from a template and a kickoff date (every date from the kickoff, never from today)',
      roles: canDeliver,
      body: NewProject,
      customFields: { entity: 'project', mode: 'create' },
      problems: { 404: 'the template the project names does not exist' },
      response: { status: 201, schema: ProjectWithTasks },
      handle: async ({ body, ctx, preconditions }) => {
        const planned = await planProject(s, body, { ctx, preconditions });
        return created(withTasks(planned), planned.project.version);
      },
    }),
    'GET /projects': route({
      tag: 'Projects',
      summary: 'List projects by status, delivery owner (`ownerId`) or customer',
      roles: canRead,
      query: listQuery({
        status: ProjectStatus.optional(),
        ownerId: UserId.optional(),
        companyId: idSchema('company').optional(),
      }),
      response: { status: 200, schema: Project, list: true },
      handle: async (req) => {
        const { limit: _l, cursor: _c, ...filter } = req.query;
        const scope = JSON.stringify(filter);
        return req.list(await s.projects.list(filter, await req.page(scope)), scope);
      },
    }),
    'GET /projects/{id}': route({
      tag: 'Projects',
      summary: 'Read a project with all its tasks and its budget burn (one Query)',
      roles: canRead,
      params: idParams('project'),
      response: { status: 200, schema: ProjectWithTasks },
      handle: async ({ params }) => {
        const loaded = await s.projects.load(params.id);
        return ok(withTasks(loaded), loaded.project.version);
      },
    }),
    'GET /projects/{id}/budget': route({
      tag: 'Projects',
      summary:
        'Budget against actuals, line by line: each sold line, the hours (or days) logged against it, its burn, and whether it is over',
      description:
        "A won deal's accepted quote (or its line items at the win) are the project's budget lines. Time logged against a line of hours or days burns it (`budgetLineId` on a time entry; default: the project's only such line). `atRisk` is true while a line is over budget; BudgetLineExceeded was emitted when it first went over.",
      roles: canRead,
      params: idParams('project'),
      response: { status: 200, schema: BudgetReport },
      handle: async ({ params }) => {
        const project = await s.projects.require(params.id);
        return ok(budgetReport(project.budgetLines ?? []));
      },
    }),
    'GET /deals/{id}/project': route({
      tag: 'Projects',
      summary: 'The delivery project of a won deal',
      roles: canRead,
      params: idParams('deal'),
      response: { status: 200, schema: ProjectWithTasks },
      handle: async ({ params }) => {
        const loaded = await s.projects.load(projectIdForDeal(params.id));
        return ok(withTasks(loaded), loaded.project.version);
      },
    }),
    'PATCH /projects/{id}': route({
      tag: 'Projects',
      summary: 'Change status, delivery owner, kickoff, promise, budget, rate, or tick the kickoff checklist',
      description:
        'Delivery people, managers and admins (a sales rep is a 403). `ownerId` hands the project to another delivery owner: an active user, else a 422 naming `ownerId`; `ProjectUpdated` names who had it (`previousOwnerId`), and its alerts (at risk, late unassigned tasks) go to the new owner from then on.',
      roles: canDeliver,
      params: idParams('project'),
      body: ProjectPatch,
      customFields: { entity: 'project', mode: 'patch' },
      conditional: true,
      response: { status: 200, schema: Project },
      handle: async ({ params, body, ...input }) => {
        const project = await updateProject(s, params.id, body, input);
        return ok(project, project.version);
      },
    }),
    'GET /projects/{id}/board': route({
      tag: 'Projects',
      summary:
        'The tasks as a board: a column per status in working order (to do, in progress, blocked, done, cancelled), each in plan order',
      roles: canRead,
      params: idParams('project'),
      response: { status: 200, schema: Board },
      handle: async ({ params }) => {
        const loaded = await s.projects.load(params.id);
        const { tasks } = withTasks(loaded);
        const columnOf = (t: (typeof tasks)[number]) => (t.cancelled ? 'cancelled' : t.status);
        return ok({
          projectId: loaded.project.id,
          columns: BOARD_COLUMNS.map((status) => ({
            status,
            tasks: tasks.filter((t) => columnOf(t) === status),
          })),
        });
      },
    }),
    'GET /projects/{id}/schedule': route({
      tag: 'Projects',
      summary:
        'Early and late dates, total slack, the critical path, and the projected finish against the promise',
      roles: canRead,
      params: idParams('project'),
      response: { status: 200, schema: ScheduleReport },
      handle: async ({ params }) => {
        const { project, tasks } = await s.projects.load(params.id);
        return ok(scheduleReport(project.id, project, tasks));
      },
    }),
    'GET /projects/{id}/time-entries': route({
      tag: 'Projects',
      summary: "A project's time entries, newest day first",
      roles: canRead,
      params: idParams('project'),
      query: listQuery({}),
      response: { status: 200, schema: TimeEntry, list: true },
      problems: { 404: 'no such project' },
      handle: async (req) => {
        const page = await s.projects.timeEntries(req.params.id, await req.page());
        // an empty page of a project that does not exist is a 404, as for a task's comments
        if (page.items.length === 0) await s.projects.require(req.params.id);
        return req.list(page);
      },
    }),
  };
}
