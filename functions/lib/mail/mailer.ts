import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';

// Mail the API sends itself (a quote to its customer), through SES v2 like the digest mailer
// (functions/followup/digest-mailer.ts), from the deployment's sender address. Loaded on first
// use: a request that sends nothing does not pay for the SES client.

export interface MailAttachment {
  fileName: string;
  contentType: string;
  data: Buffer;
}

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: MailAttachment[];
}

export class Mailer {
  constructor(
    private readonly ses: SESv2Client,
    readonly from: string,
  ) {}

  async send(mail: Mail): Promise<string | undefined> {
    const out = await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [mail.to] },
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: mail.text, Charset: 'UTF-8' },
              Html: { Data: mail.html, Charset: 'UTF-8' },
            },
            ...(mail.attachments?.length
              ? {
                  Attachments: mail.attachments.map((a) => ({
                    FileName: a.fileName,
                    ContentType: a.contentType,
                    RawContent: a.data,
                    ContentDisposition: 'ATTACHMENT' as const,
                  })),
                }
              : {}),
          },
        },
      }),
    );
    return out.MessageId;
  }
}
