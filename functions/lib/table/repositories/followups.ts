import { Activity } from '../../../../domain/crm/activity.js';
import { Deal } from '../../../../domain/crm/deal.js';
import { Project, Task } from '../../../../domain/delivery/project.js';
import {
  type FollowUp,
  missingHandoff,
  needsReassignment,
  overdueActivity,
  overdueNextAction,
  overdueTask,
  projectAtRisk,
  stalledDeal,
} from '../../../../domain/followup/followups.js';
import { toMillis } from '../../../../domain/shared/time.js';
import { accessPatterns } from '../access-patterns.js';
import { DUE_SHARDS, keys } from '../keys.js';
import { entityOf, type Store } from '../store.js';
import { DealRepository } from './deals.js';
import { PipelineRepository } from './pipelines.js';
import { ProfileRepository } from './profiles.js';

// Reads what is late, through indexes only (docs/architecture.md, decision 1):
// - next actions, tasks and CRM tasks due by T: a Query per due-index shard, `duesk <= T`: it reads what
//   is due, not what is stored; the due tasks' project heads (BatchGetItem) drop tasks of projects
//   on hold, cancelled or done;
// - stalled deals: per stage with a rotAfterDays, the deals of that stage that entered it
//   before T - rotAfterDays (gsi3 is sorted by stage entry);
// - won deals without a project: the due index's pending-handoff partition;
// - live projects at risk: the due index's at-risk partition;
// - a deactivated person's open deals and tasks: the profiles (one Query), then per such
//   person their open deals (owner index), open tasks and CRM tasks (assignee indexes).
// `read` counts the items each read returned, for the benchmarks.

const asDeal = entityOf<Deal>(Deal);
const asTask = entityOf<Task>(Task);
const asActivity = entityOf<Activity>(Activity);
const asProject = entityOf<Project>(Project);

export interface Read<T> {
  items: T;
  read: number;
}

export class FollowUpReader {
  private readonly pipelines: PipelineRepository;
  private readonly deals: DealRepository;
  private readonly profiles: ProfileRepository;

  constructor(private readonly store: Store) {
    this.pipelines = new PipelineRepository(store);
    this.deals = new DealRepository(store);
    this.profiles = new ProfileRepository(store);
  }

  /** Every open next action and task due at or before `until`, as stored. */
  async dueBy(
    until: string,
  ): Promise<
    Read<{ deals: Deal[]; tasks: Task[]; activities: Activity[]; projectOwners: Map<string, string> }>
  > {
    const pages = await Promise.all(
      Array.from({ length: DUE_SHARDS }, (_, shard) =>
        this.store.queryAll(accessPatterns.dueBy.query(shard, until)),
      ),
    );
    const items = pages.flat();
    const tasks = items.filter((i) => i.entity === 'task').map(asTask);
    const live = await this.liveProjects([...new Set(tasks.map((t) => t.projectId))]);
    return {
      items: {
        deals: items.filter((i) => i.entity === 'deal').map(asDeal),
        // a project on hold, cancelled or done is not followed up: its tasks wait with it
        tasks: tasks.filter((t) => live.has(t.projectId)),
        activities: items.filter((i) => i.entity === 'activity').map(asActivity),
        projectOwners: live,
      },
      read: items.length + live.size,
    };
  }

  /** Of these projects, the planned and active ones, with their owners (heads, 100 to a BatchGetItem). */
  private async liveProjects(ids: string[]): Promise<Map<string, string>> {
    const live = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 100) {
      const heads = await this.store.batchGet(ids.slice(i, i + 100).map((id) => keys.project(id)));
      for (const head of heads) {
        if (head && (head.status === 'planned' || head.status === 'active'))
          live.set(String(head.id), String(head.ownerId));
      }
    }
    return live;
  }

  async overdue(now: string): Promise<Read<FollowUp[]>> {
    const { items, read } = await this.dueBy(now);
    return {
      items: [
        ...items.deals.flatMap((d) => overdueNextAction(d, now) ?? []),
        ...items.tasks.flatMap((t) => overdueTask(t, now, items.projectOwners.get(t.projectId)) ?? []),
        ...items.activities.flatMap((a) => overdueActivity(a, now) ?? []),
      ],
      read,
    };
  }

  async stalled(now: string): Promise<Read<FollowUp[]>> {
    const pipelines = await this.pipelines.all();
    let read = pipelines.length;
    const found: FollowUp[] = [];
    await Promise.all(
      pipelines.map(async (p) => {
        for (const [stageId, deals] of await this.deals.stalledIn(p, now)) {
          const stage = p.stages.find((st) => st.id === stageId)!;
          read += deals.length;
          for (const deal of deals) {
            const f = stalledDeal(deal, stage, now);
            if (f) found.push(f);
          }
        }
      }),
    );
    return { items: found, read };
  }

  async missingHandoffs(now: string, graceMinutes: number): Promise<Read<FollowUp[]>> {
    const cutoff = new Date(toMillis(now) - graceMinutes * 60_000).toISOString();
    const deals = await this.deals.waitingForProject(cutoff);
    return {
      items: deals.flatMap((d) => missingHandoff(d, graceMinutes, now) ?? []),
      read: deals.length,
    };
  }

  /** Live projects at risk (the due index's at-risk partition): for their owners and deal owners. */
  async projectsAtRisk(now: string): Promise<Read<FollowUp[]>> {
    const projects = (await this.store.queryAll(accessPatterns.projectsAtRisk.query())).map(asProject);
    return { items: projects.flatMap((p) => projectAtRisk(p, now)), read: projects.length };
  }

  async needsReassignment(now: string): Promise<Read<FollowUp[]>> {
    const gone = await this.profiles.deactivated();
    let read = gone.length;
    const found = await Promise.all(
      gone.map(async (person) => {
        const left = { id: person.id, deactivatedAt: person.deactivatedAt ?? person.updatedAt };
        const [deals, tasks, activities] = await Promise.all([
          this.store.queryAll(accessPatterns.ownerDeals.query(person.id, 'open')),
          this.store.queryAll(accessPatterns.assigneeTasks.query(person.id, 'open')),
          this.store.queryAll(accessPatterns.assigneeActivities.query(person.id, 'open')),
        ]);
        read += deals.length + tasks.length + activities.length;
        return [
          ...deals.map(asDeal).flatMap((deal) => needsReassignment({ kind: 'deal', deal }, left, now) ?? []),
          ...tasks.map(asTask).flatMap((task) => needsReassignment({ kind: 'task', task }, left, now) ?? []),
          ...activities
            .map(asActivity)
            .flatMap((activity) => needsReassignment({ kind: 'activity', activity }, left, now) ?? []),
        ];
      }),
    );
    return { items: found.flat(), read };
  }
}
