import { ContactId, Email as EmailAddressSchema } from '../crm/contact.js';
import { DealId } from '../crm/deal.js';
import { type Actor, hasRole } from '../shared/context.js';
import { Forbidden, ValidationFailed } from '../shared/errors.js';
import { text } from '../shared/text.js';
import * as z from '../shared/zod.js';
import { captureAddress, dealAddress } from './addresses.js';
import { type EmailHead, EmailId } from './message.js';

// An email a rep writes on a contact's or a deal's page. It goes out through SES from their own
// address (its domain must be one the deployment may send from), with the capture address in
// BCC (a deal's own address, from a deal's page), so it is logged by the same path as any mail
// they send: nothing here writes to a timeline.

export const NewEmail = z
  .strictObject(() => ({
    to: z.array(EmailAddressSchema).min(1, { error: 'name at least one recipient' }).max(20),
    cc: z.array(EmailAddressSchema).max(20).default([]),
    subject: text(300),
    text: text(100_000),
    /** Written on a deal's page: BCC the deal's own address, so it lands on that deal. */
    dealId: DealId.optional(),
    /** Written on a contact's page (for the record; the recipients decide the timelines). */
    contactId: ContactId.optional(),
    /** A reply: the captured email it answers (its thread continues). */
    inReplyTo: EmailId.optional(),
  }))
  .register(z.globalRegistry, { id: 'NewEmail' });
export type NewEmail = z.infer<typeof NewEmail>;

export const SentEmail = z
  .object(() => ({
    emailId: EmailId.describe('the id it will have once captured (GET /emails/{id})'),
    messageId: z.string(),
    from: z.string(),
    bcc: z.string().describe('the capture address it was sent to, so it is logged'),
  }))
  .register(z.globalRegistry, { id: 'SentEmail' });
export type SentEmail = z.infer<typeof SentEmail>;

export interface OutgoingDecision {
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
  messageId: string;
  inReplyTo?: string;
  references: string[];
}

export function composeEmail(
  input: NewEmail,
  sender: { actor: Actor; name?: string | undefined },
  settings: { domain: string; senderDomains: string[] },
  replyTo: EmailHead | undefined,
  newMessageId: string,
): OutgoingDecision {
  if (!hasRole(sender.actor, 'admin', 'manager', 'sales'))
    throw new Forbidden('your role may read emails but not send them');
  const address = sender.actor.email?.toLowerCase();
  if (!address)
    throw new ValidationFailed([{ path: 'from', message: 'your sign-in has no email address to send from' }]);
  const domain = address.split('@')[1] ?? '';
  if (!settings.senderDomains.includes(domain))
    throw new ValidationFailed([
      {
        path: 'from',
        message: `this deployment may send from ${settings.senderDomains.join(', ') || 'no domain'}, not from ${domain} (emailSenderDomains)`,
      },
    ]);
  const bcc = input.dealId ? dealAddress(settings.domain, input.dealId) : captureAddress(settings.domain);
  const references = replyTo ? [...replyTo.references, replyTo.messageId].slice(-20) : [];
  return {
    from: sender.name ? `"${sender.name.replace(/["\\]/g, '')}" <${address}>` : address,
    to: input.to,
    cc: input.cc,
    bcc: [bcc],
    subject: input.subject,
    text: input.text,
    messageId: newMessageId,
    ...(replyTo ? { inReplyTo: replyTo.messageId } : {}),
    references,
  };
}
