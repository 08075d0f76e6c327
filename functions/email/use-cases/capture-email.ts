import type { Deal } from '../../../domain/crm/deal.js';
import {
  type CaptureDecision,
  captureEmail as decide,
  emailIdOf,
  referencedIds,
  refuseEmail,
} from '../../../domain/email/capture.js';
import { LIMITS, type RefusalReason } from '../../../domain/email/message.js';
import {
  type ParsedMessage,
  type Receipt,
  screen,
  type Verdict,
  verdictRefusal,
} from '../../../domain/email/screening.js';
import type { CommandContext } from '../../../domain/shared/context.js';
import { emailIdForMessage } from '../../../domain/shared/ids.js';
import { attachmentKey, inboundEmailKey } from '../../lib/files/file-keys.js';
import type { Services } from '../../lib/services.js';
import { AlreadyCaptured } from '../../lib/table/entities/email.js';
import { ReviewIgnored } from '../../lib/table/entities/email-review.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { parseMessage, UnreadableMessage } from './parse-message.js';

// The capture function's work for one message SES received: read it from the bucket (SES's S3
// action stored it there before invoking this), parse it, decide who sent it, which records it
// belongs on and what to keep, and commit everything in one transaction whose first write is the
// email's head, conditional on its Message-ID's id being new. A second delivery of the same
// message (a CC and a BCC, SES's retry, a redrive) finds the head and writes nothing.

/** SES's receipt event for its Lambda action (one record per message). */
export interface SesRecord {
  ses: {
    mail: { messageId: string; timestamp: string; destination?: string[] };
    receipt: {
      timestamp: string;
      recipients: string[];
      spamVerdict?: { status: string };
      virusVerdict?: { status: string };
      spfVerdict?: { status: string };
      dkimVerdict?: { status: string };
      dmarcVerdict?: { status: string };
    };
  };
}

export type CaptureOutcome =
  | { outcome: 'logged' | 'unmatched'; emailId: string; activities: number; attachments: number }
  | { outcome: 'refused'; emailId: string; reason: RefusalReason }
  | { outcome: 'duplicate'; emailId: string };

type CaptureServices = Pick<
  Services,
  | 'store'
  | 'emails'
  | 'emailReviews'
  | 'contacts'
  | 'deals'
  | 'profiles'
  | 'activities'
  | 'attachments'
  | 'files'
>;

const verdict = (v: { status: string } | undefined): Verdict =>
  (v?.status?.toUpperCase() as Verdict | undefined) ?? 'GRAY';

export function receiptOf(record: SesRecord): Receipt {
  const r = record.ses.receipt;
  return {
    sesMessageId: record.ses.mail.messageId,
    receivedAt: new Date(r.timestamp || record.ses.mail.timestamp).toISOString(),
    recipients: r.recipients.map((a) => a.toLowerCase()),
    verdicts: {
      spam: verdict(r.spamVerdict),
      virus: verdict(r.virusVerdict),
      spf: verdict(r.spfVerdict),
      dkim: verdict(r.dkimVerdict),
      dmarc: verdict(r.dmarcVerdict),
    },
  };
}

async function refuse(
  s: CaptureServices,
  message: ParsedMessage | undefined,
  receipt: Receipt,
  refusal: { reason: RefusalReason; detail: string },
  ctx: CommandContext,
): Promise<CaptureOutcome> {
  const { head, events } = refuseEmail(message, receipt, refusal, ctx);
  try {
    await s.emails.capture(new UnitOfWork(), head).events(events).commit(s.store);
  } catch (error) {
    if (!(error instanceof AlreadyCaptured)) throw error;
    return { outcome: 'duplicate', emailId: head.id };
  }
  return { outcome: 'refused', emailId: head.id, reason: refusal.reason };
}

/** What the decision needs to know beside the message: one round of reads, in parallel. */
async function gather(
  s: CaptureServices,
  message: ParsedMessage,
  receipt: Receipt,
  screening: Extract<ReturnType<typeof screen>, { accepted: true }>,
) {
  const own = emailIdOf(message, receipt);
  const referenced = referencedIds(message).map(emailIdForMessage);
  const [participants, deal, heads] = await Promise.all([
    s.emailReviews.participants(
      screening.customers.map((c) => c.address),
      (item) => s.contacts.fromItem(item),
    ),
    screening.dealAddress ? s.deals.get(screening.dealAddress) : Promise.resolve(undefined),
    // the message's own head too: a message captured before costs no more than this read
    s.emails.heads([own, ...referenced]),
  ]);
  const duplicate = heads.some((h) => h.id === own);
  const openDeals = new Map<string, Deal[]>();
  if (!deal && !duplicate) {
    const contacts = [...new Map([...participants.contacts.values()].map((c) => [c.id, c])).values()];
    const lists = await Promise.all(
      contacts
        .slice(0, LIMITS.records)
        .map((c) => s.deals.list({ contactId: c.id, status: 'open' }, { limit: LIMITS.dealsPerContact })),
    );
    for (const [i, c] of contacts.entries()) openDeals.set(c.id, lists[i]?.items ?? []);
  }
  const known = heads.find((h) => h.id !== own && h.status !== 'refused');
  return {
    duplicate,
    contacts: participants.contacts,
    ignored: participants.ignored,
    deal: deal ?? undefined,
    openDeals,
    knownThreadId: known?.threadId,
  };
}

async function commit(s: CaptureServices, decision: CaptureDecision, contents: Buffer[]): Promise<void> {
  // the files first, under ids derived from the email: a retry writes the same objects again
  if (decision.attachments.length > 0) {
    const files = await s.files();
    for (const { index, attachment } of decision.attachments) {
      const key = attachmentKey(attachment.parent.kind, attachment.parent.id, attachment.id);
      await files.writeFile(key, contents[index]!, attachment.contentType);
    }
  }
  const uow = s.emails.capture(new UnitOfWork(), decision.head, decision.body);
  for (const activity of decision.activities) s.activities.create(uow, activity);
  for (const { attachment } of decision.attachments) s.attachments.create(uow, attachment);
  for (const who of decision.reviews) s.emailReviews.note(uow, who, decision.head, decision.reviewer);
  await uow.events(decision.events).commit(s.store);
}

export async function captureEmail(
  s: CaptureServices,
  record: SesRecord,
  options: { domain: string; ctx: CommandContext },
): Promise<CaptureOutcome> {
  const receipt = receiptOf(record);
  const { ctx, domain } = options;
  const raw = await (await s.files()).readBytes(inboundEmailKey(receipt.sesMessageId));
  if (raw.length > LIMITS.messageBytes)
    return refuse(
      s,
      undefined,
      receipt,
      {
        reason: 'too-large',
        detail: `it has ${raw.length} bytes; at most ${LIMITS.messageBytes} are read`,
      },
      ctx,
    );
  let read: Awaited<ReturnType<typeof parseMessage>>;
  try {
    read = await parseMessage(raw);
  } catch (error) {
    if (!(error instanceof UnreadableMessage)) throw error;
    return refuse(s, undefined, receipt, { reason: 'malformed', detail: error.message }, ctx);
  }
  const { message, contents } = read;
  const failed = verdictRefusal(receipt);
  if (failed) return refuse(s, message, receipt, { reason: failed.reason, detail: failed.detail }, ctx);
  const team = (await s.profiles.all()).map((p) => ({ userId: p.id, email: p.email }));
  const screening = screen(message, receipt, domain, team);
  if (!screening.accepted)
    return refuse(s, message, receipt, { reason: screening.reason, detail: screening.detail }, ctx);

  // a lost race with someone ignoring a participant is decided again on fresh reads
  for (let attempt = 1; ; attempt++) {
    const known = await gather(s, message, receipt, screening);
    const emailId = emailIdOf(message, receipt);
    if (known.duplicate) return { outcome: 'duplicate', emailId };
    if (screening.dealAddress && !known.deal && !screening.sentBy)
      return refuse(
        s,
        message,
        receipt,
        {
          reason: 'sender-not-a-user',
          detail: `${message.from?.address} is not a user, and the deal ${screening.dealAddress} of the address it was sent to does not exist`,
        },
        ctx,
      );
    const decision = decide({ message, receipt, screening, ...known }, ctx);
    try {
      await commit(s, decision, contents);
    } catch (error) {
      if (error instanceof AlreadyCaptured) return { outcome: 'duplicate', emailId };
      if (error instanceof ReviewIgnored && attempt < 3) continue;
      throw error;
    }
    return {
      outcome: decision.head.status === 'logged' ? 'logged' : 'unmatched',
      emailId,
      activities: decision.activities.length,
      attachments: decision.attachments.length,
    };
  }
}
