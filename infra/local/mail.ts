import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { writeFileSafely } from './durable.js';
import type { LocalIam } from './iam.js';
import type { Logger } from './log.js';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './template.js';

// Amazon SES v2, locally: the SendEmail operation (the SDK reaches it through
// AWS_ENDPOINT_URL_SESV2). Each message is kept as JSON under .local/mail/, with its HTML body
// beside it, and listed by `npm run mail`.

export interface LocalMail {
  id: string;
  at: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Its attachments, each kept beside it as a file (`<mail>-<fileName>`). */
  attachments?: { fileName: string; contentType: string; size: number; file: string }[];
}

export class LocalMailbox {
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
    if (!input.FromEmailAddress || !input.Destination?.ToAddresses?.length || !simple) {
      reply(400, { message: 'FromEmailAddress, Destination.ToAddresses and Content.Simple are required' });
      return;
    }
    const mail: LocalMail = {
      id: randomUUID(),
      at: new Date().toISOString(),
      from: input.FromEmailAddress,
      to: input.Destination.ToAddresses,
      subject: simple.Subject?.Data ?? '',
      text: simple.Body?.Text?.Data ?? '',
      html: simple.Body?.Html?.Data ?? '',
    };
    const base = `${mail.at.replace(/[:.]/g, '-')}-${mail.to[0]!.replace(/[^\w.@-]/g, '_')}`;
    const attachments = (simple.Attachments ?? []) as {
      FileName?: string;
      ContentType?: string;
      RawContent?: string;
    }[];
    if (attachments.length) {
      mail.attachments = attachments.map((a, i) => {
        const data = Buffer.from(a.RawContent ?? '', 'base64');
        const file = `${base}-${i}-${String(a.FileName ?? 'attachment').replace(/[^\w.-]/g, '_')}`;
        writeFileSafely(join(this.dir, file), data);
        return { fileName: a.FileName ?? '', contentType: a.ContentType ?? '', size: data.length, file };
      });
    }
    writeFileSafely(join(this.dir, `${base}.json`), JSON.stringify(mail, null, 2));
    if (mail.html) writeFileSafely(join(this.dir, `${base}.html`), mail.html);
    this.log.info(`mail to ${mail.to.join(', ')}: ${mail.subject}`);
    reply(200, { MessageId: mail.id });
  };
}
