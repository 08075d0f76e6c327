import type { Project, Task, TaskComment } from '../delivery/project.js';
import type { TaskDecision } from '../delivery/reschedule.js';
import { applyApproval, pendingApproval } from '../delivery/task.commands.js';
import { type DomainEvent, emit } from '../events.js';
import { type CommandContext, contactActor } from '../shared/context.js';
import { Conflict, Forbidden, NotFound } from '../shared/errors.js';
import { text } from '../shared/text.js';
import * as z from '../shared/zod.js';
import { type ProjectLogEntry, projectLogEntry } from './project-log.js';

// What a customer does through the portal: decide an approval assigned to them, comment on a
// milestone. Both are the team's own commands under the customer's name (`contact:<id>`): an
// approval follows the rules and events of an approval decided in the console, and each action
// is kept on the project's timeline as the contact.

/** Who a portal session is: one contact of the customer, on one project, through one link. */
export interface PortalViewer {
  linkId: string;
  sessionId: string;
  projectId: string;
  contactId: string;
  contactName: string;
}

export const CustomerDecision = z
  .strictObject(() => ({
    decision: z.enum(['approved', 'rejected']),
    comment: text(2_000).optional().describe('required to reject: what must change'),
  }))
  .refine((d) => d.decision !== 'rejected' || d.comment !== undefined, {
    error: 'say what must change before it can be approved',
    path: ['comment'],
  })
  .register(z.globalRegistry, { id: 'CustomerDecision' });
export type CustomerDecision = z.infer<typeof CustomerDecision>;

export const MilestoneComment = z
  .strictObject(() => ({ body: text(5_000) }))
  .register(z.globalRegistry, { id: 'MilestoneComment' });

/**
 * A task the customer may act on: in the session's project and shown to them. Anything else is
 * a 404, as if it did not exist: an internal task or another project's is not admitted to.
 */
export function taskForCustomer(viewer: PortalViewer, tasks: Task[], taskId: string): Task {
  const task = tasks.find((t) => t.id === taskId);
  if (!task || task.projectId !== viewer.projectId || task.internal || task.cancelled)
    throw new NotFound('task', taskId);
  return task;
}

function assertLive(project: Project): void {
  if (project.status !== 'planned' && project.status !== 'active')
    throw new Conflict(
      `the project is ${project.status.replace('_', ' ')}: nothing can be decided on it now`,
      {
        projectStatus: project.status,
      },
    );
}

/** The customer approves or rejects an approval assigned to them (403 when it is someone else's). */
export function decideCustomerApproval(
  project: Project,
  tasks: Task[],
  viewer: PortalViewer,
  taskId: string,
  input: CustomerDecision,
  ctx: CommandContext,
): TaskDecision & { log: ProjectLogEntry } {
  const task = taskForCustomer(viewer, tasks, taskId);
  if (!task.approval?.approverContactId) throw new NotFound('approval', taskId);
  if (task.approval.approverContactId !== viewer.contactId)
    throw new Forbidden(`this approval is decided by another contact (${task.approval.approverContactId})`);
  pendingApproval(task);
  assertLive(project);
  const decision = applyApproval(project, tasks, task, input, ctx, contactActor(viewer.contactId));
  const given: DomainEvent = emit(ctx, 'CustomerApprovalGiven', {
    projectId: project.id,
    taskId: task.id,
    title: task.title,
    contactId: viewer.contactId,
    decision: input.decision,
    ...(input.comment ? { comment: input.comment } : {}),
    dealId: project.dealId ?? null,
    dealOwnerId: project.dealOwnerId ?? null,
    projectOwnerId: project.ownerId,
  });
  return {
    ...decision,
    events: [...decision.events, given],
    log: projectLogEntry(ctx, project.id, 'approval-decided', {
      contactId: viewer.contactId,
      contactName: viewer.contactName,
      taskId: task.id,
      taskTitle: task.title,
      decision: input.decision,
      ...(input.comment ? { comment: input.comment } : {}),
    }),
  };
}

/** The customer comments on a milestone they see: a task comment by the contact (TaskCommented). */
export function commentOnMilestone(
  tasks: Task[],
  viewer: PortalViewer,
  taskId: string,
  body: string,
  ctx: CommandContext,
): { comment: TaskComment; log: ProjectLogEntry; events: DomainEvent[] } {
  const task = taskForCustomer(viewer, tasks, taskId);
  if (task.kind !== 'milestone') throw new NotFound('milestone', taskId);
  const comment: TaskComment = {
    id: ctx.newEventId(),
    taskId: task.id,
    authorId: contactActor(viewer.contactId),
    body,
    createdAt: ctx.now,
  };
  return {
    comment,
    log: projectLogEntry(ctx, task.projectId, 'milestone-commented', {
      contactId: viewer.contactId,
      contactName: viewer.contactName,
      taskId: task.id,
      taskTitle: task.title,
      comment: body,
    }),
    events: [emit(ctx, 'TaskCommented', { comment, projectId: task.projectId })],
  };
}
