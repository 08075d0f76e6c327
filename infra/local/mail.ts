import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { writeFileSafely } from './durable.js';
import type { LocalIam } from './iam.js';
import type { Logger } from './log.js';
import type { LocalSesReceiving } from './smtp.js';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './template.js';

// Amazon SES v2, locally: the SendEmail operation (the SDK reaches it through
// AWS_ENDPOINT_URL_SESV2), with simple content (the digest) or raw MIME (the console's mail).
// Each message is kept as JSON under .local/mail/, with its HTML body (or its raw message)
// beside it, and listed by `npm run mail`. Mail to a domain the stack receives for (its SES
// receipt rules) is also handed to the local SES receiving (smtp.ts), as SES delivers it to
// that domain's MX: the capture address in BCC is captured as in AWS.

export interface LocalMail {
  id: string;
  at: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  cc?: string[];
  bcc?: string[];
  /** Its attachments, each kept beside it as a file (`<mail>-<n>-<fileName>`). */
  attachments?: { fileName: string; contentType: string; size: number; file: string }[];
}

export class LocalMailbox {
  private receiving?: LocalSesReceiving;

  /** Where mail to the stack's own receiving domains goes (SES receiving, locally). */
  deliverTo(receiving: LocalSesReceiving): void {
    this.receiving = receiving;
  }

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
    /** Asked before each SendEmail a signed caller makes (infra/local/iam.ts); none: all allowed. */
    private readonly iam?: LocalIam,
  ) {}

  /**
   * Why IAM refuses this SendEmail, or undefined. SES authorizes the identity the mail is sent
   * from: the address's own, or its domain's (whichever is verified; locally, either will do).
   */
  private async refusal(req: IncomingMessage, from: string): Promise<string | undefined> {
    if (!this.iam) return undefined;
    const caller = this.iam.callerOf(req.headers);
    if (caller.kind === 'anonymous') return 'Missing Authentication Token';
    const identity = (name: string) => `arn:aws:ses:${LOCAL_REGION}:${LOCAL_ACCOUNT}:identity/${name}`;
    const address = from.replace(/^.*<([^>]+)>.*$/, '$1');
    const denied = await this.iam.authorize(caller, [
      { action: 'ses:SendEmail', resource: identity(address) },
    ]);
    if (!denied) return undefined;
    const domain = address.split('@').at(-1)!;
    return (await this.iam.authorize(caller, [{ action: 'ses:SendEmail', resource: identity(domain) }]))
      ? denied.message
      : undefined;
  }

  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || !req.url?.startsWith('/v2/email/outbound-emails')) {
      reply(404, { message: `the local SES speaks SendEmail only, not ${req.method} ${req.url}` });
      return;
    }
    const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    const denied = await this.refusal(req, String(input.FromEmailAddress ?? ''));
    if (denied) {
      res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' });
      res.end(JSON.stringify({ message: denied }));
      return;
    }
    const simple = input.Content?.Simple;
    const rawData: string | undefined = input.Content?.Raw?.Data;
    const destination = {
      to: (input.Destination?.ToAddresses ?? []) as string[],
      cc: (input.Destination?.CcAddresses ?? []) as string[],
      bcc: (input.Destination?.BccAddresses ?? []) as string[],
    };
    if (!input.FromEmailAddress || (!simple && !rawData) || (simple && !destination.to.length)) {
      reply(400, {
        message:
          'FromEmailAddress, and Content.Simple with Destination.ToAddresses or Content.Raw, are required',
      });
      return;
    }
    const raw = rawData ? Buffer.from(rawData, 'base64') : undefined;
    const parsed = raw ? await simpleParser(raw) : undefined;
    const headerAddresses = (field: unknown) =>
      [field ?? []]
        .flat()
        .flatMap((a) => (a as { value: { address?: string }[] }).value.map((v) => v.address ?? ''))
        .filter(Boolean);
    const to = destination.to.length || !parsed ? destination.to : headerAddresses(parsed.to);
    const cc = destination.cc.length || !parsed ? destination.cc : headerAddresses(parsed.cc);
    const mail: LocalMail = {
      id: randomUUID(),
      at: new Date().toISOString(),
      from: input.FromEmailAddress,
      to,
      subject: simple ? (simple.Subject?.Data ?? '') : (parsed?.subject ?? ''),
      text: simple ? (simple.Body?.Text?.Data ?? '') : (parsed?.text ?? ''),
      html: simple ? (simple.Body?.Html?.Data ?? '') : typeof parsed?.html === 'string' ? parsed.html : '',
      ...(cc.length ? { cc } : {}),
      ...(destination.bcc.length ? { bcc: destination.bcc } : {}),
    };
    const first = mail.to[0] ?? mail.cc?.[0] ?? mail.bcc?.[0] ?? 'nobody';
    const base = `${mail.at.replace(/[:.]/g, '-')}-${first.replace(/[^\w.@-]/g, '_')}`;
    // attachments of a simple message (base64 in the request) or of a raw one (parsed from MIME)
    const attachments = [
      ...(
        (simple?.Attachments ?? []) as { FileName?: string; ContentType?: string; RawContent?: string }[]
      ).map((a) => ({
        fileName: a.FileName ?? '',
        contentType: a.ContentType ?? '',
        data: Buffer.from(a.RawContent ?? '', 'base64'),
      })),
      ...(parsed?.attachments ?? []).map((a) => ({
        fileName: a.filename ?? '',
        contentType: a.contentType,
        data: a.content,
      })),
    ];
    if (attachments.length) {
      mail.attachments = attachments.map((a, i) => {
        const file = `${base}-${i}-${(a.fileName || 'attachment').replace(/[^\w.-]/g, '_')}`;
        writeFileSafely(join(this.dir, file), a.data);
        return { fileName: a.fileName, contentType: a.contentType, size: a.data.length, file };
      });
    }
    writeFileSafely(join(this.dir, `${base}.json`), JSON.stringify(mail, null, 2));
    if (mail.html) writeFileSafely(join(this.dir, `${base}.html`), mail.html);
    if (raw) writeFileSafely(join(this.dir, `${base}.eml`), raw);
    this.log.info(
      `mail to ${[...mail.to, ...(mail.cc ?? []), ...(mail.bcc ?? [])].join(', ')}: ${mail.subject}`,
    );
    // SES delivers to each recipient's MX: the stack's own receiving domains are here
    const ours = [...mail.to, ...(mail.cc ?? []), ...(mail.bcc ?? [])].filter((r) =>
      this.receiving?.receives(r),
    );
    if (raw && ours.length > 0) await this.receiving!.receive(raw, ours, input.FromEmailAddress);
    reply(200, { MessageId: mail.id });
  };
}
