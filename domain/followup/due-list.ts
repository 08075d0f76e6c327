import type { Activity } from '../crm/activity.js';
import { isOpenTask } from '../crm/activity.js';
import type { Deal } from '../crm/deal.js';
import { isClosed, type Project, type Task } from '../delivery/project.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';
import { isSnoozed, projectAtRisk, taskDueAt } from './followups.js';

// A person's due list: everything of theirs that is late at some instant, or will be, each entry
// placed at the instant it becomes late for them (docs/data-model.md, "A person's due list").
// The header's badge counts the entries placed at or before now, and the console's reminder
// waits for the first placed after it, so both are one read of one partition. Each entry is
// written with its record, by the same rules as GET /followups:
// - an open deal's next action, for the deal's owner, late at its due time (a snooze moves that
//   to the snooze's end: a snoozed deal is not followed up until then);
// - an open CRM task, for its assignee (else its author), late at its due time;
// - an open task of a live project (planned or active), for its assignee (else the project's
//   delivery owner), late once its due day has passed;
// - a live project whose promise is at risk, for its delivery owner and the owner of the deal it
//   delivers, since it became at risk.
// Pure: which entries a record makes, from the record alone (and, for a task, its project).

export const DUE_KINDS = [
  'overdue-next-action',
  'overdue-activity',
  'overdue-task',
  'project-at-risk',
] as const;
/** The follow-up (domain/followup/followups.ts) an entry is once it is late. */
export type DueKind = (typeof DUE_KINDS)[number];

export interface DueEntry {
  /** Whose list it is on. */
  userId: string;
  /** When it is late for them. */
  at: string;
  kind: DueKind;
  recordId: string;
  /** What the console shows: the deal's title, the task's title or subject, the project's name. */
  title: string;
  /** The next action's summary. */
  summary?: string;
  /** The project of a task or of a project at risk. */
  projectId?: string;
}

/** An open deal's next action, on its owner's list from its due time (or the snooze's end). */
export function dealDueEntries(deal: Deal): DueEntry[] {
  if (deal.status !== 'open' || !deal.nextAction) return [];
  const { dueAt } = deal.nextAction;
  // snoozed past its due time: late when the snooze ends (isSnoozed is false from then on)
  const at = isSnoozed(deal, dueAt) ? deal.snooze!.until : dueAt;
  return [
    {
      userId: deal.ownerId,
      at,
      kind: 'overdue-next-action',
      recordId: deal.id,
      title: deal.title,
      summary: deal.nextAction.summary,
    },
  ];
}

/** An open CRM task, on its assignee's list (else its author's) from its due time. */
export function activityDueEntries(activity: Activity): DueEntry[] {
  if (!isOpenTask(activity)) return [];
  return [
    {
      userId: activity.assigneeId ?? activity.ownerId,
      at: activity.dueAt!,
      kind: 'overdue-activity',
      recordId: activity.id,
      title: activity.subject,
    },
  ];
}

const live = (project: Pick<Project, 'status'>) =>
  project.status === 'planned' || project.status === 'active';

/**
 * An open task of a live project, on its assignee's list (else the delivery owner's) once its due
 * day has passed. A project on hold, cancelled or done takes its tasks off every list.
 */
export function taskDueEntries(task: Task, project: Pick<Project, 'status' | 'ownerId'>): DueEntry[] {
  if (isClosed(task) || !live(project)) return [];
  return [
    {
      userId: task.assigneeId ?? project.ownerId,
      at: taskDueAt(task.dueDate),
      kind: 'overdue-task',
      recordId: task.id,
      title: task.title,
      projectId: task.projectId,
    },
  ];
}

/** A live project at risk, on its delivery owner's list and its deal owner's, since it became at risk. */
export function projectDueEntries(project: Project): DueEntry[] {
  if (!project.atRiskSince) return [];
  return projectAtRisk(project, project.atRiskSince).map((f) => ({
    userId: f.ownerId!,
    at: project.atRiskSince!,
    kind: 'project-at-risk' as const,
    recordId: project.id,
    title: project.name,
    projectId: project.id,
  }));
}

export const DueSummary = z
  .object(() => ({
    at: Instant.describe('the instant counted to (now)'),
    lateNextActions: z.int().describe('open deals of yours whose next action is past due (not snoozed)'),
    overdueTasks: z
      .int()
      .describe(
        "tasks of yours past due: CRM tasks, and live projects' tasks (unassigned ones of projects you deliver)",
      ),
    projectsAtRisk: z.int().describe('live projects you deliver, or that deliver a deal you own, at risk'),
    total: z.int(),
    next: z
      .object(() => ({
        kind: z.enum(DUE_KINDS),
        recordId: z.string(),
        projectId: z.string().optional(),
        title: z.string(),
        summary: z.string().optional(),
        dueAt: Instant.describe('when it becomes late'),
      }))
      .nullable()
      .describe('what of yours falls due next, and when: the console sets one timer for it'),
  }))
  .register(z.globalRegistry, { id: 'DueSummary' });
export type DueSummary = z.infer<typeof DueSummary>;

/** The counts of the entries late at `now`, and the first entry after it. */
export function summarize(late: DueEntry[], next: DueEntry | undefined, now: string): DueSummary {
  const count = (...kinds: DueKind[]) => late.filter((e) => kinds.includes(e.kind)).length;
  return {
    at: now,
    lateNextActions: count('overdue-next-action'),
    overdueTasks: count('overdue-task', 'overdue-activity'),
    projectsAtRisk: count('project-at-risk'),
    total: late.length,
    next: next
      ? {
          kind: next.kind,
          recordId: next.recordId,
          ...(next.projectId ? { projectId: next.projectId } : {}),
          title: next.title,
          ...(next.summary ? { summary: next.summary } : {}),
          dueAt: next.at,
        }
      : null,
  };
}
