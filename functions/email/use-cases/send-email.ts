import { randomUUID } from 'node:crypto';
import { captureAddress } from '../../../domain/email/addresses.js';
import { composeEmail as decide, type NewEmail, type SentEmail } from '../../../domain/email/outgoing.js';
import { Conflict, ValidationFailed } from '../../../domain/shared/errors.js';
import { emailIdForMessage } from '../../../domain/shared/ids.js';
import type { CommandInput } from '../../lib/command-input.js';
import { config } from '../../lib/config.js';
import type { Services } from '../../lib/services.js';

// A rep's email from the console: composed here as MIME (nodemailer's composer: the Message-ID
// is ours, so the answer names the email it will be once captured), sent through SES from their
// address with the capture address in BCC. It is logged when SES delivers that copy to the
// capture domain and the capture function takes it, like any mail they send.

/** Email capture is not set up: there is no domain to log the mail through. */
export class CaptureNotSetUp extends Conflict {
  constructor() {
    super(
      'email is not set up on this deployment: it is deployed with -c inboundEmailDomain=… (docs/operations.md, "Email capture")',
    );
  }
}

/**
 * SES's refusals, said as what they mean to the sender: a recipient SES will not send to (in its
 * sandbox: an unverified one) is theirs to change; an account SES paused or a sender identity it
 * does not know is the deployment's to fix. Anything else (a throttle SES's client retried, an
 * outage) stays an error.
 */
function refusalOf(error: unknown): unknown {
  const name = (error as { name?: string }).name;
  const message = (error as Error).message;
  if (name === 'MessageRejected')
    return new ValidationFailed([{ path: 'to', message: `SES refused the message: ${message}` }]);
  if (
    name === 'MailFromDomainNotVerifiedException' ||
    name === 'AccountSuspendedException' ||
    name === 'SendingPausedException' ||
    name === 'NotFoundException'
  )
    return new Conflict(`SES does not send for this deployment now (${name}): ${message}; nothing was sent`);
  return error;
}

export async function sendEmail(
  s: Pick<Services, 'deals' | 'emails' | 'profiles' | 'mailer'>,
  body: NewEmail,
  { ctx }: CommandInput,
): Promise<SentEmail> {
  const domain = config.inboundEmailDomain();
  if (!domain) throw new CaptureNotSetUp();
  const [replyTo, profile] = await Promise.all([
    body.inReplyTo ? s.emails.get(body.inReplyTo) : undefined,
    s.profiles.get(ctx.actor.userId),
    body.dealId ? s.deals.require(body.dealId) : undefined,
  ]);
  const outgoing = decide(
    body,
    { actor: ctx.actor, name: profile?.name },
    { domain, senderDomains: [...config.emailSenderDomains(), domain.toLowerCase()] },
    replyTo,
    `${randomUUID()}@${domain}`,
  );
  // the composer (about 130 KB) is loaded by the first email sent, not by every cold start of the CRM API
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const raw = await new MailComposer({
    from: outgoing.from,
    to: outgoing.to,
    cc: outgoing.cc,
    subject: outgoing.subject,
    text: outgoing.text,
    messageId: `<${outgoing.messageId}>`,
    date: new Date(ctx.now),
    ...(outgoing.inReplyTo ? { inReplyTo: `<${outgoing.inReplyTo}>` } : {}),
    ...(outgoing.references.length ? { references: outgoing.references.map((r) => `<${r}>`) } : {}),
  })
    .compile()
    .build();
  const mailer = await s.mailer();
  try {
    await mailer.send({ from: outgoing.from, to: outgoing.to, cc: outgoing.cc, bcc: outgoing.bcc, raw });
  } catch (error) {
    throw refusalOf(error);
  }
  return {
    emailId: emailIdForMessage(outgoing.messageId),
    messageId: outgoing.messageId,
    from: outgoing.from,
    bcc: outgoing.bcc[0] ?? captureAddress(domain),
  };
}
