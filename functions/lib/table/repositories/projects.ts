import { Project, Task, TaskComment, TimeEntry } from '../../../../domain/delivery/project.js';
import type { TaskDecision } from '../../../../domain/delivery/reschedule.js';
import type { DomainEvent } from '../../../../domain/events.js';
import { Conflict, NotFound, ValidationFailed } from '../../../../domain/shared/errors.js';
import { accessPatterns } from '../access-patterns.js';
import { keys, projectItem, taskItem, timeEntryItem } from '../keys.js';
import { entityOf, notExists, type Store, type Write } from '../store.js';
import { UnitOfWork } from '../unit-of-work.js';
import { type Page, type PageRequest, pageOf } from './page.js';

// A project and its tasks share one partition (PROJECT#<id>), so the whole plan is one Query.
// Creating a plan bigger than one transaction writes it in idempotent chunks under a creation
// marker: the project stays invisible until the last chunk completes it together with its
// events, and writing the same plan again finishes what a crash left, never duplicates it.
// Over 300 lines: the chunked, resumable plan creation belongs with the project's other writes.

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
    const item = await this.store.get(keys.project(id));
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
    const items = await this.store.queryAll(accessPatterns.projectWithTasks.query(id));
    const head = items.find((i) => i.sk === 'PROJECT');
    if (!head || (head.creation as Creation | undefined)?.state === 'pending')
      throw new NotFound('project', id);
    return { project: asProject(head), tasks: items.filter((i) => i.entity === 'task').map(asTask) };
  }

  /** Where a task lives: its id's locator entry in gsi1 (it carries the whole task). */
  async findTask(taskId: string): Promise<Task | undefined> {
    const { items } = await this.store.query({ ...accessPatterns.taskLocator.query(taskId), limit: 1 });
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
      ? accessPatterns.ownerProjects.query(f.ownerId, f.status)
      : f.companyId
        ? accessPatterns.companyProjects.query(f.companyId, f.status)
        : accessPatterns.allProjects.query(f.status);
    const filter =
      f.ownerId && f.companyId
        ? { filter: { expression: 'customer.companyId = :company', values: { ':company': f.companyId } } }
        : {};
    return pageOf(this.store, { ...spec, ...filter, ...page, newestFirst: true }, asProject);
  }

  tasksOf(assigneeId: string, status: 'open' | 'done' | undefined, page: PageRequest): Promise<Page<Task>> {
    return pageOf(this.store, { ...accessPatterns.assigneeTasks.query(assigneeId, status), ...page }, asTask);
  }

  timeEntries(projectId: string, page: PageRequest): Promise<Page<TimeEntry>> {
    return pageOf(
      this.store,
      { ...accessPatterns.projectTimeEntries.query(projectId), ...page, newestFirst: true },
      asTimeEntry,
    );
  }

  comments(projectId: string, taskId: string, page: PageRequest): Promise<Page<TaskComment>> {
    return pageOf(
      this.store,
      { ...accessPatterns.taskComments.query(projectId, taskId), ...page },
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
    const taskPuts: Write[] = tasks.map((t) => ({
      put: { ...taskItem(t), creation: { id: creationId, state: 'complete' } },
      condition: {
        expression: 'attribute_not_exists(pk) OR creation.id = :creation',
        values: { ':creation': creationId },
      },
      onConditionFailed: () => new Conflict(`task ${t.id} already belongs to another plan`),
    }));
    const outbox = new UnitOfWork().events(events).writes;
    const isDone = (current: Record<string, unknown> | undefined) => {
      const c = current?.creation as Creation | undefined;
      return c?.id === creationId && c.state === 'complete';
    };
    class AlreadyDone extends Error {}
    const headFailed = (current: Record<string, unknown> | undefined) =>
      isDone(current) ? new AlreadyDone() : new Conflict(`project ${project.id} already exists`);
    try {
      if (1 + taskPuts.length + outbox.length + extra.length <= MAX_TRANSACTION_ITEMS) {
        await this.store.transact([
          {
            put: complete,
            condition: { expression: 'attribute_not_exists(pk)' },
            onConditionFailed: headFailed,
          },
          ...taskPuts,
          ...outbox,
          ...extra,
        ]);
        return 'created';
      }
      if (outbox.length + extra.length + 1 > MAX_TRANSACTION_ITEMS) {
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
      for (let i = 0; i < taskPuts.length; i += MAX_TRANSACTION_ITEMS) {
        await this.store.transact(taskPuts.slice(i, i + MAX_TRANSACTION_ITEMS));
      }
      await this.store.transact([
        {
          put: complete,
          condition: {
            expression: `${sameCreation.expression} AND creation.#state = :pending`,
            names: { '#state': 'state' },
            values: { ...sameCreation.values, ':pending': 'pending' },
          },
          onConditionFailed: headFailed,
        },
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
        uow.update('project', loaded.project, projectItem(next));
      }
      for (const t of tasks) {
        const was = before.get(t.id);
        if (was) uow.update('task', was, taskItem(t));
        else uow.create('task', taskItem(t));
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

  updateHead(uow: UnitOfWork, before: Project, after: Project): UnitOfWork {
    return uow.update('project', before, projectItem(after));
  }

  /** A time entry, and the person's minutes that day: at most 24 hours, checked by the write. */
  addTimeEntry(uow: UnitOfWork, entry: TimeEntry): UnitOfWork {
    uow.add({ put: timeEntryItem(entry), condition: notExists });
    return this.addToDay(uow, entry.userId, entry.date, entry.minutes);
  }

  /** A time entry by its id (entries logged before the locator existed are not found). */
  async findTimeEntry(id: string): Promise<TimeEntry> {
    const { items } = await this.store.query({ ...accessPatterns.timeEntryById.query(id), limit: 1 });
    if (!items[0]) throw new NotFound('time entry', id);
    return asTimeEntry(items[0]);
  }

  /** A corrected entry at the version read, and both days' counters (the new day within 24 hours). */
  changeTimeEntry(uow: UnitOfWork, before: TimeEntry, after: TimeEntry): UnitOfWork {
    if (before.date === after.date) {
      uow.update('time entry', before, timeEntryItem(after));
      const more = after.minutes - before.minutes;
      return more === 0 ? uow : this.addToDay(uow, after.userId, after.date, more);
    }
    uow.remove('time entry', before, keys.timeEntry(before.projectId, before.date, before.id));
    uow.add({ put: timeEntryItem(after), condition: notExists });
    this.addToDay(uow, before.userId, before.date, -before.minutes);
    return this.addToDay(uow, after.userId, after.date, after.minutes);
  }

  removeTimeEntry(uow: UnitOfWork, entry: TimeEntry): UnitOfWork {
    uow.remove('time entry', entry, keys.timeEntry(entry.projectId, entry.date, entry.id));
    return this.addToDay(uow, entry.userId, entry.date, -entry.minutes);
  }

  /** Adds minutes to a person's day; more minutes only while the day stays within 1,440. */
  private addToDay(uow: UnitOfWork, userId: string, date: string, minutes: number): UnitOfWork {
    return uow.add({
      update: {
        key: keys.timesheetDay(userId, date),
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
      put: {
        ...keys.taskComment(projectId, comment.taskId, comment.createdAt, comment.id),
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
    const perTask = 2;
    const size = Math.floor((MAX_TRANSACTION_ITEMS - 1 - projectEvents.length) / perTask);
    for (let i = 0; i === 0 || i < moved.length; i += size) {
      const uow = new UnitOfWork();
      if (i === 0 && project)
        uow.update('project', loaded.project, projectItem(project)).events(projectEvents);
      for (const t of moved.slice(i, i + size)) {
        uow.update('task', before.get(t.id)!, taskItem(t));
        const event = events.get(t.id);
        if (event) uow.events([event]);
      }
      await uow.commit(this.store);
    }
  }
}
