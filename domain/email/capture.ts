import { ATTACHMENT_TYPES, type Attachment, MAX_ATTACHMENT_BYTES } from '../attachments/attachment.js';
import type { Activity } from '../crm/activity.js';
import type { Contact } from '../crm/contact.js';
import type { Deal } from '../crm/deal.js';
import { type DomainEvent, emit } from '../events.js';
import type { CommandContext } from '../shared/context.js';
import { emailIdForMessage, emailIdForRefusal, emailPartId, threadIdForRoot } from '../shared/ids.js';
import {
  type EmailAttachment,
  type EmailBody,
  type EmailHead,
  type EmailSummary,
  LIMITS,
  type LoggedOn,
  type MailAddress,
  type RefusalReason,
} from './message.js';
import type { ParsedMessage, Receipt, Screening } from './screening.js';

// What one captured email becomes (pure: the capture function reads, this decides, one
// transaction writes). An accepted email is an `email` activity on the timeline of each matched
// contact, of their companies and of its deals: a deal named by a per-deal address, else the
// matched contacts' open deals (as HubSpot does). One activity sits on up to three timelines
// (a deal's, a company's, a contact's), so the records are covered by as few activities as
// possible, each record exactly once: a deal shares the activity of its own contact when that
// contact is matched. Participants who are not contacts are listed for review, never created.

export interface CaptureInput {
  message: ParsedMessage;
  receipt: Receipt;
  screening: Extract<Screening, { accepted: true }>;
  /** Matched contacts by address (the participants' addresses that are a contact's). */
  contacts: Map<string, Contact>;
  /** The deal of the per-deal address, when it exists. */
  deal?: Deal | undefined;
  /** Each matched contact's open deals (used when no per-deal address names a deal). */
  openDeals: Map<string, Deal[]>;
  /** The thread of a message it refers to that was captured before, if any. */
  knownThreadId?: string | undefined;
  /** Addresses someone chose to ignore (never listed for review again). */
  ignored: Set<string>;
}

export interface StoredAttachment {
  /** Its index among the parsed message's attachments. */
  index: number;
  attachment: Attachment;
}

export interface CaptureDecision {
  head: EmailHead;
  body: EmailBody;
  activities: Activity[];
  attachments: StoredAttachment[];
  /** Unknown participants to list for review (a contact to create, or to ignore). */
  reviews: MailAddress[];
  /** Whose review they are: the user who sent it, else the owner of the deal it was sent to. */
  reviewer?: string;
  events: DomainEvent[];
}

/** The Message-ID a message is known by; one without gets SES's id, so it is still logged once. */
export function messageKeyOf(message: ParsedMessage, receipt: Receipt): string {
  return message.messageId ?? `${receipt.sesMessageId}@ses`;
}

/** The id of an accepted message (derived from its Message-ID). */
export function emailIdOf(message: ParsedMessage, receipt: Receipt): string {
  return emailIdForMessage(messageKeyOf(message, receipt));
}

/** The Message-IDs a reply refers to, nearest last (References, then In-Reply-To), each once. */
export function referencedIds(message: ParsedMessage): string[] {
  const ids = [...message.references, ...(message.inReplyTo ? [message.inReplyTo] : [])];
  return [...new Set(ids)].slice(-LIMITS.references);
}

/**
 * A reply joins the thread of a message it refers to that was captured; else the thread is the
 * one its first reference started (References lists the root first), else its own.
 */
export function threadOf(message: ParsedMessage, receipt: Receipt, knownThreadId?: string): string {
  if (knownThreadId) return knownThreadId;
  const root = message.references[0] ?? message.inReplyTo ?? messageKeyOf(message, receipt);
  return threadIdForRoot(root);
}

const cut = (text: string, bytes: number): { value: string; truncated: boolean } => {
  const buffer = Buffer.from(text, 'utf8');
  if (buffer.length <= bytes) return { value: text, truncated: false };
  // cut on a character boundary: decoding drops a partial last character
  return {
    value: buffer
      .subarray(0, bytes)
      .toString('utf8')
      .replace(/\uFFFD$/, ''),
    truncated: true,
  };
};

export function bodyOf(message: ParsedMessage): EmailBody {
  const text = message.text?.trim() ? cut(message.text, LIMITS.textBytes) : undefined;
  const html = message.html?.trim() ? cut(message.html, LIMITS.htmlBytes) : undefined;
  return {
    ...(text ? { text: text.value } : {}),
    ...(html ? { html: html.value } : {}),
    ...(text?.truncated ? { textTruncated: true } : {}),
    ...(html?.truncated ? { htmlTruncated: true } : {}),
  };
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** What the message says, as plain text: its text body, else its HTML with the tags taken out. */
function plainText(message: ParsedMessage): string {
  if (message.text?.trim()) return message.text;
  return (message.html ?? '')
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/** When it was written: its Date, unless that is missing or later than its arrival (a wrong clock). */
export function sentAtOf(message: ParsedMessage, receipt: Receipt): string {
  const date = message.date ? Date.parse(message.date) : Number.NaN;
  const received = Date.parse(receipt.receivedAt);
  return Number.isNaN(date) || date > received ? receipt.receivedAt : new Date(date).toISOString();
}

/** One activity's timelines: a contact's, a company's, a deal's (any of them may be absent). */
interface Slot {
  contactId?: string;
  companyId?: string;
  dealId?: string;
}

/**
 * Covers the records with as few slots as possible, each record in exactly one: a slot per
 * contact (with its company, the first time that company comes), then each deal in the slot
 * of its own contact, else in a slot without a deal, else a slot of its own (with its company
 * when no slot has it yet).
 */
export function placeOnTimelines(contacts: Contact[], deals: Deal[]): Slot[] {
  const slots: Slot[] = [];
  const companies = new Set<string>();
  for (const contact of contacts) {
    const slot: Slot = { contactId: contact.id };
    if (contact.companyId && !companies.has(contact.companyId)) {
      slot.companyId = contact.companyId;
      companies.add(contact.companyId);
    }
    slots.push(slot);
  }
  for (const deal of deals) {
    const slot =
      slots.find((s) => !s.dealId && s.contactId !== undefined && s.contactId === deal.contactId) ??
      slots.find((s) => !s.dealId && (!s.companyId || s.companyId === deal.companyId)) ??
      slots[slots.push({}) - 1]!;
    slot.dealId = deal.id;
    if (deal.companyId && !companies.has(deal.companyId)) {
      companies.add(deal.companyId);
      if (!slot.companyId) slot.companyId = deal.companyId;
      else slots.push({ companyId: deal.companyId });
    }
  }
  return slots;
}

function attachmentsOf(
  message: ParsedMessage,
  emailId: string,
  parent: { kind: 'deal' | 'contact'; id: string } | undefined,
  uploadedBy: string,
  now: string,
): { listed: EmailAttachment[]; stored: StoredAttachment[] } {
  const listed: EmailAttachment[] = [];
  const stored: StoredAttachment[] = [];
  for (const [index, a] of message.attachments.entries()) {
    // inline parts (a signature's logo, an image the HTML shows) are part of the body
    if (a.inline) continue;
    const name = safeName(a.filename, index);
    const entry: EmailAttachment = { name, contentType: a.contentType, size: a.size };
    const skipped = !parent
      ? 'no record to attach it to yet'
      : !(ATTACHMENT_TYPES as readonly string[]).includes(a.contentType)
        ? `files of type ${a.contentType} are not kept as attachments`
        : a.size < 1
          ? 'it is empty'
          : a.size > MAX_ATTACHMENT_BYTES
            ? 'it is larger than 25 MiB'
            : stored.length >= LIMITS.attachments
              ? `an email keeps at most ${LIMITS.attachments} attachments`
              : undefined;
    if (skipped || !parent) {
      listed.push({ ...entry, skipped: skipped ?? 'not kept' });
      continue;
    }
    const attachment: Attachment = {
      id: emailPartId('attachment', emailId, String(index)),
      parent,
      name,
      contentType: a.contentType,
      size: a.size,
      status: 'stored',
      uploadedBy,
      createdAt: now,
      storedAt: now,
      version: 1,
    };
    stored.push({ index, attachment });
    listed.push({ ...entry, attachmentId: attachment.id });
  }
  return { listed, stored };
}

/** A file name as attachments take it: no slashes or control characters, at most 200 characters. */
function safeName(filename: string | undefined, index: number): string {
  const cleaned = [...(filename ?? '')]
    .map((c) => (c.charCodeAt(0) < 32 || c === '/' || c === '\\' ? '_' : c))
    .join('')
    .trim()
    .slice(0, 200);
  return cleaned || `attachment-${index + 1}`;
}

const uniq = <T>(values: T[]) => [...new Set(values)];
const byId = <T extends { id: string }>(records: T[]) =>
  records.filter((r, i) => records.findIndex((o) => o.id === r.id) === i);

export function captureEmail(input: CaptureInput, ctx: CommandContext): CaptureDecision {
  const { message, receipt, screening } = input;
  const emailId = emailIdOf(message, receipt);
  const threadId = threadOf(message, receipt, input.knownThreadId);
  const contacts = byId(
    screening.customers.flatMap((c) => {
      const contact = input.contacts.get(c.address);
      return contact ? [contact] : [];
    }),
  ).slice(0, LIMITS.records);
  const deals = input.deal
    ? [input.deal]
    : byId(contacts.flatMap((c) => (input.openDeals.get(c.id) ?? []).slice(0, LIMITS.dealsPerContact)));
  const slots = placeOnTimelines(contacts, deals).slice(0, LIMITS.records);
  const sentAt = sentAtOf(message, receipt);
  const body = bodyOf(message);
  const text = oneLine(plainText(message));
  const ownerId = screening.sentBy ?? input.deal?.ownerId ?? ctx.actor.userId;
  const parent = input.deal
    ? { kind: 'deal' as const, id: input.deal.id }
    : deals[0]
      ? { kind: 'deal' as const, id: deals[0].id }
      : contacts[0]
        ? { kind: 'contact' as const, id: contacts[0].id }
        : undefined;
  const { listed, stored } = attachmentsOf(message, emailId, parent, ownerId, ctx.now);
  const loggedOn: LoggedOn = {
    contactIds: uniq(slots.flatMap((s) => (s.contactId ? [s.contactId] : []))),
    companyIds: uniq(slots.flatMap((s) => (s.companyId ? [s.companyId] : []))),
    dealIds: uniq(slots.flatMap((s) => (s.dealId ? [s.dealId] : []))),
  };
  const matched = new Set(contacts.flatMap((c) => c.emails));
  const unknown = screening.customers.filter((c) => !matched.has(c.address));
  const head: EmailHead = {
    id: emailId,
    messageId: messageKeyOf(message, receipt),
    threadId,
    subject: message.subject?.trim() || '(no subject)',
    from: message.from!,
    to: message.to,
    cc: message.cc,
    sentAt,
    receivedAt: receipt.receivedAt,
    direction: screening.sentBy ? 'sent' : 'received',
    status: slots.length > 0 ? 'logged' : 'unmatched',
    ...(screening.sentBy ? { sentBy: screening.sentBy } : {}),
    ...(screening.dealAddress ? { dealAddress: screening.dealAddress } : {}),
    ...(message.inReplyTo ? { inReplyTo: message.inReplyTo } : {}),
    references: message.references.slice(-LIMITS.references),
    loggedOn,
    unknownParticipants: unknown,
    attachments: listed,
    snippet: text.slice(0, LIMITS.snippetChars),
    hasHtml: body.html !== undefined,
    sesMessageId: receipt.sesMessageId,
    version: 1,
  };
  const summary: EmailSummary = {
    emailId,
    threadId,
    direction: head.direction,
    from: head.from,
    to: head.to,
    cc: head.cc,
    attachments: listed.length,
    hasHtml: head.hasHtml,
  };
  const activities = slots.map((slot): Activity => {
    const anchor = slot.contactId ?? slot.dealId ?? slot.companyId!;
    return {
      id: emailPartId('activity', emailId, anchor),
      type: 'email',
      subject: head.subject.slice(0, 300),
      ...(text ? { body: text.slice(0, LIMITS.activityBodyChars) } : {}),
      ...(slot.dealId ? { dealId: slot.dealId } : {}),
      ...(slot.contactId ? { contactId: slot.contactId } : {}),
      ...(slot.companyId ? { companyId: slot.companyId } : {}),
      ownerId,
      occurredAt: sentAt,
      done: true,
      doneAt: ctx.now,
      email: summary,
      createdAt: ctx.now,
      updatedAt: ctx.now,
      version: 1,
    };
  });
  const reviews = unknown.filter((c) => !input.ignored.has(c.address)).slice(0, LIMITS.reviews);
  const events: DomainEvent[] = [
    ...activities.map((activity) => emit(ctx, 'ActivityLogged', { activity })),
    ...stored.map(({ attachment }) => emit(ctx, 'AttachmentAdded', { attachment })),
    emit(ctx, 'EmailLogged', { email: head }),
  ];
  const reviewer = screening.sentBy ?? input.deal?.ownerId;
  return { head, body, activities, attachments: stored, reviews, ...(reviewer ? { reviewer } : {}), events };
}

/** A refused message: kept (under SES's id) with its reason, on no timeline. */
export function refuseEmail(
  message: ParsedMessage | undefined,
  receipt: Receipt,
  refusal: { reason: RefusalReason; detail: string },
  ctx: CommandContext,
): { head: EmailHead; events: DomainEvent[] } {
  const id = emailIdForRefusal(receipt.sesMessageId);
  const head: EmailHead = {
    id,
    messageId: message?.messageId ?? `${receipt.sesMessageId}@ses`,
    threadId: threadIdForRoot(`refused:${receipt.sesMessageId}`),
    subject: message?.subject?.trim() || '(no subject)',
    from: message?.from ?? { address: '' },
    to: message?.to ?? [],
    cc: message?.cc ?? [],
    sentAt: message ? sentAtOf(message, receipt) : receipt.receivedAt,
    receivedAt: receipt.receivedAt,
    direction: 'received',
    status: 'refused',
    refusal,
    references: [],
    loggedOn: { contactIds: [], companyIds: [], dealIds: [] },
    unknownParticipants: [],
    attachments: [],
    snippet: message ? oneLine(plainText(message)).slice(0, LIMITS.snippetChars) : '',
    hasHtml: Boolean(message?.html?.trim()),
    sesMessageId: receipt.sesMessageId,
    version: 1,
  };
  return { head, events: [emit(ctx, 'EmailRefused', { email: head })] };
}
