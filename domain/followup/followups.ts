import { type Activity, isOpenTask } from '../crm/activity.js';
import type { Deal } from '../crm/deal.js';
import type { Stage } from '../crm/pipeline.js';
import type { Project, Task } from '../delivery/project.js';
import { CalendarDate, Instant, MS_PER_DAY, toMillis } from '../shared/time.js';
import * as z from '../shared/zod.js';
import type { WebhookEndpoint } from '../webhooks/endpoint.js';

// What is late, and how late: the follow-ups a sweep flags, a digest lists and GET /followups
// shows. Pure: every function takes "now".

export const FollowUp = z
  .discriminatedUnion('kind', () => [
    z.object(() => ({
      kind: z.literal('overdue-next-action'),
      dealId: z.string(),
      dealTitle: z.string(),
      ownerId: z.string(),
      summary: z.string(),
      dueAt: Instant,
      minutesLate: z.int(),
    })),
    z.object(() => ({
      kind: z.literal('overdue-task'),
      taskId: z.string(),
      projectId: z.string(),
      title: z.string(),
      ownerId: z
        .string()
        .nullable()
        .describe(
          "who follows it up: its assignee, else the project's delivery owner (an unassigned task reaches someone)",
        ),
      assigneeId: z.string().nullable(),
      dueDate: z.string(),
      dueAt: Instant,
      minutesLate: z.int(),
    })),
    z.object(() => ({
      kind: z.literal('overdue-activity'),
      /** A CRM task (an activity of type task) open past its due time. */
      activityId: z.string(),
      subject: z.string(),
      dealId: z.string().optional(),
      contactId: z.string().optional(),
      /** Its assignee. */
      ownerId: z.string(),
      dueAt: Instant,
      minutesLate: z.int(),
    })),
    z.object(() => ({
      kind: z.literal('stalled-deal'),
      dealId: z.string(),
      dealTitle: z.string(),
      ownerId: z.string(),
      pipelineId: z.string(),
      stageId: z.string(),
      /** The stage's name when the follow-up was read (people read names, not ids). */
      stageName: z.string().optional(),
      enteredAt: Instant,
      rotAfterDays: z.int(),
      daysInStage: z.int(),
      dueAt: Instant,
      minutesLate: z.int(),
    })),
    z.object(() => ({
      kind: z.literal('needs-reassignment'),
      /** The open deal, project task or CRM task whose owner or assignee was deactivated. */
      record: z.enum(['deal', 'task', 'activity']),
      recordId: z.string(),
      projectId: z.string().optional(),
      title: z.string(),
      /** The deactivated person. */
      ownerId: z.string(),
      deactivatedAt: Instant,
      dueAt: Instant,
      minutesLate: z.int(),
    })),
    z.object(() => ({
      kind: z.literal('project-at-risk'),
      projectId: z.string(),
      projectName: z.string(),
      dealId: z.string().nullable(),
      ownerId: z
        .string()
        .describe(
          "whose entry this is: the project's delivery owner, or the owner of the deal it delivers (each has their own entry; one when they are the same person)",
        ),
      role: z
        .enum(['project-owner', 'deal-owner'])
        .describe(
          'project-owner: you deliver it (its delivery owner: bring the plan back to the promise); deal-owner: you sold it, and the promise you made is at risk',
        ),
      deliveryOwnerId: z.string().describe("the project's delivery owner (its ownerId), who runs it"),
      dealOwnerId: z
        .string()
        .nullable()
        .describe('the owner of the deal it delivers, at its last win: who made the promise (null: no deal)'),
      promisedDueDate: CalendarDate,
      projectedFinish: CalendarDate,
      shortfallDays: z.int(),
      /** Since when it has been at risk. */
      dueAt: Instant,
      minutesLate: z.int(),
    })),
    z.object(() => ({
      kind: z.literal('webhook-endpoint-disabled'),
      endpointId: z.string(),
      origin: z.string().describe("the endpoint URL's scheme, host and port"),
      reason: z
        .enum(['failing', 'gone'])
        .describe(
          'failing: every delivery failed for its whole retry window; gone: the receiver answered 410',
        ),
      ownerId: z.string().describe('the admin this entry is for (every admin has one)'),
      dueAt: Instant.describe('when Handoff stopped sending to it'),
      minutesLate: z.int(),
    })),
    z.object(() => ({
      kind: z.literal('missing-handoff'),
      dealId: z.string(),
      dealTitle: z.string(),
      ownerId: z.string(),
      wonAt: Instant,
      dueAt: Instant,
      minutesLate: z.int(),
    })),
  ])
  .register(z.globalRegistry, { id: 'FollowUp' });
export type FollowUp = z.infer<typeof FollowUp>;

export function minutesBetween(from: string, to: string): number {
  return Math.max(0, Math.floor((toMillis(to) - toMillis(from)) / 60_000));
}

/** A task is late once its due date (a calendar day, read in UTC) has passed. */
export function taskDueAt(dueDate: string): string {
  return `${dueDate}T23:59:59.999Z`;
}

/** When a deal stalls in its current stage: known the moment it enters it. */
export function stallsAt(deal: Pick<Deal, 'stageEnteredAt'>, rotAfterDays: number): string {
  return new Date(toMillis(deal.stageEnteredAt) + rotAfterDays * MS_PER_DAY).toISOString();
}

/** A snooze silences a deal's flags until its instant. */
export function isSnoozed(deal: Pick<Deal, 'snooze'>, now: string): boolean {
  return deal.snooze !== undefined && deal.snooze.until > now;
}

export function overdueNextAction(deal: Deal, now: string): FollowUp | undefined {
  if (deal.status !== 'open' || !deal.nextAction || deal.nextAction.dueAt > now || isSnoozed(deal, now))
    return undefined;
  return {
    kind: 'overdue-next-action',
    dealId: deal.id,
    dealTitle: deal.title,
    ownerId: deal.ownerId,
    summary: deal.nextAction.summary,
    dueAt: deal.nextAction.dueAt,
    minutesLate: minutesBetween(deal.nextAction.dueAt, now),
  };
}

/** A late open task, for its assignee or, unassigned, for its project's delivery owner. */
export function overdueTask(task: Task, now: string, projectOwnerId?: string): FollowUp | undefined {
  const dueAt = taskDueAt(task.dueDate);
  if (task.status === 'done' || task.cancelled || dueAt > now) return undefined;
  return {
    kind: 'overdue-task',
    taskId: task.id,
    projectId: task.projectId,
    title: task.title,
    ownerId: task.assigneeId ?? projectOwnerId ?? null,
    assigneeId: task.assigneeId ?? null,
    dueDate: task.dueDate,
    dueAt,
    minutesLate: minutesBetween(dueAt, now),
  };
}

export function overdueActivity(activity: Activity, now: string): FollowUp | undefined {
  if (!isOpenTask(activity) || activity.dueAt! > now) return undefined;
  return {
    kind: 'overdue-activity',
    activityId: activity.id,
    subject: activity.subject,
    ...(activity.dealId ? { dealId: activity.dealId } : {}),
    ...(activity.contactId ? { contactId: activity.contactId } : {}),
    ownerId: activity.assigneeId ?? activity.ownerId,
    dueAt: activity.dueAt!,
    minutesLate: minutesBetween(activity.dueAt!, now),
  };
}

export function stalledDeal(
  deal: Deal,
  stage: Pick<Stage, 'rotAfterDays' | 'name'>,
  now: string,
): FollowUp | undefined {
  if (deal.status !== 'open' || stage.rotAfterDays === null || isSnoozed(deal, now)) return undefined;
  const dueAt = stallsAt(deal, stage.rotAfterDays);
  if (dueAt > now) return undefined;
  return {
    kind: 'stalled-deal',
    dealId: deal.id,
    dealTitle: deal.title,
    ownerId: deal.ownerId,
    pipelineId: deal.pipelineId,
    stageId: deal.stageId,
    stageName: stage.name,
    enteredAt: deal.stageEnteredAt,
    rotAfterDays: stage.rotAfterDays,
    daysInStage: Math.floor((toMillis(now) - toMillis(deal.stageEnteredAt)) / MS_PER_DAY),
    dueAt,
    minutesLate: minutesBetween(dueAt, now),
  };
}

export function missingHandoff(deal: Deal, graceMinutes: number, now: string): FollowUp | undefined {
  if (deal.status !== 'won' || deal.projectId || !deal.closedAt) return undefined;
  const dueAt = new Date(toMillis(deal.closedAt) + graceMinutes * 60_000).toISOString();
  if (dueAt > now) return undefined;
  return {
    kind: 'missing-handoff',
    dealId: deal.id,
    dealTitle: deal.title,
    ownerId: deal.ownerId,
    wonAt: deal.closedAt,
    dueAt,
    minutesLate: minutesBetween(dueAt, now),
  };
}

/** An open deal or task left with a person who has been deactivated: a manager reassigns it. */
export function needsReassignment(
  record:
    | { kind: 'deal'; deal: Deal }
    | { kind: 'task'; task: Task }
    | { kind: 'activity'; activity: Activity },
  person: { id: string; deactivatedAt: string },
  now: string,
): FollowUp | undefined {
  const common = {
    kind: 'needs-reassignment' as const,
    ownerId: person.id,
    deactivatedAt: person.deactivatedAt,
    dueAt: person.deactivatedAt,
    minutesLate: minutesBetween(person.deactivatedAt, now),
  };
  if (record.kind === 'deal') {
    if (record.deal.status !== 'open') return undefined;
    return { ...common, record: 'deal', recordId: record.deal.id, title: record.deal.title };
  }
  if (record.kind === 'activity') {
    if (record.activity.done) return undefined;
    return { ...common, record: 'activity', recordId: record.activity.id, title: record.activity.subject };
  }
  if (record.task.status === 'done') return undefined;
  return {
    ...common,
    record: 'task',
    recordId: record.task.id,
    projectId: record.task.projectId,
    title: record.task.title,
  };
}

/**
 * A live project whose projected finish is past its promise: one entry for its delivery owner
 * (who can bring the plan back) and one for the owner of the deal it delivers (whose promise to
 * the customer it was; one entry, when they are the same person). Each names both.
 */
export function projectAtRisk(project: Project, now: string): FollowUp[] {
  const { schedule } = project;
  if (!project.atRiskSince || !schedule.atRisk || !schedule.promisedDueDate || !schedule.projectedFinish)
    return [];
  if (project.status !== 'planned' && project.status !== 'active') return [];
  const common = {
    kind: 'project-at-risk' as const,
    projectId: project.id,
    projectName: project.name,
    dealId: project.dealId ?? null,
    deliveryOwnerId: project.ownerId,
    dealOwnerId: project.dealOwnerId ?? null,
    promisedDueDate: schedule.promisedDueDate,
    projectedFinish: schedule.projectedFinish,
    shortfallDays: schedule.shortfallDays,
    dueAt: project.atRiskSince,
    minutesLate: minutesBetween(project.atRiskSince, now),
  };
  const entries: FollowUp[] = [{ ...common, ownerId: project.ownerId, role: 'project-owner' }];
  if (project.dealOwnerId && project.dealOwnerId !== project.ownerId)
    entries.push({ ...common, ownerId: project.dealOwnerId, role: 'deal-owner' });
  return entries;
}

/**
 * A webhook endpoint Handoff stopped sending to (its deliveries failed for days, or it answered
 * 410), for an admin: they fix it, enable it and replay what it missed. One an admin disabled
 * is not late for anyone.
 */
export function disabledWebhookEndpoint(
  endpoint: Pick<WebhookEndpoint, 'id' | 'url' | 'status' | 'disabled'>,
  adminId: string,
  now: string,
): FollowUp | undefined {
  const { disabled } = endpoint;
  if (endpoint.status !== 'disabled' || !disabled || disabled.reason === 'admin') return undefined;
  return {
    kind: 'webhook-endpoint-disabled',
    endpointId: endpoint.id,
    origin: new URL(endpoint.url).origin,
    reason: disabled.reason,
    ownerId: adminId,
    dueAt: disabled.at,
    minutesLate: minutesBetween(disabled.at, now),
  };
}

/** Most late first; ties by what it is, so the order is stable across pages. */
export function byLateness(a: FollowUp, b: FollowUp): number {
  return a.dueAt.localeCompare(b.dueAt) || followUpId(a).localeCompare(followUpId(b));
}

export function followUpId(f: FollowUp): string {
  if (f.kind === 'overdue-task') return `${f.kind}:${f.taskId}`;
  if (f.kind === 'needs-reassignment') return `${f.kind}:${f.recordId}`;
  if (f.kind === 'overdue-activity') return `${f.kind}:${f.activityId}`;
  if (f.kind === 'project-at-risk') return `${f.kind}:${f.projectId}:${f.role}`;
  if (f.kind === 'webhook-endpoint-disabled') return `${f.kind}:${f.endpointId}:${f.ownerId}`;
  return `${f.kind}:${f.dealId}`;
}
