// Sending a composed message (MIME, with its own Message-ID) through SES v2: the envelope's
// recipients are given apart from the headers, so the capture address is a BCC no recipient
// sees. Loaded on the first send: a request that sends nothing does not pay for the SES client.

export interface OutgoingMail {
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  raw: Buffer;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

export async function sesMailer(): Promise<Mailer> {
  const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
  const client = new SESv2Client({});
  return {
    async send(mail) {
      await client.send(
        new SendEmailCommand({
          FromEmailAddress: mail.from,
          Destination: { ToAddresses: mail.to, CcAddresses: mail.cc, BccAddresses: mail.bcc },
          Content: { Raw: { Data: mail.raw } },
        }),
      );
    },
  };
}
