import { idSchema } from '../shared/ids.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';

// A captured email: what the capture function read from the raw message (headers, participants,
// bodies, attachments) and what it decided (logged on which records, or refused and why). The
// message itself stays in the bucket (inbound-email/) for 30 days; the table keeps this.

export const EmailId = idSchema('email');
export const ThreadId = idSchema('thread');

export const MailAddress = z
  .object(() => ({ address: z.string(), name: z.string().optional() }))
  .register(z.globalRegistry, { id: 'MailAddress' });
export type MailAddress = z.infer<typeof MailAddress>;

/** Why a message was not logged. */
export const REFUSAL_REASONS = [
  'spam',
  'virus',
  'spf',
  'dkim',
  'dmarc',
  'sender-unverified',
  'sender-not-a-user',
  'malformed',
  'too-large',
] as const;
export const RefusalReason = z.enum(REFUSAL_REASONS);
export type RefusalReason = z.infer<typeof RefusalReason>;

export const EmailStatus = z
  .enum(['logged', 'unmatched', 'refused'])
  .describe(
    'logged: on the timelines of its records; unmatched: accepted, but no participant is a contact yet (they wait for review); refused: not logged (`refusal` says why)',
  );
export type EmailStatus = z.infer<typeof EmailStatus>;

export const EmailAttachment = z
  .object(() => ({
    name: z.string(),
    contentType: z.string(),
    size: z.int(),
    /** The record's attachment it was stored as. */
    attachmentId: z.string().optional(),
    /** Why it was not stored (its type, its size, too many). */
    skipped: z.string().optional(),
  }))
  .register(z.globalRegistry, { id: 'EmailAttachment' });
export type EmailAttachment = z.infer<typeof EmailAttachment>;

/** The records an email was logged on. */
export const LoggedOn = z.object(() => ({
  contactIds: z.array(z.string()),
  companyIds: z.array(z.string()),
  dealIds: z.array(z.string()),
}));
export type LoggedOn = z.infer<typeof LoggedOn>;

export const EmailHead = z
  .object(() => ({
    id: EmailId,
    /** The Message-ID header, without its angle brackets. */
    messageId: z.string(),
    threadId: ThreadId,
    subject: z.string(),
    from: MailAddress,
    to: z.array(MailAddress),
    cc: z.array(MailAddress),
    /** When it was written (its Date header), else when it arrived. */
    sentAt: Instant,
    receivedAt: Instant,
    direction: z
      .enum(['sent', 'received'])
      .describe('sent: by one of the company’s users; received: from someone else (to a per-deal address)'),
    status: EmailStatus,
    refusal: z.object(() => ({ reason: RefusalReason, detail: z.string() })).optional(),
    /** The user who sent it (direction `sent`). */
    sentBy: z.string().optional(),
    /** The deal of the per-deal address it was sent to, when there was one. */
    dealAddress: z.string().optional(),
    inReplyTo: z.string().optional(),
    references: z.array(z.string()),
    loggedOn: LoggedOn,
    /** Participants who are neither contacts nor users: listed for review (GET /email-review). */
    unknownParticipants: z.array(MailAddress),
    attachments: z.array(EmailAttachment),
    /** The first characters of its text. */
    snippet: z.string(),
    /** Whether it has an HTML body (GET /emails/{id} has it). */
    hasHtml: z.boolean(),
    /** SES's id of the message (its object in the bucket is inbound-email/<this>). */
    sesMessageId: z.string(),
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'EmailHead' });
export type EmailHead = z.infer<typeof EmailHead>;

/** Its bodies, as received: the HTML is the sender's and is unsafe until sanitized (the console does). */
export const EmailBody = z.object(() => ({
  text: z.string().optional(),
  html: z.string().optional(),
  /** The text or HTML was longer than is kept; the whole message is in the bucket for 30 days. */
  textTruncated: z.boolean().optional(),
  htmlTruncated: z.boolean().optional(),
}));
export type EmailBody = z.infer<typeof EmailBody>;

export const Email = z.extend(EmailHead, () => EmailBody.shape).register(z.globalRegistry, { id: 'Email' });
export type Email = z.infer<typeof Email>;

/** What an email activity carries of its email: enough for a timeline entry; the rest is GET /emails/{id}. */
export const EmailSummary = z
  .object(() => ({
    emailId: EmailId,
    threadId: ThreadId,
    direction: z.enum(['sent', 'received']),
    from: MailAddress,
    to: z.array(MailAddress),
    cc: z.array(MailAddress),
    attachments: z.int(),
    hasHtml: z.boolean(),
  }))
  .register(z.globalRegistry, { id: 'EmailSummary' });
export type EmailSummary = z.infer<typeof EmailSummary>;

/** Limits of what is kept (DynamoDB items are at most 400 KB; the raw message stays in the bucket). */
export const LIMITS = {
  /** SES receives messages of up to 40 MB (headers included); the local SMTP server refuses larger. */
  messageBytes: 40 * 1024 * 1024,
  textBytes: 64 * 1024,
  htmlBytes: 256 * 1024,
  snippetChars: 200,
  /** What an email activity carries of the text (the timeline shows it; the thread has the rest). */
  activityBodyChars: 2_000,
  /** Records one email is logged on (a transaction holds 100 writes: see capture.ts). */
  records: 20,
  /** Open deals of one contact an email is logged on when no per-deal address names one. */
  dealsPerContact: 5,
  attachments: 10,
  reviews: 10,
  /** References followed to find a thread (the last ones: the nearest messages). */
  references: 20,
} as const;
