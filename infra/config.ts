import type { Node } from 'constructs';
import { DEFAULTS } from '../functions/lib/config.js';

// Deployment settings, read from CDK context (`-c key=value` or cdk.json). README's
// configuration table lists the same keys; nothing else configures a deployment.

export interface HandoffConfig {
  /** An existing OIDC issuer instead of the stack's Cognito user pool. */
  jwt?: { issuer: string; audience: string[] };
  corsOrigins: string[];
  archiveRetentionDays: number;
  alarmEmail?: string;
  throttle: { rateLimit: number; burstLimit: number };
  logRetentionDays: number;
  /** X-Ray tracing on every function (Powertools Tracer); `-c tracing=false` turns it off. */
  tracing: boolean;
  /** Reserved concurrency of the CSV import, so a big import cannot starve the API; undefined: none. */
  importConcurrency?: number;
  handoffGraceMinutes: number;
  sweepMinutes: number;
  digestHour: number;
  digestFromEmail?: string;
  /** Links in digests; default: the console the stack deploys. */
  appUrl?: string;
  /** The prefix of the Cognito managed-login domain (<prefix>.auth.<region>.amazoncognito.com); default <stack>-<account>. */
  authDomainPrefix?: string;
  /** With jwtIssuer: the client id the console signs in as (default: the first jwtAudience). */
  consoleClientId?: string;
  forwardToAccounts: string[];
  /** The domain SES receives mail for (its MX record points at SES): email capture is on. */
  inboundEmailDomain?: string;
  /** Domains people may send mail from through the console (verified SES identities). */
  emailSenderDomains: string[];
  /** How long a webhook receiver has to answer an attempt, in seconds. */
  webhookTimeoutSeconds: number;
}

function text(node: Node, key: string): string | undefined {
  const value = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

function number(node: Node, key: string, fallback: number): number {
  const value = text(node, key);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0)
    throw new Error(`context ${key} must be a non-negative number, not ${value}`);
  return parsed;
}

function list(node: Node, key: string): string[] {
  const value = node.tryGetContext(key);
  if (Array.isArray(value)) return value.map(String);
  return (text(node, key) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

// The values CloudWatch Logs accepts for a log group's retention (PutRetentionPolicy).
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

function retention(days: number): number {
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days))
    throw new Error(
      `context logRetentionDays must be one of the values CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(', ')}), not ${days}`,
    );
  return days;
}

// An address SNS can subscribe: one @, a dotted domain, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function email(node: Node, key: string): string | undefined {
  const value = text(node, key);
  if (value !== undefined && !EMAIL.test(value))
    throw new Error(`context ${key} must be an email address, not ${value}`);
  return value;
}

function flag(node: Node, key: string, fallback: boolean): boolean {
  const value = text(node, key);
  if (value === undefined) return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(`context ${key} must be true or false, not ${value}`);
}

function concurrency(node: Node): number | undefined {
  const value = text(node, 'importConcurrency');
  if (value === 'none') return undefined;
  const n = number(node, 'importConcurrency', 2);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`context importConcurrency must be a whole number of at least 1, or none, not ${value}`);
  return n;
}

function hour(h: number): number {
  if (!Number.isInteger(h) || h > 23) throw new Error(`context digestHour must be an hour 0-23, not ${h}`);
  return h;
}

// The deploy-time webhook (an EventBridge API destination, `-c webhookUrl`) is gone: endpoints are
// added at run time (POST /webhook-endpoints), signed and retried. A deployment still passing the
// old context is stopped with the way to move, rather than silently sending to nobody.
const REMOVED_WEBHOOK_CONTEXT = ['webhookUrl', 'webhookApiKeySecret', 'webhookEvents'];

function noDeployTimeWebhook(node: Node): void {
  const given = REMOVED_WEBHOOK_CONTEXT.filter((key) => text(node, key) !== undefined);
  if (given.length > 0)
    throw new Error(
      `context ${given.join(', ')} was removed: add the endpoint with POST /webhook-endpoints (or the console's Admin) and verify its signatures instead of an x-api-key; docs/operations.md, "Moving from -c webhookUrl"`,
    );
}

function timeoutSeconds(node: Node): number {
  const value = number(node, 'webhookTimeoutSeconds', DEFAULTS.webhookTimeoutSeconds);
  if (!Number.isInteger(value) || value < 1 || value > 30)
    throw new Error(
      `context webhookTimeoutSeconds must be a whole number of seconds from 1 to 30, not ${value}`,
    );
  return value;
}

// Cognito's rule for a domain prefix: lower-case letters, digits and hyphens, not starting or
// ending with a hyphen, 1-63 characters, and none of the reserved words aws, amazon, cognito.
function domainPrefix(node: Node): Pick<HandoffConfig, 'authDomainPrefix'> {
  const value = text(node, 'authDomainPrefix');
  if (value === undefined) return {};
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(value) || /aws|amazon|cognito/.test(value))
    throw new Error(
      `context authDomainPrefix must be 1-63 lower-case letters, digits or hyphens without aws, amazon or cognito, not ${value}`,
    );
  return { authDomainPrefix: value };
}

// A DNS name SES can receive for: labels of letters, digits and hyphens, at least two of them.
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

function domains(node: Node, key: string): string[] {
  return list(node, key).map((d) => {
    const domain = d.toLowerCase();
    if (!DOMAIN.test(domain))
      throw new Error(`context ${key} must be a domain name (e.g. crm.example.com), not ${d}`);
    return domain;
  });
}

function inboundEmail(node: Node): Pick<HandoffConfig, 'inboundEmailDomain'> {
  const [domain, ...more] = domains(node, 'inboundEmailDomain');
  if (more.length) throw new Error('context inboundEmailDomain is one domain (its MX record points at SES)');
  return domain ? { inboundEmailDomain: domain } : {};
}

export function readConfig(node: Node): HandoffConfig {
  const issuer = text(node, 'jwtIssuer');
  const audience = list(node, 'jwtAudience');
  if (issuer && audience.length === 0)
    throw new Error('context jwtIssuer needs jwtAudience (the client id(s) tokens are issued to)');
  if (!issuer && audience.length > 0) throw new Error('context jwtAudience needs jwtIssuer');
  const alarmEmail = email(node, 'alarmEmail');
  const digestFromEmail = email(node, 'digestFromEmail');
  const importConcurrency = concurrency(node);
  noDeployTimeWebhook(node);
  return {
    ...(issuer ? { jwt: { issuer, audience } } : {}),
    corsOrigins: list(node, 'corsOrigins'),
    archiveRetentionDays: number(node, 'archiveRetentionDays', DEFAULTS.archiveRetentionDays),
    ...(alarmEmail ? { alarmEmail } : {}),
    throttle: {
      rateLimit: number(node, 'throttleRate', 100),
      burstLimit: number(node, 'throttleBurst', 200),
    },
    logRetentionDays: retention(number(node, 'logRetentionDays', 30)),
    tracing: flag(node, 'tracing', true),
    ...(importConcurrency === undefined ? {} : { importConcurrency }),
    handoffGraceMinutes: number(node, 'handoffGraceMinutes', DEFAULTS.handoffGraceMinutes),
    sweepMinutes: Math.max(1, number(node, 'sweepMinutes', 5)),
    digestHour: hour(number(node, 'digestHour', DEFAULTS.digestHour)),
    ...(digestFromEmail ? { digestFromEmail } : {}),
    ...(text(node, 'appUrl') ? { appUrl: text(node, 'appUrl')! } : {}),
    ...domainPrefix(node),
    ...(text(node, 'consoleClientId') ? { consoleClientId: text(node, 'consoleClientId')! } : {}),
    forwardToAccounts: list(node, 'forwardToAccounts').map((a) => {
      if (!/^\d{12}$/.test(a))
        throw new Error(`context forwardToAccounts holds ${a}, which is not a 12-digit account id`);
      return a;
    }),
    ...inboundEmail(node),
    emailSenderDomains: domains(node, 'emailSenderDomains'),
    webhookTimeoutSeconds: timeoutSeconds(node),
  };
}
