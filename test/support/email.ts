import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { captureEmail, type SesRecord } from '../../functions/email/use-cases/capture-email.js';
import { contextFor } from '../../functions/lib/bus/incoming-event.js';
import { inboundEmailKey } from '../../functions/lib/files/file-keys.js';
import type { TestFiles } from './files.js';
import { servicesOf, type TestTable } from './table.js';

// Real MIME, built by nodemailer's composer (what a mail client sends), stored where SES's S3
// action stores a received message, and handed to the capture use case with the receipt SES's
// Lambda action gives (its shape: docs.aws.amazon.com/ses/latest/dg/receiving-email-action-lambda-event.html).

export const DOMAIN = 'crm.example.com';
export const LOG = `log@${DOMAIN}`;

export type MailOptions = ConstructorParameters<typeof MailComposer>[0];

export function compose(options: MailOptions): Promise<Buffer> {
  return new MailComposer(options).compile().build();
}

export type Verdicts = Partial<Record<'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc', string>>;

export function sesRecord(sesMessageId: string, recipients: string[], verdicts: Verdicts = {}): SesRecord {
  const v = (key: keyof Verdicts) => ({ status: verdicts[key] ?? 'PASS' });
  const timestamp = new Date().toISOString();
  return {
    ses: {
      mail: { messageId: sesMessageId, timestamp, destination: recipients },
      receipt: {
        timestamp,
        recipients,
        spamVerdict: v('spam'),
        virusVerdict: v('virus'),
        spfVerdict: v('spf'),
        dkimVerdict: v('dkim'),
        dmarcVerdict: v('dmarc'),
      },
    },
  };
}

/** SES received `raw` for `recipients` (the envelope's, ours only): stored, then captured. */
export async function deliver(
  table: TestTable,
  s3: TestFiles,
  raw: Buffer,
  recipients: string[] = [LOG],
  verdicts: Verdicts = {},
  sesMessageId = randomUUID().replace(/-/g, ''),
) {
  await s3.files.writeFile(inboundEmailKey(sesMessageId), raw, 'message/rfc822');
  return captureAgain(table, sesRecord(sesMessageId, recipients, verdicts));
}

/** The capture function's use case on one SES record, as the deployed function runs it. */
export function captureAgain(table: TestTable, record: SesRecord) {
  const ctx = contextFor(
    { correlationId: record.ses.mail.messageId },
    new Date().toISOString(),
    'email-capture',
  );
  return captureEmail(servicesOf(table, 'EmailCapture'), record, { domain: DOMAIN, ctx });
}
