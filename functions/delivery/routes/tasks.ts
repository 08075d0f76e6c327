import {
  CancelTask,
  DecideApproval,
  NewComment,
  NewDependency,
  NewTask,
  NewTimeEntry,
  Task,
  TaskComment,
  TaskId,
  TaskPatch,
  TimeEntry,
} from '../../../domain/delivery/project.js';
import { UserId } from '../../../domain/shared/ids.js';
import * as z from '../../../domain/shared/zod.js';
import { canDeliver, canRead } from '../../lib/http/access.js';
import { idParams, listQuery } from '../../lib/http/params.js';
import { created, ok, type Reply, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { addDependency } from '../use-cases/add-dependency.js';
import { addTask } from '../use-cases/add-task.js';
import { cancelTask } from '../use-cases/cancel-task.js';
import { commentOnTask } from '../use-cases/comment-on-task.js';
import { decideApproval } from '../use-cases/decide-approval.js';
import { logTime } from '../use-cases/log-time.js';
import { removeDependency } from '../use-cases/remove-dependency.js';
import { updateTask } from '../use-cases/update-task.js';

/** A changed task, and whether its dependents were rescheduled already or are being (cascade). */
const TaskChange = z.extend(Task, () => ({ rescheduling: z.enum(['done', 'in-progress']) }));

const taskChange = ({ task, cascaded }: { task: Task; cascaded: boolean }): Reply =>
  ok({ ...task, rescheduling: cascaded ? 'in-progress' : 'done' }, task.version);

export function taskRoutes(
  s: Pick<Services, 'contacts' | 'news' | 'profiles' | 'projects' | 'store'>,
): Routes {
  return {
    'POST /projects/{id}/tasks': route({
      tag: 'Tasks',
      summary: 'Add a task, milestone or approval step to a project',
      roles: canDeliver,
      params: idParams('project'),
      body: NewTask,
      conditional: true,
      response: { status: 201, schema: TaskChange },
      handle: async ({ params, body, ...input }) => ({
        ...taskChange(await addTask(s, params.id, body, input)),
        status: 201,
      }),
    }),
    'GET /tasks': route({
      tag: 'Tasks',
      summary: "A person's tasks by due date (default: yours, open)",
      roles: canRead,
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
      roles: canRead,
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
      roles: canDeliver,
      params: idParams('task'),
      body: TaskPatch,
      conditional: true,
      response: { status: 200, schema: TaskChange },
      handle: async ({ params, body, ...input }) => taskChange(await updateTask(s, params.id, body, input)),
    }),
    'POST /tasks/{id}/dependencies': route({
      tag: 'Tasks',
      summary: 'Make a task depend on another of its project (FS, SS, FF, SF, with a lag in business days)',
      roles: canDeliver,
      params: idParams('task'),
      body: NewDependency,
      conditional: true,
      response: { status: 200, schema: TaskChange },
      handle: async ({ params, body, ...input }) =>
        taskChange(await addDependency(s, params.id, body, input)),
    }),
    'DELETE /tasks/{id}/dependencies/{predecessorId}': route({
      tag: 'Tasks',
      summary: 'Remove a dependency',
      roles: canDeliver,
      params: z.strictObject(() => ({ id: TaskId, predecessorId: TaskId })),
      conditional: true,
      response: { status: 200, schema: TaskChange },
      handle: async ({ params, ...input }) =>
        taskChange(await removeDependency(s, params.id, params.predecessorId, input)),
    }),
    'POST /tasks/{id}/cancel': route({
      tag: 'Tasks',
      summary:
        'Cancel a task, with a reason: it stays in the plan, takes no time and is followed up by no one',
      roles: canDeliver,
      params: idParams('task'),
      body: CancelTask,
      conditional: true,
      response: { status: 200, schema: TaskChange },
      handle: async ({ params, body, ...input }) =>
        taskChange(await cancelTask(s, params.id, body.reason, input)),
    }),
    'POST /tasks/{id}/approval': route({
      tag: 'Tasks',
      summary: 'Decide an approval (only its approver, by user or role, or an admin)',
      roles: canRead,
      params: idParams('task'),
      body: DecideApproval,
      conditional: true,
      response: { status: 200, schema: Task },
      handle: async ({ params, body, ...input }) => {
        const task = await decideApproval(s, params.id, body, input);
        return ok(task, task.version);
      },
    }),
    'POST /tasks/{id}/time-entries': route({
      tag: 'Tasks',
      summary: 'Log time on a task (1 minute to 24 hours per person per day, in total)',
      roles: canDeliver,
      params: idParams('task'),
      body: NewTimeEntry,
      conditional: true,
      response: { status: 201, schema: TimeEntry },
      handle: async ({ params, body, ...input }) => {
        const entry = await logTime(s, params.id, body, input);
        return created(entry, entry.version);
      },
    }),
    'POST /tasks/{id}/comments': route({
      tag: 'Tasks',
      summary: 'Comment on a task',
      roles: canRead,
      params: idParams('task'),
      body: NewComment,
      conditional: true,
      response: { status: 201, schema: TaskComment },
      handle: async ({ params, body, ...input }) =>
        created(await commentOnTask(s, params.id, body.body, input)),
    }),
    'GET /tasks/{id}/comments': route({
      tag: 'Tasks',
      summary: "A task's comments, oldest first",
      roles: canRead,
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
