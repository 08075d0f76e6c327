// Every setting a function reads from its environment, in one place: each is read once, on
// first use (a function that never sends mail never needs the sender), and has one default or
// none. A missing required setting is a deployment bug, so the error names it. The stack sets
// them (infra/stack.ts) from infra/config.ts, whose defaults are these.

export const DEFAULTS = {
  /** How long a won deal may wait for its project before it is reported as a missing handoff. */
  handoffGraceMinutes: 15,
  /** The hour of the day, in each person's time zone, their digest is sent. */
  digestHour: 7,
  /** How long a webhook receiver has to answer an attempt. */
  webhookTimeoutSeconds: 10,
  /** How long the bus archive keeps events (what a webhook replay can reach back to). */
  archiveRetentionDays: 365,
} as const;

function once<T>(read: () => T): () => T {
  let value: { v: T } | undefined;
  return () => {
    value ??= { v: read() };
    return value.v;
  };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

function integer(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value))
    throw new Error(`environment variable ${name} must be an integer, not ${raw}`);
  return value;
}

export const config = {
  /** The single table (TABLE_NAME). */
  tableName: once(() => required('TABLE_NAME')),
  /** The event bus the outbox relay puts events on (EVENT_BUS_NAME). */
  eventBusName: once(() => required('EVENT_BUS_NAME')),
  /** The bucket of CSV imports and exports (FILES_BUCKET). */
  filesBucket: once(() => required('FILES_BUCKET')),
  handoffGraceMinutes: once(() => integer('HANDOFF_GRACE_MINUTES', DEFAULTS.handoffGraceMinutes)),
  digestHour: once(() => integer('DIGEST_HOUR', DEFAULTS.digestHour)),
  /** The verified SES identity digests are sent from (DIGEST_FROM_EMAIL). */
  digestFromEmail: once(() => required('DIGEST_FROM_EMAIL')),
  /** The address mail is sent from, where the deployment sends mail (DIGEST_FROM_EMAIL); none: no mail. */
  mailFrom: once(() => process.env.DIGEST_FROM_EMAIL || undefined),
  /** The domain SES receives mail for (INBOUND_EMAIL_DOMAIN); none: email capture is off. */
  inboundEmailDomain: once(() => process.env.INBOUND_EMAIL_DOMAIN || undefined),
  /** Domains the console may send mail from as the user (EMAIL_SENDER_DOMAINS, comma-separated SES identities). */
  emailSenderDomains: once(() =>
    (process.env.EMAIL_SENDER_DOMAINS ?? '')
      .split(',')
      .map((d) => d.trim().toLowerCase())
      .filter(Boolean),
  ),
  /** The address quotes are mailed from (QUOTE_FROM_EMAIL, the deployment's sender); none: quotes are not mailed. */
  quoteFromEmail: once(() => process.env.QUOTE_FROM_EMAIL || undefined),
  /** The web console's address, for links in digests and portal links (APP_URL); none: the digest has no links. */
  appUrl: once(() => process.env.APP_URL || undefined),
  /**
   * Webhook URLs may be http:// and point at loopback addresses (WEBHOOK_ALLOW_LOOPBACK=true): the
   * local runtime sets it so tests run real receivers on this machine; the stack never does.
   */
  webhookAllowLoopback: once(() => process.env.WEBHOOK_ALLOW_LOOPBACK === 'true'),
  webhookTimeoutSeconds: once(() => integer('WEBHOOK_TIMEOUT_SECONDS', DEFAULTS.webhookTimeoutSeconds)),
  archiveRetentionDays: once(() => integer('ARCHIVE_RETENTION_DAYS', DEFAULTS.archiveRetentionDays)),
  /** The queue of webhook attempts waiting for their time (WEBHOOK_RETRY_QUEUE_URL). */
  webhookRetryQueueUrl: once(() => required('WEBHOOK_RETRY_QUEUE_URL')),
  /** What a webhook replay reads from and sends to: the archive, the bus, the sender's rule. */
  eventArchiveArn: once(() => required('EVENT_ARCHIVE_ARN')),
  eventBusArn: once(() => required('EVENT_BUS_ARN')),
  webhookRuleArn: once(() => required('WEBHOOK_RULE_ARN')),
};
