import { createTransport } from 'nodemailer';
import { crmRoutes } from '../functions/crm/routes/index.js';
import { captureEmail } from '../functions/email/use-cases/capture-email.js';
import { contextFor } from '../functions/lib/bus/incoming-event.js';
import { inboundEmailKey } from '../functions/lib/files/file-keys.js';
import { httpApi } from '../functions/lib/http/http-handler.js';
import { mintToken } from '../infra/local/jwt.js';
import { apiClient, users } from '../test/support/api.js';
import { compose, DOMAIN, LOG, sesRecord, type Verdicts } from '../test/support/email.js';
import { testFiles } from '../test/support/files.js';
import { benchTable, ms, percentile, quietLocalRuntime } from './support.js';

// Email capture, measured two ways:
//   - on the local runtime, from the SMTP server's 250 (SES accepted the message) to the email
//     readable on the deal's timeline through the API: the S3 store, Lambda's asynchronous queue,
//     the capture function (S3 read, parse, reads, one transaction) and the GSI read;
//   - round trips per captured email, counted by SDK middleware on the DynamoDB client and on the
//     file store's S3 calls, for each kind of message.

async function latency(samples: number): Promise<string> {
  const { runtime, localDir, close } = await quietLocalRuntime('handoff-email-');
  try {
    const token = await mintToken(localDir, { user: 'bench', groups: ['sales'], email: 'bench@example.com' });
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${runtime.apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return (await res.json()) as any;
    };
    await call('GET', '/me');
    const contact = await call('POST', '/contacts', { firstName: 'Grace', emails: ['grace@acme.example'] });
    const deal = await call('POST', '/deals', {
      title: 'Rollout',
      value: { amount: 1000, currency: 'EUR' },
      ownerId: 'bench',
      contactId: contact.id,
      nextAction: { summary: 'x', dueAt: '2031-01-01T00:00:00Z' },
    });
    const domain = runtime.smtp.domains[0]!;
    const transport = createTransport({
      host: runtime.smtp.host,
      port: runtime.smtp.port,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      pool: true,
    });
    const latencies: number[] = [];
    for (let i = 0; i < samples + 3; i++) {
      const subject = `Update ${i}`;
      await transport.sendMail({
        from: 'bench@example.com',
        to: 'grace@acme.example',
        bcc: `log@${domain}`,
        subject,
        text: `Status update number ${i}.`,
        date: new Date(Date.now() - 60_000),
      });
      const accepted = performance.now();
      for (;;) {
        const timeline = await call('GET', `/deals/${deal.id}/timeline?limit=100`);
        if (timeline.items.some((e: any) => e.activity?.subject === subject)) break;
        if (performance.now() - accepted > 30_000)
          throw new Error(`${subject} not on the timeline within 30 s`);
        await new Promise((r) => setTimeout(r, 10));
      }
      if (i >= 3) latencies.push(performance.now() - accepted);
    }
    transport.close();
    const p95 = percentile(latencies, 95);
    return `${samples} emails sent one after another over SMTP (STARTTLS) to the local SES receiving, BCC
\`log@${domain}\`, each to a contact with one open deal (after 3 warm-up); time from the SMTP
server's 250 to \`GET /deals/{id}/timeline\` listing it (polled every 10 ms).

| p50 | p95 | max | goal |
| --- | --- | --- | --- |
| ${ms(percentile(latencies, 50))} | ${ms(p95)} | ${ms(Math.max(...latencies))} | p95 ≤ 2 s: ${p95 <= 2000 ? 'met' : 'not met'} |`;
  } finally {
    await close();
  }
}

async function roundTrips(): Promise<string> {
  const s3 = await testFiles();
  const t = await benchTable({ files: s3.files });
  const s3Calls: string[] = [];
  for (const method of ['readBytes', 'writeFile'] as const) {
    const original = s3.files[method].bind(s3.files) as (...a: unknown[]) => Promise<unknown>;
    (s3.files as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      s3Calls.push(method === 'readBytes' ? 'GetObject' : 'PutObject');
      return original(...args);
    };
  }
  try {
    const api = apiClient(httpApi(crmRoutes(t.services), () => t.services));
    await api('GET /pipelines', { as: users.alice });
    const contact = (
      await api('POST /contacts', { body: { firstName: 'Grace', emails: ['grace@acme.test'] } })
    ).body;
    const deal = (
      await api('POST /deals', {
        as: users.alice,
        body: {
          title: 'Rollout',
          value: { amount: 1_000, currency: 'EUR' },
          ownerId: users.alice.sub,
          contactId: contact.id,
          nextAction: { summary: 'Call', dueAt: '2030-01-02T09:00:00Z' },
        },
      })
    ).body;
    const rows: string[] = [];
    let n = 0;
    const measure = async (label: string, raw: Buffer, recipients: string[], verdicts: Verdicts = {}) => {
      const id = `bench${++n}`;
      await s3.files.writeFile(inboundEmailKey(id), raw, 'message/rfc822');
      t.calls.length = 0;
      s3Calls.length = 0;
      const record = sesRecord(id, recipients, verdicts);
      const ctx = contextFor({ correlationId: id }, new Date().toISOString(), 'email-capture');
      const outcome = await captureEmail(t.services, record, { domain: DOMAIN, ctx });
      const all = [...t.calls, ...s3Calls];
      const counts = new Map<string, number>();
      for (const c of all) counts.set(c, (counts.get(c) ?? 0) + 1);
      rows.push(
        `| ${label} | ${outcome.outcome} | ${all.length} (${[...counts].map(([k, v]) => `${v}× ${k}`).join(', ')}) |`,
      );
    };
    const bcc = await compose({
      from: 'alice@example.com',
      to: 'grace@acme.test',
      bcc: LOG,
      subject: 'Proposal',
      text: 'Attached.',
      messageId: '<bench-1@example.com>',
    });
    await measure('a rep’s mail, BCC the capture address (1 contact, 1 open deal)', bcc, [LOG]);
    await measure('the same message again (a CC and a BCC)', bcc, [LOG]);
    await measure(
      'a reply to the per-deal address, with a PDF',
      await compose({
        from: 'grace@acme.test',
        to: 'alice@example.com',
        cc: `deal-${deal.id}@${DOMAIN}`,
        subject: 'Re: Proposal',
        text: 'Signed.',
        inReplyTo: '<bench-1@example.com>',
        references: ['<bench-1@example.com>'],
        attachments: [
          { filename: 'signed.pdf', content: Buffer.from('%PDF-1.7'), contentType: 'application/pdf' },
        ],
      }),
      [`deal-${deal.id}@${DOMAIN}`],
    );
    await measure(
      'no known participant (listed for review)',
      await compose({
        from: 'alice@example.com',
        to: 'ada@engines.test',
        bcc: LOG,
        subject: 'Hi',
        text: 'x',
      }),
      [LOG],
    );
    await measure(
      'a forged From of a user (DKIM failed)',
      await compose({
        from: 'alice@example.com',
        to: 'grace@acme.test',
        bcc: LOG,
        subject: 'Wire',
        text: 'x',
      }),
      [LOG],
      { dkim: 'FAIL' },
    );
    return `Round trips per captured email (DynamoDB and S3), on DynamoDB Local and the local S3:

| message | outcome | round trips |
| --- | --- | --- |
${rows.join('\n')}

The reads before the decision run side by side (the participants' contacts and reviews in one
BatchGet, the per-deal address's deal, the heads of the email itself and of the messages it
refers to in one BatchGet), then the open deals of the matched contacts (one Query each, side by
side), then one transaction; a duplicate stops at the BatchGet that finds its own head. The
team's profiles (who is a user) are one Query.`;
  } finally {
    await t.close();
    await s3.close();
  }
}

export async function emailCapture(samples = 30): Promise<string> {
  const rounds = await roundTrips();
  const times = await latency(samples);
  return `## Email capture: SMTP accept → on the timeline, and round trips per email

${times}

${rounds}`;
}
