import { sendQuote as decide } from '../../../domain/crm/quote.commands.js';
import { type Quote, quoteLabel } from '../../../domain/crm/quote.js';
import { Conflict } from '../../../domain/shared/errors.js';
import type { CommandInput } from '../../lib/command-input.js';
import { config } from '../../lib/config.js';
import { escapeHtml } from '../../lib/html.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';
import { quoteFileName, quotePdf } from './quote-document.js';

/**
 * Mails a quote's PDF to its contact through SES (MIME composed by nodemailer, from the
 * deployment's sender), then records it as sent (the quote, the deal's
 * timeline, QuoteSent) in one transaction. Decided before mailing, so a quote that may not be
 * sent (superseded, expired, answered, no address) mails nothing. Mail and record are not one
 * transaction: a record that fails after the mail (a lost race, which is decided again) can
 * mail twice, never record a mail that did not go (docs/operations.md, "Quotes").
 */
export function sendQuote(
  s: Pick<Services, 'files' | 'mailer' | 'quotes' | 'store'>,
  id: string,
  { ctx, ifMatch }: CommandInput,
): Promise<Quote> {
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
        to: sent.to.email,
        subject: `Quote ${label}: ${quote.title}`,
        text: lines.join('\n'),
        html: `<!doctype html><html><body style="font-family:sans-serif">${lines
          .filter(Boolean)
          .map((l) => `<p>${escapeHtml(l)}</p>`)
          .join('')}</body></html>`,
        date: new Date(ctx.now),
        attachments: [{ filename: quoteFileName(quote), contentType: 'application/pdf', content: pdf }],
      })
        .compile()
        .build();
      await (await s.mailer()).send({ from, to: [sent.to.email], cc: [], bcc: [], raw });
      const uow = s.quotes.update(new UnitOfWork(), quote, sent.quote);
      uow.add(s.quotes.onTimeline(deal, quote, sent.events[0]!, 'quote-sent', { sentTo: sent.to.email }));
      await uow.events(sent.events).commit(s.store);
      return sent.quote;
    },
  });
}
