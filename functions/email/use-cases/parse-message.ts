import { type AddressObject, simpleParser } from 'mailparser';
import type { MailAddress } from '../../../domain/email/message.js';
import type { ParsedMessage } from '../../../domain/email/screening.js';

// A raw message (RFC 5322, MIME) read with mailparser, a maintained parser that copes with what
// mail clients really send (encodings, charsets, nested multiparts, broken headers), into what
// the domain decides on, with the attachments' bytes kept aside for storing.

export interface ReadMessage {
  message: ParsedMessage;
  /** The attachments' bytes, by their index in `message.attachments`. */
  contents: Buffer[];
}

/** The message cannot be read as an email (no headers, no parts): refused as malformed. */
export class UnreadableMessage extends Error {
  constructor(why: string) {
    super(`the message cannot be read: ${why}`);
    this.name = 'UnreadableMessage';
  }
}

const bare = (id: string) => id.trim().replace(/^<|>$/g, '').trim();

function addresses(field: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects
    .flatMap((o) => o.value)
    .flatMap((a) => (a.group ? a.group : [a]))
    .flatMap((a) =>
      a.address?.includes('@')
        ? [{ address: a.address.trim().toLowerCase(), ...(a.name?.trim() ? { name: a.name.trim() } : {}) }]
        : [],
    );
}

const DKIM_DOMAIN = /(?:^|;)\s*d\s*=\s*([^;\s]+)/i;

export async function parseMessage(raw: Buffer): Promise<ReadMessage> {
  // a message is header lines then a blank line: bytes without one are not a message
  const head = raw.subarray(0, 64 * 1024).toString('latin1');
  if (!/^[\x21-\x39\x3b-\x7e]+:/m.test(head)) throw new UnreadableMessage('it has no header lines');
  let parsed: Awaited<ReturnType<typeof simpleParser>>;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true, skipTextToHtml: true });
  } catch (error) {
    throw new UnreadableMessage((error as Error).message);
  }
  const from = addresses(parsed.from)[0];
  const references = [parsed.references ?? []].flat().map(bare).filter(Boolean);
  const dkimDomains = parsed.headerLines
    .filter((h) => h.key === 'dkim-signature')
    .flatMap((h) => {
      const match = DKIM_DOMAIN.exec(h.line.replace(/^dkim-signature:/i, '').replace(/\s+/g, ' '));
      return match ? [match[1]!.toLowerCase()] : [];
    });
  const date = parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : undefined;
  const attachments = parsed.attachments ?? [];
  return {
    message: {
      ...(parsed.messageId ? { messageId: bare(parsed.messageId) } : {}),
      ...(parsed.inReplyTo ? { inReplyTo: bare(parsed.inReplyTo) } : {}),
      references,
      ...(parsed.subject ? { subject: parsed.subject } : {}),
      ...(from ? { from } : {}),
      to: addresses(parsed.to),
      cc: addresses(parsed.cc),
      ...(date ? { date } : {}),
      ...(parsed.text ? { text: parsed.text } : {}),
      ...(typeof parsed.html === 'string' && parsed.html ? { html: parsed.html } : {}),
      attachments: attachments.map((a) => ({
        filename: a.filename,
        contentType: (a.contentType || 'application/octet-stream').toLowerCase(),
        size: a.size ?? a.content.length,
        inline: a.related === true || (a.contentDisposition === 'inline' && Boolean(a.cid)),
      })),
      dkimDomains,
    },
    contents: attachments.map((a) => a.content),
  };
}
