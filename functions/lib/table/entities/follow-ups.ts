import { Activity } from '../../../../domain/crm/activity.js';
import { Deal } from '../../../../domain/crm/deal.js';
import { Task } from '../../../../domain/delivery/project.js';
import type { DomainEvent } from '../../../../domain/events.js';
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
import { ConcurrentModification, entityOf, type Key, notExists } from '../item.js';
import { DUE_SHARDS, partitions } from '../partitions.js';
import { patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import { UnitOfWork } from '../unit-of-work.js';
import { activityPatterns } from './activity.js';
import { DealRepository, dealPatterns } from './deal.js';
import { PipelineRepository } from './pipeline.js';
import { ProfileRepository } from './profile.js';
import { ProjectRepository, projectPatterns } from './project.js';

/**
 * What the sweep flags: everything late but a deactivated person's records (a manager's list, not
 * an alarm), projects at risk (their event is sent on the transition) and disabled webhook
 * endpoints (WebhookEndpointDisabled is sent when one is disabled).
 */
export type Flaggable = Exclude<
  FollowUp,
  { kind: 'needs-reassignment' | 'project-at-risk' | 'webhook-endpoint-disabled' }
>;

/** A follow-up flagged once: the next action, task or CRM task late at its due time, the stall. */
function flagKey(flag: Flaggable): Key {
  switch (flag.kind) {
    case 'overdue-next-action':
      return { pk: `FLAG#DEAL#${flag.dealId}`, sk: `OVERDUE#${flag.dueAt}` };
    case 'overdue-task':
      return { pk: `FLAG#TASK#${flag.taskId}`, sk: `OVERDUE#${flag.dueDate}` };
    case 'overdue-activity':
      return { pk: `FLAG#ACTIVITY#${flag.activityId}`, sk: `OVERDUE#${flag.dueAt}` };
    case 'stalled-deal':
      return { pk: `FLAG#DEAL#${flag.dealId}`, sk: `STALLED#${flag.enteredAt}` };
    case 'missing-handoff':
      return { pk: `FLAG#DEAL#${flag.dealId}`, sk: `HANDOFF#${flag.wonAt}` };
  }
}

const FLAG_RETENTION_SECONDS = 180 * 86_400;

export const followUpPatterns = patterns({
  dueBy: query({
    entity: 'deal, task, activity',
    pattern: 'next actions, tasks and CRM tasks due at or before T (one due-index shard)',
    usedBy:
      'overdue sweep, `GET /followups`, `GET /deals?overdue=true`, digest, `RebuildReports` (every open task: due-list entries)',
    functions: ['OverdueSweep', 'CrmApi', 'DailyDigest', 'RebuildReports'],
    index: 'due',
    keyCondition: `\`duepk = DUE#<shard> AND duesk <= <T>~\`, for each of the ${DUE_SHARDS} shards`,
    roundTrips: `${DUE_SHARDS} Query (parallel)`,
    query: (shard: number, until: string) => ({
      index: 'due',
      partition: partitions.due(shard),
      sort: { lessThanOrEqual: `${until}~` },
    }),
  }),
  followUpFlagged: write({
    entity: 'flag',
    pattern: 'flag a follow-up once per due time',
    usedBy: 'overdue sweep',
    functions: ['OverdueSweep'],
    keyCondition:
      'Put `FLAG#DEAL#<id>` / `OVERDUE#<dueAt>`, `STALLED#<entered>`; `FLAG#TASK#<id>` / `OVERDUE#<due date>`; `FLAG#ACTIVITY#<id>` / `OVERDUE#<dueAt>`, if absent',
    roundTrips: '1 transaction per new flag',
    actions: ['PutItem'],
  }),
});

/** Writes the flag and its event together; false when it was flagged before. */
export async function flagOnce(
  store: Store,
  f: Flaggable,
  event: DomainEvent,
  now: string,
): Promise<boolean> {
  try {
    await new UnitOfWork()
      .add({
        pattern: followUpPatterns.followUpFlagged,
        put: {
          ...flagKey(f),
          entity: 'flag',
          kind: f.kind,
          flaggedAt: now,
          expiresAt: Math.floor(Date.parse(now) / 1000) + FLAG_RETENTION_SECONDS,
        },
        condition: notExists,
        onConditionFailed: () => new ConcurrentModification('flag'),
      })
      .events([event])
      .commit(store);
    return true;
  } catch (error) {
    if (error instanceof ConcurrentModification) return false;
    throw error;
  }
}

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

export interface Read<T> {
  items: T;
  read: number;
}

export class FollowUpReader {
  private readonly pipelines: PipelineRepository;
  private readonly deals: DealRepository;
  private readonly profiles: ProfileRepository;
  private readonly projects: ProjectRepository;

  constructor(private readonly store: Store) {
    this.pipelines = new PipelineRepository(store);
    this.deals = new DealRepository(store);
    this.profiles = new ProfileRepository(store);
    this.projects = new ProjectRepository(store);
  }

  /** Every open next action and task due at or before `until`, as stored. */
  async dueBy(
    until: string,
  ): Promise<
    Read<{ deals: Deal[]; tasks: Task[]; activities: Activity[]; projectOwners: Map<string, string> }>
  > {
    const pages = await Promise.all(
      Array.from({ length: DUE_SHARDS }, (_, shard) =>
        this.store.queryAll(followUpPatterns.dueBy.query(shard, until)),
      ),
    );
    const items = pages.flat();
    const tasks = items.filter((i) => i.entity === 'task').map(asTask);
    const live = await this.projects.liveOwners([...new Set(tasks.map((t) => t.projectId))]);
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

  /** The live projects at risk, as stored (RebuildReports writes their due-list entries). */
  atRiskProjects() {
    return this.projects.atRisk();
  }

  /** Live projects at risk (the due index's at-risk partition): for their owners and deal owners. */
  async projectsAtRisk(now: string): Promise<Read<FollowUp[]>> {
    const projects = await this.projects.atRisk();
    return { items: projects.flatMap((p) => projectAtRisk(p, now)), read: projects.length };
  }

  async needsReassignment(now: string): Promise<Read<FollowUp[]>> {
    const gone = await this.profiles.deactivated();
    let read = gone.length;
    const found = await Promise.all(
      gone.map(async (person) => {
        const left = { id: person.id, deactivatedAt: person.deactivatedAt ?? person.updatedAt };
        const [deals, tasks, activities] = await Promise.all([
          this.store.queryAll(dealPatterns.ownerDeals.query(person.id, 'open')),
          this.store.queryAll(projectPatterns.assigneeTasks.query(person.id, 'open')),
          this.store.queryAll(activityPatterns.assigneeActivities.query(person.id, 'open')),
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
