import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer } from '../../functions/lib/mail/mailer.js';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local.js';
import { type LocalMail, LocalMailbox } from '../../infra/local/mail.js';

// The local runtime's SES (a real HTTP endpoint the SDK talks to, infra/local/mail.ts) for a test:
// what the API mails is kept on disk, read back with its attachments.

export interface TestMailbox {
  mailer: Mailer;
  /** The mails received so far, oldest first, each with its attachments' bytes. */
  received(): (LocalMail & { files: Buffer[] })[];
  close(): Promise<void>;
}

export async function testMailbox(): Promise<TestMailbox> {
  const dir = mkdtempSync(join(tmpdir(), 'handoff-mail-'));
  const mailbox = new LocalMailbox(dir, {
    invocation: () => undefined,
    info: () => undefined,
    functionOutput: () => undefined,
  });
  const server = createServer((req, res) => void mailbox.handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const ses = new SESv2Client({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  return {
    // the deployed mailer's call (functions/lib/mail/mailer.ts), to this SES
    mailer: {
      async send(mail) {
        await ses.send(
          new SendEmailCommand({
            FromEmailAddress: mail.from,
            Destination: { ToAddresses: mail.to, CcAddresses: mail.cc, BccAddresses: mail.bcc },
            Content: { Raw: { Data: mail.raw } },
          }),
        );
      },
    },
    received: () =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => {
          const mail = JSON.parse(readFileSync(join(dir, f), 'utf8')) as LocalMail;
          return { ...mail, files: (mail.attachments ?? []).map((a) => readFileSync(join(dir, a.file))) };
        }),
    close: async () => {
      ses.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
