import { isClosed, Project, Task, TaskComment, TimeEntry } from '../../../../domain/delivery/project.js';
import { promiseState } from '../../../../domain/delivery/promise.js';
import type { TaskDecision } from '../../../../domain/delivery/reschedule.js';
import type { DomainEvent } from '../../../../domain/events.js';
import { type DueEntry, projectDueEntries, taskDueEntries } from '../../../../domain/followup/due-list.js';
import { taskDueAt } from '../../../../domain/followup/followups.js';
import { Conflict, NotFound, ValidationFailed } from '../../../../domain/shared/errors.js';
import { entityOf, type Item, type Key, notExists, type Write } from '../item.js';
import { type Page, type PageRequest, pageOf } from '../page.js';
import { dueShard, partitions, statusPrefix } from '../partitions.js';
import { batchGet, get, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import { UnitOfWork } from '../unit-of-work.js';
import { dueEntryChanges, syncDueEntries } from './due-list.js';

// A project and its tasks share one partition (PROJECT#<id>), so the whole plan is one Query;
// its time entries and task comments live there too. Creating a plan bigger than one
// transaction writes it in idempotent chunks under a creation marker: the project stays
// invisible until the last chunk completes it together with its events, and writing the same
// plan again finishes what a crash left, never duplicates it.
// Over 300 lines: the chunked, resumable plan creation belongs with the project's other writes.

/** A project's partition: its head, tasks, time, comments, and its portal timeline and shared files (portal.ts). */
export const projectPartition = (id: string) => `PROJECT#${id}`;
export const projectKey = (id: string): Key => ({ pk: projectPartition(id), sk: 'PROJECT' });
const taskKey = (projectId: string, taskId: string): Key => ({
  pk: projectPartition(projectId),
  sk: `TASK#${taskId}`,
});
const timeEntryKey = (projectId: string, date: string, id: string): Key => ({
  pk: projectPartition(projectId),
  sk: `TIME#${date}#${id}`,
});
const taskCommentKey = (projectId: string, taskId: string, at: string, id: string): Key => ({
  pk: projectPartition(projectId),
  sk: `NOTE#${taskId}#${at}#${id}`,
});
/** Minutes a user logged on one day: the 24-hour limit is a condition on this counter. */
const timesheetDayKey = (userId: string, date: string): Key => ({
  pk: `TIMESHEET#${userId}#${date}`,
  sk: 'TIMESHEET',
});
/** gsi1 locates a task and a time entry by their ids alone. */
const taskLocator = (taskId: string) => `TASK#${taskId}`;
const timeEntryLocator = (id: string) => `TIME-ENTRY#${id}`;
/** The due index's partition of live projects whose promise is at risk, by since when. */
const PROJECTS_AT_RISK = 'PROJECTS#AT-RISK';

export function projectItem(p: Project): Item {
  const created = `${p.createdAt}#${p.id}`;
  return {
    ...projectKey(p.id),
    entity: 'project',
    gsi1pk: partitions.allOf('PROJECT'),
    gsi1sk: `${p.status}#${created}`,
    gsi2pk: partitions.owner(p.ownerId),
    gsi2sk: `PROJECT#${p.status}#${created}`,
    ...(p.customer.companyId
      ? { gsi4pk: partitions.company(p.customer.companyId), gsi4sk: `PROJECT#${p.status}#${created}` }
      : {}),
    // a live project at risk sits in the due index: follow-ups and the digest read only those
    ...(promiseState(p) === 'at-risk' && p.atRiskSince
      ? { duepk: PROJECTS_AT_RISK, duesk: `${p.atRiskSince}#${p.id}` }
      : {}),
    ...p,
  };
}

export function taskItem(t: Task): Item {
  return {
    ...taskKey(t.projectId, t.id),
    entity: 'task',
    // Tasks live in their project's partition; the locator finds a task's project by its id.
    gsi1pk: taskLocator(t.id),
    gsi1sk: 'TASK',
    ...(t.assigneeId
      ? {
          gsi2pk: partitions.assignee(t.assigneeId),
          gsi2sk: `TASK#${isClosed(t) ? 'done' : 'open'}#${t.dueDate}#${t.id}`,
        }
      : {}),
    // An open task is in the due index until it is done.
    ...(!isClosed(t)
      ? { duepk: partitions.due(dueShard(t.id)), duesk: `${taskDueAt(t.dueDate)}#TASK#${t.id}` }
      : {}),
    ...t,
  };
}

/** A time entry, in its project's partition by day; gsi1 locates it by its id alone (to correct it). */
function timeEntryItem(e: TimeEntry): Item {
  return {
    ...timeEntryKey(e.projectId, e.date, e.id),
    entity: 'time-entry',
    gsi1pk: timeEntryLocator(e.id),
    gsi1sk: 'TIME-ENTRY',
    ...e,
  };
}

/** Who changes a project's head and tasks: delivery, the handoff, the cascade (and the CRM: a deleted deal, a merged customer). */
const PLAN_WRITERS = ['DeliveryApi', 'CreateProjectOnWin', 'RescheduleCascade'] as const;

export const projectPatterns = patterns({
  projectById: get({
    entity: 'project',
    pattern: "a project's head (no tasks)",
    usedBy:
      '`GET /projects/{id}/time-entries`, time commands, attachments, the handoff, `DELETE /deals/{id}`',
    functions: ['DeliveryApi', 'CreateProjectOnWin', 'CrmApi'],
    keyCondition: '`pk = PROJECT#<id>, sk = PROJECT`',
    roundTrips: '1 GetItem',
    key: projectKey,
  }),
  projectWithTasks: query({
    entity: 'project, task',
    pattern: 'a project with all its tasks (consistent)',
    usedBy:
      "`GET /projects/{id}`, `/schedule`, `GET /deals/{id}/project`, `/delivery`, every task command, the handoff, the cascade, `RefreshCopies` (its tasks' due-list entries), `GET /portal/project` and the customer's actions",
    functions: [...PLAN_WRITERS, 'RefreshCopies', 'PortalApi'],
    index: 'table',
    keyCondition: "`pk = PROJECT#<id> AND sk BETWEEN 'PROJECT' AND 'TASK#~'`",
    roundTrips: '1 Query',
    query: (projectId: string) => ({
      partition: projectPartition(projectId),
      sort: { between: ['PROJECT', 'TASK#~'] },
    }),
  }),
  projectHeads: batchGet({
    entity: 'project',
    pattern: 'the heads of the projects of due tasks (a project on hold is not followed up)',
    usedBy: 'overdue sweep, `GET /followups`, `GET /deals?overdue=true`, digest, `RebuildReports`',
    functions: ['OverdueSweep', 'CrmApi', 'DailyDigest', 'RebuildReports'],
    keyCondition: 'BatchGet `PROJECT#<id>` / `PROJECT`, 100 at a time',
    roundTrips: '1 BatchGetItem per 100 projects',
    keys: (ids: string[]) => ids.map(projectKey),
  }),
  allProjects: query({
    entity: 'project',
    pattern: 'every project (by status), newest first',
    usedBy: '`GET /projects?status=`',
    functions: ['DeliveryApi'],
    index: 'gsi1',
    keyCondition: '`gsi1pk = PROJECT AND begins_with(gsi1sk, <status>#)`',
    roundTrips: '1 Query',
    query: (status?: string) => ({
      index: 'gsi1',
      partition: partitions.allOf('PROJECT'),
      sort: { beginsWith: statusPrefix(status) },
    }),
  }),
  ownerProjects: query({
    entity: 'project',
    pattern: "the projects a person delivers (their delivery owner's, by status)",
    usedBy: '`GET /projects?ownerId=`',
    functions: ['DeliveryApi'],
    index: 'gsi2',
    keyCondition: '`gsi2pk = OWNER#<user> AND begins_with(gsi2sk, PROJECT#<status>#)`',
    roundTrips: '1 Query',
    query: (ownerId: string, status?: string) => ({
      index: 'gsi2',
      partition: partitions.owner(ownerId),
      sort: { beginsWith: `PROJECT#${statusPrefix(status)}` },
    }),
  }),
  companyProjects: query({
    entity: 'project',
    pattern: "a customer's projects (by status)",
    usedBy: '`GET /projects?companyId=`, `DELETE /companies/{id}` (COUNT), company merges',
    functions: ['DeliveryApi', 'CrmApi'],
    index: 'gsi4',
    keyCondition: '`gsi4pk = COMPANY#<id> AND begins_with(gsi4sk, PROJECT#<status>#)`',
    roundTrips: '1 Query',
    query: (companyId: string, status?: string) => ({
      index: 'gsi4',
      partition: partitions.company(companyId),
      sort: { beginsWith: `PROJECT#${statusPrefix(status)}` },
    }),
  }),
  projectsAtRisk: query({
    entity: 'project',
    pattern: 'live projects whose projected finish is past their promise, at risk longest first',
    usedBy: '`GET /followups`, digest, `RebuildReports` (their due-list entries)',
    functions: ['CrmApi', 'DailyDigest', 'RebuildReports'],
    index: 'due',
    keyCondition: '`duepk = PROJECTS#AT-RISK`',
    roundTrips: '1 Query',
    query: () => ({ index: 'due', partition: PROJECTS_AT_RISK }),
  }),
  taskLocator: query({
    entity: 'task',
    pattern: 'a task by its id alone (its locator carries the whole task)',
    usedBy: '`GET /tasks/{id}`, every task command',
    functions: ['DeliveryApi'],
    index: 'gsi1',
    keyCondition: '`gsi1pk = TASK#<id>`',
    roundTrips: '1 Query',
    query: (taskId: string) => ({ index: 'gsi1', partition: taskLocator(taskId) }),
  }),
  assigneeTasks: query({
    entity: 'task',
    pattern: "a person's tasks by due date (open or done)",
    usedBy: '`GET /tasks?assigneeId=&status=`, `/followups` (a deactivated assignee)',
    functions: ['DeliveryApi', 'CrmApi'],
    index: 'gsi2',
    keyCondition: '`gsi2pk = ASSIGNEE#<user> AND begins_with(gsi2sk, TASK#<open|done>#)`',
    roundTrips: '1 Query',
    query: (assigneeId: string, status?: 'open' | 'done') => ({
      index: 'gsi2',
      partition: partitions.assignee(assigneeId),
      sort: { beginsWith: `TASK#${statusPrefix(status)}` },
    }),
  }),
  projectTimeEntries: query({
    entity: 'time entry',
    pattern: "a project's time entries, newest day first",
    usedBy: '`GET /projects/{id}/time-entries`',
    functions: ['DeliveryApi'],
    index: 'table',
    keyCondition: '`pk = PROJECT#<id> AND begins_with(sk, TIME#)`',
    roundTrips: '1 Query',
    query: (projectId: string) => ({ partition: projectPartition(projectId), sort: { beginsWith: 'TIME#' } }),
  }),
  timeEntryById: query({
    entity: 'time entry',
    pattern: 'a time entry by its id alone (its locator carries the whole entry)',
    usedBy: '`PATCH /time-entries/{id}`, `DELETE /time-entries/{id}`',
    functions: ['DeliveryApi'],
    index: 'gsi1',
    keyCondition: '`gsi1pk = TIME-ENTRY#<id>`',
    roundTrips: '1 Query',
    query: (id: string) => ({ index: 'gsi1', partition: timeEntryLocator(id) }),
  }),
  taskComments: query({
    entity: 'comment',
    pattern: "a task's comments, oldest first",
    usedBy: '`GET /tasks/{id}/comments`',
    functions: ['DeliveryApi'],
    index: 'table',
    keyCondition: '`pk = PROJECT#<projectId> AND begins_with(sk, NOTE#<taskId>#)`',
    roundTrips: '2 (locate + Query)',
    query: (projectId: string, taskId: string) => ({
      partition: projectPartition(projectId),
      sort: { beginsWith: `NOTE#${taskId}#` },
    }),
  }),
  projectPlanned: write({
    entity: 'project',
    pattern:
      "a new project's plan: its head and tasks, in one transaction or in chunks under a creation marker",
    usedBy: '`POST /projects`, the handoff',
    functions: ['DeliveryApi', 'CreateProjectOnWin'],
    keyCondition:
      'Put `PROJECT#<id>` / `PROJECT` and each `TASK#<taskId>`, if absent or of this creation (a pending head completed last)',
    roundTrips: '1 transaction (larger plans: 1 per 100 tasks, + 2)',
    actions: ['PutItem'],
  }),
  projectChanged: write({
    entity: 'project',
    pattern: "a project's head, changed at its version",
    usedBy:
      'project and task commands, time logged, the handoff, the cascade, `DELETE /deals/{id}` (marked), company merges',
    functions: [...PLAN_WRITERS, 'CrmApi', 'PortalApi'],
    keyCondition: 'Put `PROJECT#<id>` / `PROJECT` at the version read',
    roundTrips: "none of its own (the command's transaction)",
    actions: ['PutItem'],
  }),
  taskChanged: write({
    entity: 'task',
    pattern: 'a task added, or changed or moved at its version',
    usedBy: "task commands, project reschedules, the handoff (a new win), the cascade, a customer's approval",
    functions: [...PLAN_WRITERS, 'PortalApi'],
    keyCondition: 'Put `PROJECT#<projectId>` / `TASK#<taskId>` if absent, or at the version read',
    roundTrips: "none of its own (the command's transaction)",
    actions: ['PutItem'],
  }),
  taskVersionChecked: write({
    entity: 'task',
    pattern: 'the task named by If-Match is still at that version when a comment or time entry commits',
    usedBy: '`POST /tasks/{id}/comments`, `POST /tasks/{id}/time-entries` with If-Match',
    functions: ['DeliveryApi'],
    keyCondition: 'ConditionCheck `PROJECT#<projectId>` / `TASK#<taskId>`: at the version named',
    roundTrips: "none of its own (a condition of the command's transaction)",
    actions: ['ConditionCheckItem'],
  }),
  timeLogged: write({
    entity: 'time entry',
    pattern: 'a time entry: logged, corrected or deleted at its version',
    usedBy: '`POST /tasks/{id}/time-entries`, `PATCH`/`DELETE /time-entries/{id}`',
    functions: ['DeliveryApi'],
    keyCondition:
      'Put `PROJECT#<projectId>` / `TIME#<date>#<id>` (if absent, or at the version read); Delete at the version read',
    roundTrips: "none of its own (the command's transaction)",
    actions: ['PutItem', 'DeleteItem'],
  }),
  timesheetDayAdded: write({
    entity: 'timesheet day',
    pattern: "a person's minutes of one day, kept within 24 hours by the write",
    usedBy: 'time logged, corrected or deleted',
    functions: ['DeliveryApi'],
    keyCondition:
      'UpdateItem `TIMESHEET#<userId>#<date>` / `TIMESHEET`: `ADD minutes`, more only within 1,440',
    roundTrips: "none of its own (the command's transaction)",
    actions: ['UpdateItem'],
  }),
  taskCommented: write({
    entity: 'comment',
    pattern: 'a comment on a task',
    usedBy: '`POST /tasks/{id}/comments`, `POST /portal/milestones/{taskId}/comments`',
    functions: ['DeliveryApi', 'PortalApi'],
    keyCondition: 'Put `PROJECT#<projectId>` / `NOTE#<taskId>#<at>#<id>` if absent',
    roundTrips: "none of its own (the command's transaction)",
    actions: ['PutItem'],
  }),
});

export const MAX_TRANSACTION_ITEMS = 100;

const asProject = entityOf<Project>(Project);
const asTask = entityOf<Task>(Task);
const asTimeEntry = entityOf<TimeEntry>(TimeEntry);
const asComment = entityOf<TaskComment>(TaskComment);

export interface LoadedProject {
  project: Project;
  tasks: Task[];
}

type Creation = { id: string; state: 'pending' | 'complete' };

export interface ProjectFilter {
  status?: string | undefined;
  ownerId?: string | undefined;
  companyId?: string | undefined;
}

export class ProjectRepository {
  constructor(private readonly store: Store) {}

  /** The project alone (one GetItem); a plan still being written does not exist yet. */
  async get(id: string): Promise<Project | undefined> {
    const item = await this.store.get(projectPatterns.projectById, id);
    if (!item || (item.creation as Creation | undefined)?.state === 'pending') return undefined;
    return asProject(item);
  }

  async require(id: string): Promise<Project> {
    const p = await this.get(id);
    if (!p) throw new NotFound('project', id);
    return p;
  }

  /** The project and every task: one Query over its partition (paged by DynamoDB past 1 MB). */
  async load(id: string): Promise<LoadedProject> {
    const items = await this.store.queryAll(projectPatterns.projectWithTasks.query(id));
    const head = items.find((i) => i.sk === 'PROJECT');
    if (!head || (head.creation as Creation | undefined)?.state === 'pending')
      throw new NotFound('project', id);
    return { project: asProject(head), tasks: items.filter((i) => i.entity === 'task').map(asTask) };
  }

  /** Where a task lives: its id's locator entry in gsi1 (it carries the whole task). */
  async findTask(taskId: string): Promise<Task | undefined> {
    const { items } = await this.store.query({ ...projectPatterns.taskLocator.query(taskId), limit: 1 });
    return items[0] ? asTask(items[0]) : undefined;
  }

  async requireTask(taskId: string): Promise<Task> {
    const t = await this.findTask(taskId);
    if (!t) throw new NotFound('task', taskId);
    return t;
  }

  /** A task with its whole project, consistently read, for commands that reschedule. */
  async loadForTask(taskId: string): Promise<LoadedProject & { task: Task }> {
    const located = await this.requireTask(taskId);
    const loaded = await this.load(located.projectId);
    const task = loaded.tasks.find((t) => t.id === taskId);
    if (!task) throw new NotFound('task', taskId);
    return { ...loaded, task };
  }

  list(f: ProjectFilter, page: PageRequest): Promise<Page<Project>> {
    const spec = f.ownerId
      ? projectPatterns.ownerProjects.query(f.ownerId, f.status)
      : f.companyId
        ? projectPatterns.companyProjects.query(f.companyId, f.status)
        : projectPatterns.allProjects.query(f.status);
    const filter =
      f.ownerId && f.companyId
        ? { filter: { expression: 'customer.companyId = :company', values: { ':company': f.companyId } } }
        : {};
    return pageOf(this.store, { ...spec, ...filter, ...page, newestFirst: true }, asProject);
  }

  tasksOf(assigneeId: string, status: 'open' | 'done' | undefined, page: PageRequest): Promise<Page<Task>> {
    return pageOf(
      this.store,
      { ...projectPatterns.assigneeTasks.query(assigneeId, status), ...page },
      asTask,
    );
  }

  timeEntries(projectId: string, page: PageRequest): Promise<Page<TimeEntry>> {
    return pageOf(
      this.store,
      { ...projectPatterns.projectTimeEntries.query(projectId), ...page, newestFirst: true },
      asTimeEntry,
    );
  }

  comments(projectId: string, taskId: string, page: PageRequest): Promise<Page<TaskComment>> {
    return pageOf(
      this.store,
      { ...projectPatterns.taskComments.query(projectId, taskId), ...page },
      asComment,
    );
  }

  /**
   * Writes a new plan. `creationId` names this creation: writing the same plan with the same
   * id again completes it if a crash stopped it, and is a no-op once it is complete.
   * Returns 'created', or 'exists' when this creation had already completed.
   */
  async create(
    project: Project,
    tasks: Task[],
    events: DomainEvent[],
    creationId: string,
    extra: Write[] = [],
  ): Promise<'created' | 'exists'> {
    const complete = { ...projectItem(project), creation: { id: creationId, state: 'complete' } };
    const sameCreation = { expression: 'creation.id = :creation', values: { ':creation': creationId } };
    const planned = projectPatterns.projectPlanned;
    const taskPuts: Write[] = tasks.map((t) => ({
      pattern: planned,
      put: { ...taskItem(t), creation: { id: creationId, state: 'complete' } },
      condition: {
        expression: 'attribute_not_exists(pk) OR creation.id = :creation',
        values: { ':creation': creationId },
      },
      onConditionFailed: () => new Conflict(`task ${t.id} already belongs to another plan`),
    }));
    const outbox = new UnitOfWork().events(events).writes;
    // each task on its person's due list, and the project too if it starts at risk
    const taskEntries = (t: Task) => dueEntryChanges([], taskDueEntries(t, project));
    const headEntries = dueEntryChanges([], projectDueEntries(project));
    const isDone = (current: Record<string, unknown> | undefined) => {
      const c = current?.creation as Creation | undefined;
      return c?.id === creationId && c.state === 'complete';
    };
    class AlreadyDone extends Error {}
    const headFailed = (current: Record<string, unknown> | undefined) =>
      isDone(current) ? new AlreadyDone() : new Conflict(`project ${project.id} already exists`);
    try {
      const entries = [...tasks.flatMap(taskEntries), ...headEntries];
      if (1 + taskPuts.length + entries.length + outbox.length + extra.length <= MAX_TRANSACTION_ITEMS) {
        await this.store.transact([
          {
            pattern: planned,
            put: complete,
            condition: { expression: 'attribute_not_exists(pk)' },
            onConditionFailed: headFailed,
          },
          ...taskPuts,
          ...entries,
          ...outbox,
          ...extra,
        ]);
        return 'created';
      }
      if (outbox.length + extra.length + headEntries.length + 1 > MAX_TRANSACTION_ITEMS) {
        throw new Error(
          `a plan's creation events and links (${outbox.length + extra.length}) must fit one transaction`,
        );
      }
      // Pending: no index keys, so no list shows a plan that is not complete.
      const bare = Object.fromEntries(
        Object.entries(complete).filter(([k]) => !/^gsi\d/.test(k)),
      ) as typeof complete;
      await this.store.transact([
        {
          pattern: planned,
          put: { ...bare, creation: { id: creationId, state: 'pending' } },
          condition: {
            expression:
              'attribute_not_exists(pk) OR (creation.id = :creation AND creation.#state = :pending)',
            names: { '#state': 'state' },
            values: { ':creation': creationId, ':pending': 'pending' },
          },
          onConditionFailed: headFailed,
        },
      ]);
      // a task and its due-list entry in the same chunk (written again if a crash repeats it)
      const half = MAX_TRANSACTION_ITEMS / 2;
      for (let i = 0; i < taskPuts.length; i += half) {
        await this.store.transact([
          ...taskPuts.slice(i, i + half),
          ...tasks.slice(i, i + half).flatMap(taskEntries),
        ]);
      }
      await this.store.transact([
        {
          pattern: planned,
          put: complete,
          condition: {
            expression: `${sameCreation.expression} AND creation.#state = :pending`,
            names: { '#state': 'state' },
            values: { ...sameCreation.values, ':pending': 'pending' },
          },
          onConditionFailed: headFailed,
        },
        ...headEntries,
        ...outbox,
        ...extra,
      ]);
      return 'created';
    } catch (error) {
      if (error instanceof AlreadyDone) return 'exists';
      throw error;
    }
  }

  /**
   * Writes a task command's decision: the project, the tasks it changed or moved, its events.
   * When they do not fit one transaction, the changed tasks and the project are written with
   * `cascade` (a ProjectRescheduleRequested event) and the moved tasks are left to the cascade.
   */
  async apply(
    loaded: LoadedProject,
    decision: TaskDecision,
    options: { extra?: Write[]; cascade: () => DomainEvent; now: string },
  ): Promise<{ cascaded: boolean }> {
    const before = new Map(loaded.tasks.map((t) => [t.id, t]));
    const build = (tasks: Task[], events: DomainEvent[]) => {
      const uow = new UnitOfWork();
      if (JSON.stringify(decision.project) !== JSON.stringify(loaded.project)) {
        const next =
          decision.project.version > loaded.project.version
            ? decision.project
            : { ...decision.project, updatedAt: options.now, version: loaded.project.version + 1 };
        uow.update(projectPatterns.projectChanged, loaded.project, projectItem(next));
        syncDueEntries(uow, projectDueEntries(loaded.project), projectDueEntries(next));
      }
      for (const t of tasks) {
        const was = before.get(t.id);
        if (was) uow.update(projectPatterns.taskChanged, was, taskItem(t));
        else uow.create(projectPatterns.taskChanged, taskItem(t));
        syncDueEntries(
          uow,
          was ? taskDueEntries(was, loaded.project) : [],
          taskDueEntries(t, decision.project),
        );
      }
      return uow.events(events).add(...(options.extra ?? []));
    };
    const all = build(decision.changed, decision.events);
    if (all.writes.length <= MAX_TRANSACTION_ITEMS) {
      await all.commit(this.store);
      return { cascaded: false };
    }
    const movedOnly = new Set(decision.movedOnly);
    const first = build(
      decision.changed.filter((t) => !movedOnly.has(t.id)),
      [
        ...decision.events.filter(
          (e) => !(e.detailType === 'TaskRescheduled' && movedOnly.has(e.detail.data.taskId)),
        ),
        options.cascade(),
      ],
    );
    if (first.writes.length > MAX_TRANSACTION_ITEMS) {
      throw new ValidationFailed([
        { path: '', message: 'this change touches more than one transaction can hold; split it' },
      ]);
    }
    await first.commit(this.store);
    return { cascaded: true };
  }

  /**
   * The project's head at the version read, and its own due-list entries (at risk). Its tasks'
   * entries follow a change of status or delivery owner a moment later (RefreshCopies).
   */
  updateHead(uow: UnitOfWork, before: Project, after: Project): UnitOfWork {
    uow.update(projectPatterns.projectChanged, before, projectItem(after));
    return syncDueEntries(uow, projectDueEntries(before), projectDueEntries(after));
  }

  /** A time entry, and the person's minutes that day: at most 24 hours, checked by the write. */
  addTimeEntry(uow: UnitOfWork, entry: TimeEntry): UnitOfWork {
    uow.add({ pattern: projectPatterns.timeLogged, put: timeEntryItem(entry), condition: notExists });
    return this.addToDay(uow, entry.userId, entry.date, entry.minutes);
  }

  /** A time entry by its id (entries logged before the locator existed are not found). */
  async findTimeEntry(id: string): Promise<TimeEntry> {
    const { items } = await this.store.query({ ...projectPatterns.timeEntryById.query(id), limit: 1 });
    if (!items[0]) throw new NotFound('time entry', id);
    return asTimeEntry(items[0]);
  }

  /** A corrected entry at the version read, and both days' counters (the new day within 24 hours). */
  changeTimeEntry(uow: UnitOfWork, before: TimeEntry, after: TimeEntry): UnitOfWork {
    if (before.date === after.date) {
      uow.update(projectPatterns.timeLogged, before, timeEntryItem(after));
      const more = after.minutes - before.minutes;
      return more === 0 ? uow : this.addToDay(uow, after.userId, after.date, more);
    }
    uow.remove(projectPatterns.timeLogged, before, timeEntryKey(before.projectId, before.date, before.id));
    uow.add({ pattern: projectPatterns.timeLogged, put: timeEntryItem(after), condition: notExists });
    this.addToDay(uow, before.userId, before.date, -before.minutes);
    return this.addToDay(uow, after.userId, after.date, after.minutes);
  }

  removeTimeEntry(uow: UnitOfWork, entry: TimeEntry): UnitOfWork {
    uow.remove(projectPatterns.timeLogged, entry, timeEntryKey(entry.projectId, entry.date, entry.id));
    return this.addToDay(uow, entry.userId, entry.date, -entry.minutes);
  }

  /** Adds minutes to a person's day; more minutes only while the day stays within 1,440. */
  private addToDay(uow: UnitOfWork, userId: string, date: string, minutes: number): UnitOfWork {
    return uow.add({
      pattern: projectPatterns.timesheetDayAdded,
      update: {
        key: timesheetDayKey(userId, date),
        expression: 'ADD minutes :minutes SET entity = :entity',
        values: { ':minutes': minutes, ':entity': 'timesheet-day' },
      },
      ...(minutes > 0
        ? {
            condition: {
              expression: 'attribute_not_exists(minutes) OR minutes <= :room',
              values: { ':room': 1_440 - minutes },
            },
            onConditionFailed: (current: Record<string, unknown> | undefined) =>
              new ValidationFailed([
                {
                  path: 'minutes',
                  message: `${userId} already logged ${Number(current?.minutes ?? 0)} minutes on ${date}; a day has 1,440`,
                },
              ]),
          }
        : {}),
    });
  }

  addComment(uow: UnitOfWork, projectId: string, comment: TaskComment): UnitOfWork {
    return uow.add({
      pattern: projectPatterns.taskCommented,
      put: {
        ...taskCommentKey(projectId, comment.taskId, comment.createdAt, comment.id),
        entity: 'task-comment',
        ...comment,
      },
      condition: notExists,
    });
  }

  /** Writes tasks that only moved, with their events, in transactions that each fit. */
  async writeMoves(
    loaded: LoadedProject,
    moved: Task[],
    events: Map<string, DomainEvent>,
    project?: Project,
    projectEvents: DomainEvent[] = [],
  ): Promise<void> {
    const before = new Map(loaded.tasks.map((t) => [t.id, t]));
    // a task, its event, and its due-list entry moved (a delete and a put)
    const perTask = 4;
    const size = Math.floor((MAX_TRANSACTION_ITEMS - 5 - projectEvents.length) / perTask);
    const after = project ?? loaded.project;
    for (let i = 0; i === 0 || i < moved.length; i += size) {
      const uow = new UnitOfWork();
      if (i === 0 && project) this.updateHead(uow, loaded.project, project).events(projectEvents);
      for (const t of moved.slice(i, i + size)) {
        uow.update(projectPatterns.taskChanged, before.get(t.id)!, taskItem(t));
        syncDueEntries(uow, taskDueEntries(before.get(t.id)!, loaded.project), taskDueEntries(t, after));
        const event = events.get(t.id);
        if (event) uow.events([event]);
      }
      await uow.commit(this.store);
    }
  }

  /** Due-list entries written again (RefreshCopies): up to 100 writes a transaction. */
  async writeDueEntries(changes: { before: DueEntry[]; after: DueEntry[] }[]): Promise<void> {
    const writes = changes.flatMap((c) => dueEntryChanges(c.before, c.after));
    for (let i = 0; i < writes.length; i += MAX_TRANSACTION_ITEMS) {
      await this.store.transact(writes.slice(i, i + MAX_TRANSACTION_ITEMS));
    }
  }

  /** The task must still be at the version read when the command commits (a comment, time logged under If-Match). */
  requireTaskVersion(uow: UnitOfWork, task: Task): UnitOfWork {
    return uow.requireVersion(projectPatterns.taskVersionChecked, task, taskKey(task.projectId, task.id));
  }

  /** How many projects a company is the customer of (a COUNT Query). */
  countAtCompany(companyId: string): Promise<number> {
    return this.store.count(projectPatterns.companyProjects.query(companyId));
  }

  /** Of these projects, the planned and active ones, with their owners (heads, 100 to a BatchGetItem). */
  async liveOwners(ids: string[]): Promise<Map<string, string>> {
    const live = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 100) {
      const heads = await this.store.batchGet(projectPatterns.projectHeads, ids.slice(i, i + 100));
      for (const head of heads) {
        if (head && (head.status === 'planned' || head.status === 'active'))
          live.set(String(head.id), String(head.ownerId));
      }
    }
    return live;
  }

  /** Live projects at risk (the due index's at-risk partition), at risk longest first. */
  async atRisk(): Promise<Project[]> {
    return (await this.store.queryAll(projectPatterns.projectsAtRisk.query())).map(asProject);
  }
}
