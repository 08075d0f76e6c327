import { Contact, Email as EmailAddressSchema } from '../../domain/crm/contact.js';
import { captureAddress, DEAL_ADDRESS_PATTERN } from '../../domain/email/addresses.js';
import { Email, EmailHead, EmailStatus, ThreadId } from '../../domain/email/message.js';
import { NewEmail, SentEmail } from '../../domain/email/outgoing.js';
import { ContactFromReview, EmailReview } from '../../domain/email/review.js';
import { hasRole } from '../../domain/shared/context.js';
import { Forbidden, NotFound } from '../../domain/shared/errors.js';
import * as z from '../../domain/shared/zod.js';
import { config } from '../lib/config.js';
import { canRead, canSell } from '../lib/http/access.js';
import { idParams, listQuery, listScope } from '../lib/http/params.js';
import { created, noContent, ok, type Reply, type Routes, route } from '../lib/http/route.js';
import type { Services } from '../lib/services.js';
import { createContactFromReview, ignoreReview } from './use-cases/review.js';
import { sendEmail } from './use-cases/send-email.js';

// Email with customers, on the record (docs/api.md, "Email capture"): where to send or BCC mail
// so it is logged, the captured emails and their threads, mail written in the console, and the
// people in captured mail who are not contacts yet. Served by the CRM API: these are timelines'.

const THREAD_LIMIT = 50;

const CaptureSettings = z
  .object(() => ({
    enabled: z.boolean().describe('false: the deployment has no inboundEmailDomain; nothing is captured'),
    domain: z.string().nullable(),
    address: z
      .string()
      .nullable()
      .describe('BCC, CC or forward your mail to it: what you send to contacts lands on their timelines'),
    dealAddressPattern: z
      .string()
      .nullable()
      .describe('a deal’s own address (deal-<dealId>@domain): anyone’s mail to it lands on that deal'),
  }))
  .register(z.globalRegistry, { id: 'EmailCaptureSettings' });

const Thread = z
  .object(() => ({ id: ThreadId, subject: z.string(), emails: z.array(Email) }))
  .register(z.globalRegistry, { id: 'EmailThread' });

const ReviewParams = z.strictObject(() => ({ address: EmailAddressSchema }));

export function emailRoutes(
  s: Pick<
    Services,
    | 'activities'
    | 'companies'
    | 'contacts'
    | 'deals'
    | 'duplicates'
    | 'emailReviews'
    | 'emails'
    | 'mailer'
    | 'profiles'
    | 'store'
  >,
): Routes {
  return {
    'GET /email-capture': route({
      tag: 'Email',
      summary:
        'Where to send mail so it is logged: your capture address, and the pattern of per-deal addresses',
      roles: canRead,
      response: { status: 200, schema: CaptureSettings },
      handle: async () => {
        const domain = config.inboundEmailDomain() ?? null;
        return ok({
          enabled: domain !== null,
          domain,
          address: domain ? captureAddress(domain) : null,
          dealAddressPattern: domain ? DEAL_ADDRESS_PATTERN(domain) : null,
        });
      },
    }),
    'GET /emails': route({
      tag: 'Email',
      summary:
        'Captured emails of one status, newest first (refused ones with their reason: managers and admins)',
      roles: canRead,
      query: listQuery({ status: EmailStatus.default('logged') }),
      response: { status: 200, schema: EmailHead, list: true },
      handle: async (req) => {
        if (req.query.status === 'refused' && !hasRole(req.actor, 'admin', 'manager'))
          throw new Forbidden('refused emails (possible forgeries and spam) are for managers and admins');
        const scope = listScope({ status: req.query.status });
        return req.list(await s.emails.list(req.query.status, await req.page(scope)), scope);
      },
    }),
    'GET /emails/{id}': route({
      tag: 'Email',
      summary:
        'A captured email with its bodies (its HTML as received: sanitize it before showing it); a refused one, for managers and admins',
      roles: canRead,
      params: idParams('email'),
      response: { status: 200, schema: Email },
      handle: async ({ params, actor }) => {
        const email = await s.emails.get(params.id);
        if (email.status === 'refused' && !hasRole(actor, 'admin', 'manager'))
          throw new Forbidden('refused emails (possible forgeries and spam) are for managers and admins');
        return ok(email, email.version);
      },
    }),
    'GET /email-threads/{id}': route({
      tag: 'Email',
      summary: `A thread: its captured emails in the order they were written, with their bodies (the first ${THREAD_LIMIT})`,
      roles: canRead,
      params: idParams('thread'),
      response: { status: 200, schema: Thread },
      handle: async ({ params }): Promise<Reply> => {
        const emails = await s.emails.thread(params.id, THREAD_LIMIT);
        if (emails.length === 0) throw new NotFound('thread', params.id);
        return ok({ id: params.id, subject: emails[0]!.subject, emails });
      },
    }),
    'POST /emails': route({
      tag: 'Email',
      summary:
        'Send an email from your address through SES, with the capture address in BCC (a deal’s own, with dealId): it is logged once captured',
      description:
        'Accepted (202) once SES took it; it appears on the timelines when the capture function has logged it, a moment later, under `emailId`. Your address must be at a domain the deployment may send from (`emailSenderDomains`).',
      roles: canSell,
      body: NewEmail,
      problems: {
        404: 'the deal, or the email it replies to, does not exist',
        409: 'email is not set up on this deployment (no inboundEmailDomain), or SES does not send for it now (paused, an unverified sender domain): nothing was sent',
      },
      response: { status: 202, schema: SentEmail },
      handle: async ({ body, ctx }) => ({ status: 202, body: await sendEmail(s, body, { ctx }) }),
    }),
    'GET /email-review': route({
      tag: 'Email',
      summary:
        'People in captured emails who are neither contacts nor users, last seen first: create the contact, or ignore them',
      description:
        'Yours by default (those in mail you sent, or that reached your deals); managers and admins may ask for the whole team (`team=true`).',
      roles: canRead,
      query: listQuery({ team: z.enum(['true', 'false']).optional() }),
      response: { status: 200, schema: EmailReview, list: true },
      handle: async (req) => {
        const team = req.query.team === 'true';
        if (team && !hasRole(req.actor, 'admin', 'manager'))
          throw new Forbidden('the whole team’s review list is for managers and admins');
        const scope = listScope({ team });
        const page = await s.emailReviews.list(await req.page(scope), team ? undefined : req.actor.userId);
        return req.list(page, scope);
      },
    }),
    'POST /email-review/{address}/contact': route({
      tag: 'Email',
      summary:
        'Create the contact for a reviewed address (the name the emails showed, unless given): the emails they were in land on its timeline',
      roles: canSell,
      params: ReviewParams,
      body: ContactFromReview,
      problems: { 404: 'the address is not waiting for review' },
      response: {
        status: 201,
        schema: z
          .object(() => ({ contact: Contact, logged: z.int() }))
          .register(z.globalRegistry, { id: 'ContactFromReviewResult' }),
      },
      handle: async ({ params, body, ...input }) =>
        created(await createContactFromReview(s, params.address, body, input)),
    }),
    'POST /email-review/{address}/ignore': route({
      tag: 'Email',
      summary: 'Ignore an address: never listed for review again, its emails stay unmatched',
      roles: canSell,
      params: ReviewParams,
      problems: { 404: 'the address is not waiting for review' },
      response: { status: 204 },
      handle: async ({ params, ...input }) => {
        await ignoreReview(s, params.address, input);
        return noContent();
      },
    }),
  };
}
