import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { Mailer } from '../../functions/lib/mail/mailer.js';
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

export async function testMailbox(from = 'quotes@handoff.local'): Promise<TestMailbox> {
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
    mailer: new Mailer(ses, from),
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
