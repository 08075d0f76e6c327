import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { config } from '../lib/config.js';

// A portal link by email, through SES (locally the local mail folder): sent by the API function
// that made it, straight after the link is stored, because the link's secret exists only in that
// request (no event, queue or table holds it). The SES client is loaded on the first mail only.

export interface PortalLinkMail {
  to: string;
  contactName: string;
  projectName: string;
  url: string;
  expiresAt: string;
}

export interface PortalMailer {
  send(mail: PortalLinkMail): Promise<void>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderPortalLinkMail(mail: PortalLinkMail): { subject: string; text: string; html: string } {
  const until = mail.expiresAt.slice(0, 10);
  const subject = `${mail.projectName}: follow your project`;
  const lines = [
    `Hello ${mail.contactName},`,
    '',
    `You can follow ${mail.projectName} here: the date we promised beside the plan, the milestones, and what waits on you.`,
    '',
    mail.url,
    '',
    `The link is yours alone and works until ${until}. Do not forward it.`,
  ];
  const html = `<!doctype html><html><body style="font-family:sans-serif"><p>Hello ${escapeHtml(mail.contactName)},</p><p>You can follow <strong>${escapeHtml(mail.projectName)}</strong> here: the date we promised beside the plan, the milestones, and what waits on you.</p><p><a href="${escapeHtml(mail.url)}">Open your project</a></p><p>The link is yours alone and works until ${escapeHtml(until)}. Do not forward it.</p></body></html>`;
  return { subject, text: lines.join('\n'), html };
}

/** The deployment's mailer, when it sends mail (DIGEST_FROM_EMAIL, a verified SES identity); else none. */
export function portalMailer(): PortalMailer | undefined {
  const from = config.mailFrom();
  if (!from) return undefined;
  let ses: Promise<SESv2Client> | undefined;
  return {
    async send(mail) {
      ses ??= import('@aws-sdk/client-sesv2').then(({ SESv2Client }) => new SESv2Client({}));
      const { SendEmailCommand } = await import('@aws-sdk/client-sesv2');
      const { subject, text, html } = renderPortalLinkMail(mail);
      await (await ses).send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: [mail.to] },
          Content: {
            Simple: { Subject: { Data: subject }, Body: { Text: { Data: text }, Html: { Data: html } } },
          },
        }),
      );
    },
  };
}
