import {
  CustomerApprovalView,
  customerApprovals,
  MilestoneView,
  milestonesOf,
  PromiseView,
  promiseView,
} from '../delivery/delivery-state.js';
import { progressOf } from '../delivery/progress.js';
import type { Project, Task } from '../delivery/project.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';
import type { PortalViewer } from './customer-actions.js';
import type { ProjectLogEntry } from './project-log.js';
import type { SharedFile } from './shared-file.js';

// What the customer sees of their project in the portal, and nothing more: the promise beside
// the plan's finish, how far along it is, the milestones (with the customer's own comments),
// the approvals waiting on them, and the files shared with them. Never the team's notes and
// comments, costs, budget, time, people or their workloads, nor any task marked internal: this
// function is the one place the portal's answer is made, and it copies field by field.

export const PortalComment = z.object(() => ({
  id: z.string(),
  at: Instant,
  by: z.string(),
  body: z.string(),
}));

export const PortalProject = z
  .object(() => ({
    project: z.object(() => ({
      id: z.string(),
      name: z.string(),
      status: z.enum(['planned', 'active', 'on_hold', 'done', 'cancelled']),
      kickoffDate: z.string(),
    })),
    you: z.object(() => ({ contactId: z.string(), name: z.string() })),
    promise: PromiseView,
    percentComplete: z.int(),
    milestones: z.array(
      z.extend(MilestoneView, () => ({
        comments: z.array(PortalComment).describe("comments from the customer's side, oldest first"),
      })),
    ),
    waitingOnYou: z
      .array(CustomerApprovalView)
      .describe('approvals assigned to you, not approved yet, by due date (POST /portal/approvals/{taskId})'),
    approvedByYou: z.array(
      z.object(() => ({
        taskId: z.string(),
        title: z.string(),
        decidedAt: Instant,
        comment: z.string().optional(),
      })),
    ),
    files: z.array(
      z.object(() => ({
        attachmentId: z.string(),
        name: z.string(),
        contentType: z.string(),
        size: z.int(),
        sharedAt: Instant,
      })),
    ),
  }))
  .register(z.globalRegistry, { id: 'PortalProject' });
export type PortalProject = z.infer<typeof PortalProject>;

export function portalView(
  project: Project,
  tasks: Task[],
  viewer: PortalViewer,
  log: ProjectLogEntry[],
  files: SharedFile[],
  today: string,
): PortalProject {
  const comments = new Map<string, z.infer<typeof PortalComment>[]>();
  for (const entry of [...log].sort((a, b) => a.at.localeCompare(b.at))) {
    if (entry.kind !== 'milestone-commented' || !entry.taskId || entry.comment === undefined) continue;
    comments.set(entry.taskId, [
      ...(comments.get(entry.taskId) ?? []),
      { id: entry.id, at: entry.at, by: entry.contactName, body: entry.comment },
    ]);
  }
  return {
    project: {
      id: project.id,
      name: project.name,
      status: project.status,
      kickoffDate: project.kickoffDate,
    },
    you: { contactId: viewer.contactId, name: viewer.contactName },
    promise: promiseView(project),
    percentComplete: progressOf(tasks).percentComplete,
    milestones: milestonesOf(tasks, today).map((m) => ({ ...m, comments: comments.get(m.taskId) ?? [] })),
    waitingOnYou: customerApprovals(tasks, today, viewer.contactId),
    approvedByYou: tasks
      .filter(
        (t) =>
          !t.internal &&
          t.approval?.approverContactId === viewer.contactId &&
          t.approval.status === 'approved' &&
          t.approval.decidedAt,
      )
      .map((t) => ({
        taskId: t.id,
        title: t.title,
        decidedAt: t.approval!.decidedAt!,
        ...(t.approval!.comment ? { comment: t.approval!.comment } : {}),
      }))
      .sort((a, b) => b.decidedAt.localeCompare(a.decidedAt)),
    files: files.map((f) => ({
      attachmentId: f.attachmentId,
      name: f.name,
      contentType: f.contentType,
      size: f.size,
      sharedAt: f.sharedAt,
    })),
  };
}
