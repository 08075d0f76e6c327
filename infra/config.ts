import type { Node } from 'constructs';

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
  handoffGraceMinutes: number;
  sweepMinutes: number;
  digestHour: number;
  digestFromEmail?: string;
  appUrl?: string;
  forwardToAccounts: string[];
  webhook?: { url: string; apiKeySecretName: string; detailTypes: string[] };
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

function hour(h: number): number {
  if (!Number.isInteger(h) || h > 23) throw new Error(`context digestHour must be an hour 0-23, not ${h}`);
  return h;
}

function webhook(node: Node): Pick<HandoffConfig, 'webhook'> {
  const url = text(node, 'webhookUrl');
  const apiKeySecretName = text(node, 'webhookApiKeySecret');
  if (!url) return {};
  if (!url.startsWith('https://')) throw new Error('context webhookUrl must be an https:// URL');
  if (!apiKeySecretName)
    throw new Error(
      'context webhookUrl needs webhookApiKeySecret: the Secrets Manager secret holding its API key',
    );
  return { webhook: { url, apiKeySecretName, detailTypes: list(node, 'webhookEvents') } };
}

export function readConfig(node: Node): HandoffConfig {
  const issuer = text(node, 'jwtIssuer');
  const audience = list(node, 'jwtAudience');
  if (issuer && audience.length === 0)
    throw new Error('context jwtIssuer needs jwtAudience (the client id(s) tokens are issued to)');
  if (!issuer && audience.length > 0) throw new Error('context jwtAudience needs jwtIssuer');
  const alarmEmail = text(node, 'alarmEmail');
  return {
    ...(issuer ? { jwt: { issuer, audience } } : {}),
    corsOrigins: list(node, 'corsOrigins'),
    archiveRetentionDays: number(node, 'archiveRetentionDays', 365),
    ...(alarmEmail ? { alarmEmail } : {}),
    throttle: {
      rateLimit: number(node, 'throttleRate', 100),
      burstLimit: number(node, 'throttleBurst', 200),
    },
    logRetentionDays: number(node, 'logRetentionDays', 30),
    handoffGraceMinutes: number(node, 'handoffGraceMinutes', 15),
    sweepMinutes: Math.max(1, number(node, 'sweepMinutes', 5)),
    digestHour: hour(number(node, 'digestHour', 7)),
    ...(text(node, 'digestFromEmail') ? { digestFromEmail: text(node, 'digestFromEmail')! } : {}),
    ...(text(node, 'appUrl') ? { appUrl: text(node, 'appUrl')! } : {}),
    forwardToAccounts: list(node, 'forwardToAccounts').map((a) => {
      if (!/^\d{12}$/.test(a))
        throw new Error(`context forwardToAccounts holds ${a}, which is not a 12-digit account id`);
      return a;
    }),
    ...webhook(node),
  };
}
