import * as z from 'zod';
import { burnOf } from '../../domain/delivery/budget.js';
import { ScheduleReport, scheduleReport } from '../../domain/delivery/plan.js';
import { planNewProject, updateProject } from '../../domain/delivery/project.commands.js';
import {
  DecideApproval,
  NewComment,
  NewDependency,
  NewProject,
  NewTask,
  NewTimeEntry,
  Project,
  ProjectPatch,
  ProjectStatus,
  Task,
  TaskComment,
  TaskId,
  TaskPatch,
  TimeEntry,
} from '../../domain/delivery/project.js';
import {
  addDependency,
  addTask,
  commentOnTask,
  decideApproval,
  logTime,
  removeDependency,
  type TaskDecision,
  updateTask,
} from '../../domain/delivery/task.commands.js';
import { createTemplate, updateTemplate } from '../../domain/delivery/template.commands.js';
import { NewTemplate, Template, TemplatePatch } from '../../domain/delivery/template.js';
import { emit } from '../../domain/events.js';
import { projectIdForDeal } from '../../domain/handoff/project-link.js';
import type { CommandContext, Role } from '../../domain/shared/context.js';
import { ValidationFailed } from '../../domain/shared/errors.js';
import { idSchema, UserId } from '../../domain/shared/ids.js';
import { expectVersion, mutate } from '../lib/command.js';
import { idParams, listQuery } from '../lib/http/params.js';
import { created, ok, type Reply, type Routes, route } from '../lib/http/route.js';
import type { Services } from '../lib/services.js';
import { keys } from '../lib/table/keys.js';
import type { LoadedProject } from '../lib/table/repositories/projects.js';
import type { Write } from '../lib/table/store.js';
import { planTaskId } from '../lib/table/task-ids.js';
import { UnitOfWork } from '../lib/table/unit-of-work.js';

// The delivery routes: kickoff templates, projects planned from them, tasks with real
// dependencies and a schedule, approvals, time and budget. Delivery and managers write, sales
// read, admins do everything (the domain checks the finer rules).

const READ: readonly Role[] = ['admin', 'manager', 'sales', 'delivery'];
const WRITE: readonly Role[] = ['admin', 'manager', 'delivery'];

const Burn = z.object({
  hours: z.number().nullable(),
  cost: z.number().nullable(),
  actualHours: z.number(),
  estimatedHours: z.number(),
  actualCost: z.object({ amount: z.number(), currency: z.string() }).nullable(),
});
const ProjectWithTasks = Project.extend({ tasks: z.array(Task), burn: Burn }).meta({
  id: 'ProjectWithTasks',
});
const TaskChange = Task.extend({ rescheduling: z.enum(['done', 'in-progress']) });

function withTasks(loaded: LoadedProject) {
  return { ...loaded.project, tasks: loaded.tasks, burn: burnOf(loaded.project) };
}

export function deliveryRoutes(s: Services): Routes {
  /** Writes a task command's decision; names the people it assigns as users who must exist. */
  async function apply(
    loaded: LoadedProject,
    decision: TaskDecision,
    ctx: CommandContext,
    taskId: string,
    people: Write[] = [],
  ) {
    const { cascaded } = await s.projects.apply(loaded, decision, {
      extra: people,
      now: ctx.now,
      cascade: () =>
        emit(ctx, 'ProjectRescheduleRequested', {
          projectId: loaded.project.id,
          cause: decision.events.find((e) => e.detailType === 'TaskRescheduled')?.detail.data.cause ?? {
            kind: 'task-changed',
            taskId,
          },
        }),
    });
    return cascaded;
  }

  const taskReply = (task: Task, cascaded: boolean): Reply =>
    ok({ ...task, rescheduling: cascaded ? 'in-progress' : 'done' }, task.version);

  return {
    // ---------------------------------------------------------------- templates
    'POST /templates': route({
      tag: 'Templates',
      summary:
        'Create a kickoff template (a cycle, or an anchor to a missing task, is refused with its path)',
      roles: WRITE,
      body: NewTemplate,
      response: { status: 201, schema: Template },
      handle: async ({ body, ctx }) => {
        const { template, events } = createTemplate(body, ctx);
        await s.templates.create(new UnitOfWork(), template).events(events).commit(s.store);
        return created(template, template.version);
      },
    }),
    'GET /templates': route({
      tag: 'Templates',
      summary: 'List templates, the default first',
      roles: READ,
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
      roles: READ,
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
      roles: WRITE,
      params: idParams('template'),
      body: TemplatePatch,
      conditional: true,
      response: { status: 200, schema: Template },
      handle: async ({ params, body, ctx, ifMatch }) => {
        await s.templates.ensureDefault(ctx.now);
        const template = await mutate(ifMatch, async () => {
          const current = await s.templates.require(params.id);
          expectVersion(ifMatch, 'template', current);
          const { template, events } = updateTemplate(current, body, ctx);
          await s.templates.update(new UnitOfWork(), current, template).events(events).commit(s.store);
          return template;
        });
        return ok(template, template.version);
      },
    }),

    // ---------------------------------------------------------------- projects
    'POST /projects': route({
      tag: 'Projects',
      summary:
        'Plan a project from a template and a kickoff date (every date from the kickoff, never from today)',
      roles: WRITE,
      body: NewProject,
      customFields: { entity: 'project', mode: 'create' },
      problems: { 404: 'the template the project names does not exist' },
      response: { status: 201, schema: ProjectWithTasks },
      handle: async ({ body, ctx, preconditions }) => {
        await s.templates.ensureDefault(ctx.now);
        const template = body.templateId
          ? await s.templates.require(body.templateId)
          : await s.templates.requireDefault();
        const projectId = ctx.newId('project');
        const { project, tasks, events } = planNewProject(
          {
            projectId,
            name: body.name,
            kickoffDate: body.kickoffDate,
            promisedDueDate: body.promisedDueDate,
            ownerId: body.ownerId ?? ctx.actor.userId,
            customer: body.customer,
            budget: body.budget,
            hourlyRate: body.hourlyRate,
            customFields: body.customFields,
            template,
            taskId: (key) => planTaskId(projectId, key),
          },
          ctx,
        );
        const links: Write[] = [...preconditions];
        if (body.ownerId) links.push(s.profiles.requireKnown('ownerId', body.ownerId));
        const uow = new UnitOfWork();
        if (body.customer.companyId)
          uow.requireExists(
            keys.company(body.customer.companyId),
            'customer.companyId',
            `company ${body.customer.companyId}`,
          );
        if (body.customer.mainStakeholderContactId) {
          uow.requireExists(
            keys.contact(body.customer.mainStakeholderContactId),
            'customer.mainStakeholderContactId',
            `contact ${body.customer.mainStakeholderContactId}`,
          );
        }
        await s.projects.create(project, tasks, events, projectId, [...links, ...uow.writes]);
        return created({ ...project, tasks, burn: burnOf(project) }, project.version);
      },
    }),
    'GET /projects': route({
      tag: 'Projects',
      summary: 'List projects by status, owner or customer',
      roles: READ,
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
      roles: READ,
      params: idParams('project'),
      response: { status: 200, schema: ProjectWithTasks },
      handle: async ({ params }) => {
        const loaded = await s.projects.load(params.id);
        return ok(withTasks(loaded), loaded.project.version);
      },
    }),
    'GET /deals/{id}/project': route({
      tag: 'Projects',
      summary: 'The delivery project of a won deal',
      roles: READ,
      params: idParams('deal'),
      response: { status: 200, schema: ProjectWithTasks },
      handle: async ({ params }) => {
        const loaded = await s.projects.load(projectIdForDeal(params.id));
        return ok(withTasks(loaded), loaded.project.version);
      },
    }),
    'PATCH /projects/{id}': route({
      tag: 'Projects',
      summary: 'Change status, owner, budget, rate, or tick the kickoff checklist',
      roles: WRITE,
      params: idParams('project'),
      body: ProjectPatch,
      customFields: { entity: 'project', mode: 'patch' },
      conditional: true,
      response: { status: 200, schema: Project },
      handle: async ({ params, body, ctx, ifMatch, preconditions }) => {
        const project = await mutate(ifMatch, async () => {
          const loaded = await s.projects.load(params.id);
          expectVersion(ifMatch, 'project', loaded.project);
          const { project, events } = updateProject(loaded.project, loaded.tasks, body, ctx);
          if (project === loaded.project) return project;
          const uow = new UnitOfWork().events(events).add(...preconditions);
          s.projects.updateHead(uow, loaded.project, project);
          if (body.ownerId) uow.add(s.profiles.requireKnown('ownerId', body.ownerId));
          await uow.commit(s.store);
          return project;
        });
        return ok(project, project.version);
      },
    }),
    'GET /projects/{id}/schedule': route({
      tag: 'Projects',
      summary:
        'Early and late dates, total slack, the critical path, and the projected finish against the promise',
      roles: READ,
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
      roles: READ,
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

    // ---------------------------------------------------------------- tasks
    'POST /projects/{id}/tasks': route({
      tag: 'Tasks',
      summary: 'Add a task, milestone or approval step to a project',
      roles: WRITE,
      params: idParams('project'),
      body: NewTask,
      conditional: true,
      response: { status: 201, schema: TaskChange },
      handle: async ({ params, body, ctx, ifMatch }) => {
        const { task, cascaded } = await mutate(ifMatch, async () => {
          const loaded = await s.projects.load(params.id);
          expectVersion(ifMatch, 'project', loaded.project);
          const decision = addTask(loaded.project, loaded.tasks, body, ctx);
          const people: Write[] = [];
          if (body.assigneeId) people.push(s.profiles.requireKnown('assigneeId', body.assigneeId));
          if (body.approval?.approverUserId)
            people.push(s.profiles.requireKnown('approval.approverUserId', body.approval.approverUserId));
          const task = decision.changed.find((t) => !loaded.tasks.some((x) => x.id === t.id))!;
          return { task, cascaded: await apply(loaded, decision, ctx, task.id, people) };
        });
        return { ...taskReply(task, cascaded), status: 201 };
      },
    }),
    'GET /tasks': route({
      tag: 'Tasks',
      summary: "A person's tasks by due date (default: yours, open)",
      roles: READ,
      query: listQuery({ assigneeId: UserId.optional(), status: z.enum(['open', 'done']).optional() }),
      response: { status: 200, schema: Task, list: true },
      handle: async (req) => {
        const assignee = req.query.assigneeId ?? req.actor.userId;
        const status = req.query.status ?? 'open';
        const scope = `${assignee}|${status}`;
        return req.list(await s.projects.tasksOf(assignee, status, await req.page(scope)), scope);
      },
    }),
    'GET /tasks/{id}': route({
      tag: 'Tasks',
      summary: 'Read a task',
      roles: READ,
      params: idParams('task'),
      response: { status: 200, schema: Task },
      handle: async ({ params }) => {
        const task = await s.projects.requireTask(params.id);
        return ok(task, task.version);
      },
    }),
    'PATCH /tasks/{id}': route({
      tag: 'Tasks',
      summary: 'Change a task: status, assignee, dates (its dependents are rescheduled), duration, details',
      roles: WRITE,
      params: idParams('task'),
      body: TaskPatch,
      conditional: true,
      response: { status: 200, schema: TaskChange },
      handle: async ({ params, body, ctx, ifMatch }) => {
        const { task, cascaded } = await mutate(ifMatch, async () => {
          const loaded = await s.projects.loadForTask(params.id);
          expectVersion(ifMatch, 'task', loaded.task);
          const decision = updateTask(loaded.project, loaded.tasks, loaded.task, body, ctx);
          if (decision.changed.length === 0) return { task: loaded.task, cascaded: false };
          const people = body.assigneeId ? [s.profiles.requireKnown('assigneeId', body.assigneeId)] : [];
          const cascaded = await apply(loaded, decision, ctx, params.id, people);
          return { task: decision.changed.find((t) => t.id === params.id)!, cascaded };
        });
        return taskReply(task, cascaded);
      },
    }),
    'POST /tasks/{id}/dependencies': route({
      tag: 'Tasks',
      summary: 'Make a task depend on another of its project (FS, SS, FF, SF, with a lag in business days)',
      roles: WRITE,
      params: idParams('task'),
      body: NewDependency,
      conditional: true,
      response: { status: 200, schema: TaskChange },
      handle: async ({ params, body, ctx, ifMatch }) => {
        const { task, cascaded } = await mutate(ifMatch, async () => {
          const loaded = await s.projects.loadForTask(params.id);
          expectVersion(ifMatch, 'task', loaded.task);
          if (!loaded.tasks.some((t) => t.id === body.predecessorId)) {
            const elsewhere = await s.projects.findTask(body.predecessorId);
            throw new ValidationFailed([
              {
                path: 'predecessorId',
                message: elsewhere
                  ? `task ${body.predecessorId} belongs to project ${elsewhere.projectId}; dependencies stay within one project`
                  : `task ${body.predecessorId} does not exist`,
              },
            ]);
          }
          const decision = addDependency(loaded.project, loaded.tasks, loaded.task, body, ctx);
          const cascaded = await apply(loaded, decision, ctx, params.id);
          return { task: decision.changed.find((t) => t.id === params.id)!, cascaded };
        });
        return taskReply(task, cascaded);
      },
    }),
    'DELETE /tasks/{id}/dependencies/{predecessorId}': route({
      tag: 'Tasks',
      summary: 'Remove a dependency',
      roles: WRITE,
      params: z.strictObject({ id: TaskId, predecessorId: TaskId }),
      conditional: true,
      response: { status: 200, schema: TaskChange },
      handle: async ({ params, ctx, ifMatch }) => {
        const { task, cascaded } = await mutate(ifMatch, async () => {
          const loaded = await s.projects.loadForTask(params.id);
          expectVersion(ifMatch, 'task', loaded.task);
          const decision = removeDependency(
            loaded.project,
            loaded.tasks,
            loaded.task,
            params.predecessorId,
            ctx,
          );
          const cascaded = await apply(loaded, decision, ctx, params.id);
          return { task: decision.changed.find((t) => t.id === params.id)!, cascaded };
        });
        return taskReply(task, cascaded);
      },
    }),
    'POST /tasks/{id}/approval': route({
      tag: 'Tasks',
      summary: 'Decide an approval (only its approver, by user or role, or an admin)',
      roles: READ,
      params: idParams('task'),
      body: DecideApproval,
      conditional: true,
      response: { status: 200, schema: Task },
      handle: async ({ params, body, ctx, ifMatch }) => {
        const task = await mutate(ifMatch, async () => {
          const loaded = await s.projects.loadForTask(params.id);
          expectVersion(ifMatch, 'task', loaded.task);
          const decision = decideApproval(loaded.project, loaded.task, body, ctx);
          await apply(loaded, decision, ctx, params.id);
          return decision.changed[0]!;
        });
        return ok(task, task.version);
      },
    }),
    'POST /tasks/{id}/time-entries': route({
      tag: 'Tasks',
      summary: 'Log time on a task (1 minute to 24 hours per person per day, in total)',
      roles: WRITE,
      params: idParams('task'),
      body: NewTimeEntry,
      conditional: true,
      response: { status: 201, schema: TimeEntry },
      handle: async ({ params, body, ctx, ifMatch }) => {
        const entry = await mutate(ifMatch, async () => {
          const task = await s.projects.requireTask(params.id);
          // with If-Match, the time is logged on the task as the person saw it
          expectVersion(ifMatch, 'task', task);
          const project = await s.projects.require(task.projectId);
          const { entry, project: next, events } = logTime(project, task, body, ctx);
          const uow = new UnitOfWork().events(events);
          if (ifMatch !== undefined) uow.requireVersion('task', task, keys.task(task.projectId, task.id));
          s.projects.updateHead(uow, project, next);
          s.projects.addTimeEntry(uow, entry);
          if (entry.userId !== ctx.actor.userId) uow.add(s.profiles.requireKnown('userId', entry.userId));
          await uow.commit(s.store);
          return entry;
        });
        return created(entry);
      },
    }),
    'POST /tasks/{id}/comments': route({
      tag: 'Tasks',
      summary: 'Comment on a task',
      roles: READ,
      params: idParams('task'),
      body: NewComment,
      conditional: true,
      response: { status: 201, schema: TaskComment },
      handle: async ({ params, body, ctx, ifMatch }) => {
        const comment = await mutate(ifMatch, async () => {
          const task = await s.projects.requireTask(params.id);
          // with If-Match, the comment is on the task as the commenter saw it
          expectVersion(ifMatch, 'task', task);
          const { comment, events } = commentOnTask(task, body.body, ctx);
          const uow = new UnitOfWork().events(events);
          if (ifMatch !== undefined) uow.requireVersion('task', task, keys.task(task.projectId, task.id));
          s.projects.addComment(uow, task.projectId, comment);
          await uow.commit(s.store);
          return comment;
        });
        return created(comment);
      },
    }),
    'GET /tasks/{id}/comments': route({
      tag: 'Tasks',
      summary: "A task's comments, oldest first",
      roles: READ,
      params: idParams('task'),
      query: listQuery({}),
      response: { status: 200, schema: TaskComment, list: true },
      handle: async (req) => {
        const task = await s.projects.requireTask(req.params.id);
        return req.list(await s.projects.comments(task.projectId, task.id, await req.page()));
      },
    }),
  };
}
