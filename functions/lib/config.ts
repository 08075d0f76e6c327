// Every setting a function reads from its environment, in one place: each is read once, on
// first use (a function that never sends mail never needs the sender), and has one default or
// none. A missing required setting is a deployment bug, so the error names it. The stack sets
// them (infra/stack.ts) from infra/config.ts, whose defaults are these.

export const DEFAULTS = {
  /** How long a won deal may wait for its project before it is reported as a missing handoff. */
  handoffGraceMinutes: 15,
  /** The hour of the day, in each person's time zone, their digest is sent. */
  digestHour: 7,
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
  /** The web console's address, for links in digests (APP_URL); none: the digest has no links. */
  /** The address quotes are mailed from (QUOTE_FROM_EMAIL, the deployment's sender); none: quotes are not mailed. */
  quoteFromEmail: once(() => process.env.QUOTE_FROM_EMAIL || undefined),
  appUrl: once(() => process.env.APP_URL || undefined),
};
