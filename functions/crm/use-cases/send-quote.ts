import { sendQuote as decide } from '../../../domain/crm/quote.commands.js';
import { type Quote, quoteLabel } from '../../../domain/crm/quote.js';
import { Conflict } from '../../../domain/shared/errors.js';
import type { CommandInput } from '../../lib/command-input.js';
import { config } from '../../lib/config.js';
import { escapeHtml } from '../../lib/html.js';
import type { Services } from '../../lib/services.js';
import { QUOTE_SEND_LEASE_SECONDS } from '../../lib/table/entities/quote.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';
import { quoteFileName, quotePdf } from './quote-document.js';

/**
 * Mails a quote's PDF to its contact through SES (MIME composed by nodemailer, from the
 * deployment's sender), then records it as sent (the quote, the deal's timeline, QuoteSent) in
 * one transaction. Decided before mailing, so a quote that may not be sent (superseded, expired,
 * answered, no address) mails nothing. The send holds the quote from before the mail to its
 * record (QUOTE_SEND_LEASE_SECONDS), so a second send at the same time is a 409 and mails
 * nothing; a record that loses a race after the mail is decided again without mailing again.
 * SES refusing the mail frees the quote and records nothing. Only a send that dies between its
 * mail and its record (the quote then not marked sent) lets a later send mail it again
 * (docs/operations.md, "Quotes").
 */
export function sendQuote(
  s: Pick<Services, 'files' | 'mailer' | 'quotes' | 'store'>,
  id: string,
  { ctx, ifMatch }: CommandInput,
): Promise<Quote> {
  // a lost race re-runs the command in this invocation: the mail already went, and is not sent again
  let held: { leaseUntil: string; mailed?: string } | undefined;
  return versionedCommand({
    ifMatch,
    entity: 'quote',
    load: async () => {
      const quote = await s.quotes.require(id);
      return { quote, ...(await s.quotes.toSend(quote)) };
    },
    target: (l) => l.quote,
    run: async ({ quote, deal, contact }) => {
      const sent = decide(quote, deal, contact, ctx);
      const from = config.quoteFromEmail();
      if (!from)
        throw new Conflict(
          'this deployment sends no mail: deploy it with a sender address (-c digestFromEmail=…)',
        );
      if (!held) {
        const leaseUntil = new Date(Date.parse(ctx.now) + QUOTE_SEND_LEASE_SECONDS * 1000).toISOString();
        await s.quotes.claimSend(quote, { now: ctx.now, leaseUntil });
        held = { leaseUntil };
      }
      if (held.mailed === undefined) {
        try {
          await mailQuote(s, quote, sent.to.email, from, ctx.now);
        } catch (error) {
          // SES's refusal is the answer; a hold not given back frees itself at its lease
          await s.store.transact([s.quotes.sendDone(quote.id, held.leaseUntil)]).catch(() => undefined);
          held = undefined;
          throw error;
        }
        held.mailed = sent.to.email;
      } else if (held.mailed !== sent.to.email) {
        // decided again after the mail: the record names the address the mail went to
        throw new Conflict(
          `quote ${quote.id} was mailed to ${held.mailed}, and its contact's address changed meanwhile; read it again`,
        );
      }
      const uow = s.quotes.update(new UnitOfWork(), quote, sent.quote);
      uow.add(s.quotes.onTimeline(deal, quote, sent.events[0]!, 'quote-sent', { sentTo: sent.to.email }));
      uow.add(s.quotes.sendDone(quote.id, held.leaseUntil));
      await uow.events(sent.events).commit(s.store);
      return sent.quote;
    },
  });
}

/** The quote's mail with its PDF, through the deployment's mailer (SES). */
async function mailQuote(
  s: Pick<Services, 'files' | 'mailer'>,
  quote: Quote,
  to: string,
  from: string,
  now: string,
): Promise<void> {
  const pdf = await quotePdf(s, quote);
  const label = quoteLabel(quote);
  const greeting = quote.customer.contactName ? `Hello ${quote.customer.contactName},` : 'Hello,';
  const lines = [
    greeting,
    '',
    `please find attached our quote ${label} for "${quote.title}".`,
    `It is valid until ${quote.validUntil}.`,
  ];
  // nodemailer's composer is loaded by the first send only
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const raw = await new MailComposer({
    from,
    to,
    subject: `Quote ${label}: ${quote.title}`,
    text: lines.join('\n'),
    html: `<!doctype html><html><body style="font-family:sans-serif">${lines
      .filter(Boolean)
      .map((l) => `<p>${escapeHtml(l)}</p>`)
      .join('')}</body></html>`,
    date: new Date(now),
    attachments: [{ filename: quoteFileName(quote), contentType: 'application/pdf', content: pdf }],
  })
    .compile()
    .build();
  await (await s.mailer()).send({ from, to: [to], cc: [], bcc: [], raw });
}
