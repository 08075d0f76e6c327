import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { LocalLambda } from './lambda-service.js';
import type { Logger } from './log.js';
import { LOOPBACK } from './ports.js';
import type { LocalS3 } from './s3.js';
import { LOCAL_ACCOUNT, type LocalApp, type LocalReceiptRule } from './template.js';

// Amazon SES receiving, locally: an SMTP server on the loopback interface (smtp-server, the
// maintained Node SMTP server) that plays the template's receipt rules for the domains they
// name. Like SES, it takes a message only for a recipient some enabled rule covers (550
// otherwise), requires STARTTLS when the rule's TLS policy does (530), refuses a message over
// 40 MB (552: SES's limit), then runs the rule's actions in order: the S3 action stores the raw
// message under its prefix as SES would (the bucket's policy decides, with aws:SourceAccount),
// the Lambda action invokes the function as SES does (asynchronously, with SES's receipt event:
// docs.aws.amazon.com/ses/latest/dg/receiving-email-action-lambda-event.html). The local SES
// (mail.ts) hands it the mail people send to these domains, as SES delivers to their MX.
// What SES computes from DNS and its scanners (SPF, DKIM, DMARC, spam, virus verdicts) cannot be
// computed here: every verdict is PASS, unless the message carries `X-Local-SES-Verdicts:
// dkim=FAIL; spam=FAIL` (how a test gives one; docs/operations.md).

/** SES's limit for a received message, headers included. */
export const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;
const VERDICT_KEYS = ['spam', 'virus', 'spf', 'dkim', 'dmarc'] as const;
const VERDICTS_HEADER = /^x-local-ses-verdicts:(.*)$/im;

export interface Received {
  sesMessageId: string;
  /** The rules that took it, by logical id. */
  rules: string[];
}

const domainOf = (address: string) => address.toLowerCase().split('@')[1] ?? '';

/** Whether a rule's recipient condition (an address, a domain, or `.domain` for its subdomains) covers an address. */
export function covers(rule: LocalReceiptRule, address: string): boolean {
  if (!rule.enabled) return false;
  if (rule.recipients.length === 0) return true;
  const lower = address.toLowerCase();
  const domain = domainOf(lower);
  return rule.recipients.some((r) => {
    const want = r.toLowerCase();
    return want === lower || want === domain || (want.startsWith('.') && domain.endsWith(want));
  });
}

function verdictsOf(raw: Buffer): Record<(typeof VERDICT_KEYS)[number], string> {
  const head = raw
    .subarray(0, raw.indexOf('\r\n\r\n') > 0 ? raw.indexOf('\r\n\r\n') : 64 * 1024)
    .toString('latin1');
  const given = VERDICTS_HEADER.exec(head.replace(/\r?\n[ \t]+/g, ' '))?.[1] ?? '';
  const verdicts = Object.fromEntries(VERDICT_KEYS.map((k) => [k, 'PASS'])) as Record<
    (typeof VERDICT_KEYS)[number],
    string
  >;
  for (const part of given.split(/[;,]/)) {
    const [key, value] = part.split('=').map((s) => s.trim());
    if (key && value && (VERDICT_KEYS as readonly string[]).includes(key.toLowerCase()))
      verdicts[key.toLowerCase() as (typeof VERDICT_KEYS)[number]] = value.toUpperCase();
  }
  return verdicts;
}

/** The headers SES's Lambda event carries (`mail.headers`, `mail.commonHeaders`). */
function headersOf(raw: Buffer): { name: string; value: string }[] {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw
    .subarray(0, end > 0 ? end : 64 * 1024)
    .toString('utf8')
    .replace(/\r?\n[ \t]+/g, ' ');
  return head.split(/\r?\n/).flatMap((line) => {
    const i = line.indexOf(':');
    return i > 0 ? [{ name: line.slice(0, i), value: line.slice(i + 1).trim() }] : [];
  });
}

interface Attached {
  app: LocalApp;
  s3: LocalS3;
  lambda: LocalLambda;
}

/** An error SMTP answers with its code. */
function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export class LocalSesReceiving {
  private server?: SMTPServer;
  private rules: LocalReceiptRule[] = [];
  private deps?: Attached;

  constructor(private readonly log: Logger) {}

  /** The services it hands messages to exist once the runtime made them: until then, 451. */
  attach(deps: Attached): void {
    this.deps = deps;
    this.rules = deps.app.receiptRules;
  }

  /** The domains (and addresses) the rules receive for. */
  get recipients(): string[] {
    return [...new Set(this.rules.filter((r) => r.enabled).flatMap((r) => r.recipients))];
  }

  receives(address: string): boolean {
    return this.rules.some((r) => covers(r, address));
  }

  /** Listens on the loopback interface (the port planned for it, or a free one). */
  async listen(port: number): Promise<number> {
    this.server = new SMTPServer({
      name: 'inbound-smtp.local',
      banner: 'Handoff local SES receiving',
      authOptional: true,
      disabledCommands: ['AUTH'],
      size: MAX_MESSAGE_BYTES,
      // its built-in certificate (self-signed: a local client accepts it explicitly); no logs
      logger: false,
      onRcptTo: (address, session, callback) => {
        if (!this.deps) return callback(smtpError(451, '4.3.2 the local runtime is starting; try again'));
        const rule = this.rules.find((r) => covers(r, address.address));
        if (!rule)
          return callback(
            smtpError(
              550,
              `5.1.1 <${address.address}>: recipient address rejected: no receipt rule takes it`,
            ),
          );
        if (rule.tlsPolicy === 'Require' && !session.secure)
          return callback(
            smtpError(530, '5.7.0 Must issue a STARTTLS command first (the receipt rule requires TLS)'),
          );
        callback();
      },
      onData: (stream, session, callback) => void this.onData(stream, session, callback),
    });
    return new Promise((resolve, reject) => {
      this.server!.server.once('error', reject);
      this.server!.listen(port, LOOPBACK, () => resolve((this.server!.server.address() as AddressInfo).port));
    });
  }

  private async onData(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (error?: Error | null, message?: string) => void,
  ): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if (stream.sizeExceeded)
      return callback(
        smtpError(552, `5.3.4 Message too big: SES receives at most ${MAX_MESSAGE_BYTES} bytes`),
      );
    try {
      const recipients = session.envelope.rcptTo.map((r) => r.address);
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      const { sesMessageId } = await this.receive(Buffer.concat(chunks), recipients, from);
      callback(null, `Ok ${sesMessageId}`);
    } catch (error) {
      this.log.info(`ses: a message could not be received: ${(error as Error).message}`);
      callback(smtpError(451, `4.3.0 ${(error as Error).message}`));
    }
  }

  /**
   * A message SES accepted for `recipients` (the envelope's): each rule covering some of them runs
   * its actions for those. Resolves once every rule has stored and handed it on, as SES's 250 does.
   */
  async receive(raw: Buffer, recipients: string[], from = ''): Promise<Received> {
    const deps = this.deps;
    if (!deps) throw new Error('the local runtime is starting');
    // SES's ids: lower-case letters and digits, the name of the stored object
    const sesMessageId = randomBytes(20).toString('hex');
    const at = new Date().toISOString();
    const verdicts = verdictsOf(raw);
    const headers = headersOf(raw);
    const header = (name: string) => headers.find((h) => h.name.toLowerCase() === name)?.value;
    const taken: string[] = [];
    for (const rule of this.rules) {
      const mine = recipients.filter((r) => covers(rule, r));
      if (mine.length === 0) continue;
      taken.push(rule.logicalId);
      // SES adds its scanning verdicts to the message it stores
      const stored = rule.scanEnabled
        ? Buffer.concat([
            Buffer.from(`X-SES-Spam-Verdict: ${verdicts.spam}\r\nX-SES-Virus-Verdict: ${verdicts.virus}\r\n`),
            raw,
          ])
        : raw;
      for (const action of rule.actions) {
        if (action.kind === 's3') {
          await deps.s3.putAsService(
            action.bucket,
            `${action.prefix}${sesMessageId}`,
            stored,
            'application/octet-stream',
            { kind: 'service', principal: 'ses.amazonaws.com' },
            { 'aws:SourceAccount': LOCAL_ACCOUNT },
          );
          continue;
        }
        const event = {
          Records: [
            {
              eventSource: 'aws:ses',
              eventVersion: '1.0',
              ses: {
                mail: {
                  timestamp: at,
                  source: from,
                  messageId: sesMessageId,
                  destination: recipients,
                  headersTruncated: false,
                  headers,
                  commonHeaders: {
                    returnPath: from,
                    ...(header('from') ? { from: [header('from')] } : {}),
                    ...(header('to') ? { to: [header('to')] } : {}),
                    ...(header('date') ? { date: header('date') } : {}),
                    ...(header('message-id') ? { messageId: header('message-id') } : {}),
                    ...(header('subject') ? { subject: header('subject') } : {}),
                  },
                },
                receipt: {
                  timestamp: at,
                  processingTimeMillis: 0,
                  recipients: mine,
                  spamVerdict: { status: verdicts.spam },
                  virusVerdict: { status: verdicts.virus },
                  spfVerdict: { status: verdicts.spf },
                  dkimVerdict: { status: verdicts.dkim },
                  dmarcVerdict: { status: verdicts.dmarc },
                  action: {
                    type: 'Lambda',
                    functionArn: action.functionArn,
                    invocationType: action.invocationType,
                  },
                },
              },
            },
          ],
        };
        if (action.invocationType === 'RequestResponse')
          await deps.lambda.invokeSync(action.functionId, event);
        else
          deps.lambda.invokeAsync(action.functionId, event, {
            trigger: 'event',
            what: `SES receipt ${sesMessageId} for ${mine.join(', ')}`,
          });
      }
    }
    this.log.info(
      `ses: received ${raw.length} bytes for ${recipients.join(', ')} (${sesMessageId}; rules ${taken.join(', ') || 'none'})`,
    );
    return { sesMessageId, rules: taken };
  }

  async close(): Promise<void> {
    if (!this.server) return;
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
