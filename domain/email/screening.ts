import { dealOfAddress, isOnDomain, normalizeAddress } from './addresses.js';
import type { MailAddress, RefusalReason } from './message.js';

// Who sent it counts (docs/api.md, "Email capture"): a message is logged only when a company
// user sent it (their address is a profile's, and the message proves it: DMARC passed, or DKIM
// passed with a signature of the sender's own domain) or when it was sent to a per-deal address.
// Any FAIL verdict of SES (spam, virus, SPF, DKIM, DMARC) refuses it, the reason recorded.

export const VERDICTS = ['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** What SES says of a message it received (the receipt of its Lambda action's event). */
export interface Receipt {
  sesMessageId: string;
  receivedAt: string;
  /** The envelope's recipients at our domain (a BCC is only here). */
  recipients: string[];
  verdicts: { spam: Verdict; virus: Verdict; spf: Verdict; dkim: Verdict; dmarc: Verdict };
}

/** The message as parsed (functions/email/use-cases/parse-message.ts reads it with mailparser). */
export interface ParsedMessage {
  messageId?: string | undefined;
  inReplyTo?: string | undefined;
  references: string[];
  subject?: string | undefined;
  from?: MailAddress | undefined;
  to: MailAddress[];
  cc: MailAddress[];
  /** Its Date header, as an instant. */
  date?: string | undefined;
  text?: string | undefined;
  html?: string | undefined;
  attachments: { filename?: string | undefined; contentType: string; size: number; inline: boolean }[];
  /** The `d=` domains of its DKIM-Signature headers (which domains signed it). */
  dkimDomains: string[];
}

export interface TeamMember {
  userId: string;
  email?: string | undefined;
}

export type Screening =
  | { accepted: false; reason: RefusalReason; detail: string }
  | {
      accepted: true;
      /** The user who sent it, when a user did. */
      sentBy?: string;
      /** The deal of a per-deal address among the recipients. */
      dealAddress?: string;
      /** The participants who may be customers: not users, not our own addresses; each once. */
      customers: MailAddress[];
    };

const VERDICT_ORDER: { key: keyof Receipt['verdicts']; reason: RefusalReason; what: string }[] = [
  { key: 'virus', reason: 'virus', what: 'SES found a virus in it' },
  { key: 'spam', reason: 'spam', what: 'SES judged it spam' },
  { key: 'dkim', reason: 'dkim', what: 'its DKIM signature failed' },
  { key: 'spf', reason: 'spf', what: 'its sender failed SPF' },
  { key: 'dmarc', reason: 'dmarc', what: 'it failed DMARC' },
];

const domainOf = (address: string) => normalizeAddress(address).split('@')[1] ?? '';

/** DMARC passed, or DKIM passed with a signature of the From address's own domain (or a parent). */
export function senderAuthenticated(message: ParsedMessage, verdicts: Receipt['verdicts']): boolean {
  if (verdicts.dmarc === 'PASS') return true;
  if (verdicts.dkim !== 'PASS' || !message.from) return false;
  const from = domainOf(message.from.address);
  return message.dkimDomains.some((d) => {
    const signer = d.toLowerCase();
    return from === signer || from.endsWith(`.${signer}`);
  });
}

/** A FAIL verdict of SES refuses the message whoever sent it (checked before anything is read). */
export function verdictRefusal(receipt: Receipt): Extract<Screening, { accepted: false }> | undefined {
  for (const { key, reason, what } of VERDICT_ORDER) {
    if (receipt.verdicts[key] === 'FAIL') return { accepted: false, reason, detail: what };
  }
  return undefined;
}

export function screen(
  message: ParsedMessage,
  receipt: Receipt,
  domain: string,
  team: TeamMember[],
): Screening {
  const refused = verdictRefusal(receipt);
  if (refused) return refused;
  if (!message.from?.address.includes('@'))
    return { accepted: false, reason: 'malformed', detail: 'it has no sender address (From)' };
  const users = new Map(
    team.flatMap((m) => (m.email ? [[normalizeAddress(m.email), m.userId] as const] : [])),
  );
  const from = normalizeAddress(message.from.address);
  const dealAddress = [...receipt.recipients, ...message.to, ...message.cc]
    .map((r) => dealOfAddress(typeof r === 'string' ? r : r.address, domain))
    .find((d) => d !== undefined);
  const user = users.get(from);
  if (user && !senderAuthenticated(message, receipt.verdicts) && !dealAddress) {
    return {
      accepted: false,
      reason: 'sender-unverified',
      detail: `it claims to be from ${from}, a user, but neither DMARC nor a DKIM signature of ${domainOf(from)} proves it`,
    };
  }
  const sentBy = user && senderAuthenticated(message, receipt.verdicts) ? user : undefined;
  if (!sentBy && !dealAddress)
    return {
      accepted: false,
      reason: 'sender-not-a-user',
      detail: `${from} is not one of the company's users, and it was not sent to a per-deal address`,
    };
  const seen = new Set<string>();
  const customers: MailAddress[] = [];
  for (const participant of [message.from, ...message.to, ...message.cc]) {
    const address = normalizeAddress(participant.address);
    if (!address.includes('@') || seen.has(address)) continue;
    seen.add(address);
    if (users.has(address) || isOnDomain(address, domain)) continue;
    customers.push({ address, ...(participant.name ? { name: participant.name } : {}) });
  }
  return {
    accepted: true,
    ...(sentBy ? { sentBy } : {}),
    ...(dealAddress ? { dealAddress } : {}),
    customers,
  };
}
