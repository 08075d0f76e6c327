import { TaskId, TaskStatus } from '../../../domain/delivery/project.js';
import {
  CustomerDecision,
  MilestoneComment,
  type PortalViewer,
} from '../../../domain/portal/customer-actions.js';
import { PortalProject } from '../../../domain/portal/portal-view.js';
import { idSchema } from '../../../domain/shared/ids.js';
import { Instant } from '../../../domain/shared/time.js';
import * as z from '../../../domain/shared/zod.js';
import { created, ok, type RouteRequest, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { commentOnMilestone } from '../use-cases/comment-on-milestone.js';
import { decideCustomerApproval } from '../use-cases/decide-customer-approval.js';
import { downloadSharedFile } from '../use-cases/download-shared-file.js';
import { readPortalProject } from '../use-cases/read-portal-project.js';
import { startPortalSession } from '../use-cases/start-portal-session.js';

// The customer's side of the portal (the portal API function; docs/api.md, "The customer
// portal"). No route here is behind the JWT authorizer: POST /portal/sessions takes a link's
// token, every other route a portal session's bearer token, which the function checks before the
// route runs (http-handler.ts, callerOf). A route reads and acts on its session's project only:
// the project's id is never taken from the request.

const SESSION_PROBLEMS = {
  401: 'no portal session, or one that is not valid: wrong, ended, or its link revoked or expired (`WWW-Authenticate: Bearer`)',
  429: 'too many wrong portal tokens from your network lately: wait (`Retry-After`, seconds)',
} as const;

const PortalSession = z
  .object(() => ({
    accessToken: z
      .string()
      .describe('send as `Authorization: Bearer <accessToken>` to the other /portal routes'),
    tokenType: z.literal('Bearer'),
    expiresIn: z.int().describe('seconds it lasts (15 minutes, never past its link’s end)'),
    expiresAt: Instant,
  }))
  .register(z.globalRegistry, { id: 'PortalSession' });

const CustomerApprovalDecided = z
  .object(() => ({
    taskId: z.string(),
    title: z.string(),
    decision: z.enum(['approved', 'rejected']),
    comment: z.string().optional(),
    decidedAt: Instant,
    taskStatus: TaskStatus.describe('approved: done; rejected: blocked until the team changes it'),
  }))
  .register(z.globalRegistry, { id: 'CustomerApprovalDecided' });

const PortalCommentCreated = z
  .object(() => ({ id: z.string(), taskId: z.string(), body: z.string(), createdAt: Instant }))
  .register(z.globalRegistry, { id: 'PortalCommentCreated' });

const SharedFileDownload = z
  .object(() => ({
    name: z.string(),
    contentType: z.string(),
    size: z.int(),
    download: z
      .object(() => ({ url: z.string(), expiresAt: Instant }))
      .describe('a link that works for a few minutes'),
  }))
  .register(z.globalRegistry, { id: 'SharedFileDownload' });

const taskParams = z.strictObject(() => ({ taskId: TaskId }));

/** The session's viewer: the handler puts it on every 'portal-session' route's request. */
const viewerOf = (req: Pick<RouteRequest<unknown, unknown, unknown>, 'portal'>): PortalViewer => {
  if (!req.portal) throw new Error('a portal route ran without its session');
  return req.portal;
};

export function portalRoutes(
  s: Pick<Services, 'attachments' | 'files' | 'news' | 'portal' | 'projects' | 'store'>,
): Routes {
  return {
    'POST /portal/sessions': route({
      tag: 'Customer portal',
      summary: "Exchange a portal link's token (the URL's fragment) for a short-lived portal session",
      description:
        'No sign-in: the token is the one in the fragment of the link the customer was sent (`/portal#<token>`). It is compared with the stored hash in constant time. A revoked or expired link is a 401 at once; wrong tokens are counted per source network, and a source that sent 10 in a quarter hour is refused (429) until the quarter hour ends.',
      roles: 'portal-link',
      body: z
        .strictObject(() => ({
          token: z.string().min(1).max(512).describe("the link's token: everything after `#`"),
        }))
        .register(z.globalRegistry, { id: 'PortalSessionRequest' }),
      problems: {
        401: 'the token is not a valid link: unknown, wrong, revoked or expired',
        429: SESSION_PROBLEMS[429],
      },
      response: { status: 201, schema: PortalSession },
      handle: async ({ body, sourceIp, ctx }) =>
        created(await startPortalSession(s, body.token, sourceIp, ctx)),
    }),
    'GET /portal/project': route({
      tag: 'Customer portal',
      summary:
        "The session's project as its customer sees it: promise and projected finish, on track or at risk, milestones, percent complete, approvals waiting on you, files shared",
      description:
        'Never internal notes, comments, costs, time, people or tasks marked internal. The first read of each session sends PortalViewed.',
      roles: 'portal-session',
      problems: SESSION_PROBLEMS,
      response: { status: 200, schema: PortalProject },
      handle: async (req) => ok(await readPortalProject(s, viewerOf(req), req.ctx)),
    }),
    'POST /portal/approvals/{taskId}': route({
      tag: 'Customer portal',
      summary: 'Approve, or reject with what must change, an approval assigned to you',
      description:
        'The same rules and events as an approval decided in the console (ApprovalDecided, with `decidedBy` `contact:<id>`; TaskStatusChanged), and CustomerApprovalGiven; recorded on the project’s timeline as you. Approving waits for the steps before it (409 naming them).',
      roles: 'portal-session',
      params: taskParams,
      body: CustomerDecision,
      problems: {
        ...SESSION_PROBLEMS,
        403: 'the approval is assigned to another contact of your company',
        404: 'no such approval on your project (another project’s, an internal task, or no approval)',
        409: 'already approved, the project is not running, or a step before it is not done (`errors` names it)',
      },
      response: { status: 200, schema: CustomerApprovalDecided },
      handle: async (req) => {
        const task = await decideCustomerApproval(s, viewerOf(req), req.params.taskId, req.body, req.ctx);
        return ok({
          taskId: task.id,
          title: task.title,
          decision: req.body.decision,
          ...(req.body.comment ? { comment: req.body.comment } : {}),
          decidedAt: task.approval?.decidedAt ?? req.ctx.now,
          taskStatus: task.status,
        });
      },
    }),
    'POST /portal/milestones/{taskId}/comments': route({
      tag: 'Customer portal',
      summary: 'Comment on a milestone of your project (the team sees it on the task, as you)',
      roles: 'portal-session',
      params: taskParams,
      body: MilestoneComment,
      problems: { ...SESSION_PROBLEMS, 404: 'no such milestone on your project' },
      response: { status: 201, schema: PortalCommentCreated },
      handle: async (req) => {
        const comment = await commentOnMilestone(s, viewerOf(req), req.params.taskId, req.body.body, req.ctx);
        return created({
          id: comment.id,
          taskId: comment.taskId,
          body: comment.body,
          createdAt: comment.createdAt,
        });
      },
    }),
    'GET /portal/files/{attachmentId}': route({
      tag: 'Customer portal',
      summary: 'A short-lived download link for a file shared with you',
      roles: 'portal-session',
      params: z.strictObject(() => ({ attachmentId: idSchema('attachment') })),
      problems: { ...SESSION_PROBLEMS, 404: 'no such file shared on your project' },
      response: { status: 200, schema: SharedFileDownload },
      handle: async (req) =>
        ok(await downloadSharedFile(s, viewerOf(req), req.params.attachmentId, req.ctx.now)),
    }),
  };
}
