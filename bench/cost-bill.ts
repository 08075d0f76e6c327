import { readFileSync } from 'node:fs';
import type { Units } from './cost.js';

// The bill: a week's measured units, made monthly (× 52/12), with the template's fixed items
// (alarms, dashboards, keys) and the few units the local runtime cannot see (estimated, each
// saying how), priced from bench/prices/<region>.json with the always-free allowances shown apart.

export interface Price {
  usd: number;
  per: number;
  unit: string;
  source: string;
}

export interface Prices {
  region: string;
  currency: string;
  checked: string;
  note: string;
  prices: Record<string, Price>;
  freeTier: Record<string, { monthly: number; kind: string }>;
}

export function readPrices(region = 'us-east-1'): Prices {
  return JSON.parse(readFileSync(new URL(`./prices/${region}.json`, import.meta.url), 'utf8'));
}

export interface TemplateFacts {
  alarms: number;
  alarmMetrics: number;
  /** alarms by the metric they watch */
  alarmKinds: Record<string, number>;
  dashboards: number;
  kmsKeys: number;
  functions: number;
  queueMappings: number;
  schedules: { name: string; expression: string }[];
  pitr: boolean;
  tracing: number;
}

export interface MeasuredWeek {
  people: number;
  week: Units;
  template: TemplateFacts;
  /** mean init time (ms) and memory of each function, for the estimated cold starts */
  functions: { name: string; initMs: number; memoryMb: number; monthlyInvocations: number }[];
}

export interface BillLine {
  key: string;
  service: string;
  quantity: number;
  unit: string;
  gross: number;
  free: number;
  net: number;
  how: 'counted' | 'template' | 'estimated';
}

export interface Bill {
  people: number;
  lines: BillLine[];
  gross: number;
  free: number;
  net: number;
  perUser: number;
}

export const MONTH = 52 / 12;
/** Lambda writes START, END and REPORT lines for every invocation: about this many bytes. */
const PLATFORM_LOG_BYTES = 260;
/** An SQS queue mapping polls an empty queue with about 5 long polls of 20 s at a time. */
const IDLE_POLLS_PER_MAPPING_MONTH = 5 * 3 * 60 * 24 * 30;
/** A function's environment outlives about 15 idle minutes: at most this many cold starts a month per function (working hours). */
const COLD_STARTS_CAP_MONTH = 22 * 10 * 4;

const SERVICE: Record<string, string> = {
  lambda: 'Lambda',
  apigateway: 'API Gateway (HTTP API)',
  dynamodb: 'DynamoDB',
  eventbridge: 'EventBridge',
  scheduler: 'EventBridge Scheduler',
  sqs: 'SQS',
  s3: 'S3',
  cloudfront: 'CloudFront',
  cognito: 'Cognito',
  ses: 'SES',
  logs: 'CloudWatch Logs',
  cloudwatch: 'CloudWatch',
  xray: 'X-Ray',
  kms: 'KMS',
};

export function priceWeek(m: MeasuredWeek, prices: Prices): Bill {
  const w = m.week;
  const monthly = (k: string) => (w[k] ?? 0) * MONTH;
  const initGbSeconds = m.functions.reduce(
    (n, f) =>
      n + (Math.min(f.monthlyInvocations, COLD_STARTS_CAP_MONTH) * f.initMs * f.memoryMb) / 1000 / 1024,
    0,
  );
  const q: { key: string; quantity: number; how: BillLine['how'] }[] = [
    { key: 'lambda.requests', quantity: monthly('lambda.requests'), how: 'counted' },
    { key: 'lambda.gbSeconds', quantity: monthly('lambda.gbSeconds'), how: 'counted' },
    { key: 'lambda.gbSeconds', quantity: initGbSeconds, how: 'estimated' },
    { key: 'apigateway.httpRequests', quantity: monthly('apigateway.httpRequests'), how: 'counted' },
    { key: 'dynamodb.readUnits', quantity: monthly('dynamodb.readUnits'), how: 'counted' },
    { key: 'dynamodb.writeUnits', quantity: monthly('dynamodb.writeUnits'), how: 'counted' },
    { key: 'dynamodb.streamReads', quantity: monthly('dynamodb.streamReads'), how: 'counted' },
    { key: 'eventbridge.customEvents', quantity: monthly('eventbridge.customEvents'), how: 'counted' },
    { key: 'eventbridge.archiveGb', quantity: monthly('eventbridge.archiveBytes') / 1e9, how: 'counted' },
    { key: 'scheduler.invocations', quantity: monthly('scheduler.invocations'), how: 'counted' },
    { key: 'sqs.requests', quantity: monthly('sqs.requests'), how: 'counted' },
    {
      key: 'sqs.requests',
      quantity: m.template.queueMappings * IDLE_POLLS_PER_MAPPING_MONTH,
      how: 'estimated',
    },
    { key: 's3.tier1', quantity: monthly('s3.tier1'), how: 'counted' },
    { key: 's3.tier2', quantity: monthly('s3.tier2'), how: 'counted' },
    // a month's puts, kept the whole month (uploads and exports go after 7 days; attachments stay)
    { key: 's3.storageGbMonth', quantity: monthly('s3.bytesPut') / 1e9, how: 'estimated' },
    { key: 'cloudfront.requests', quantity: monthly('cloudfront.requests'), how: 'counted' },
    { key: 'cloudfront.transferGb', quantity: monthly('cloudfront.transferBytes') / 1e9, how: 'counted' },
    { key: 'cognito.mau', quantity: m.people, how: 'counted' },
    { key: 'ses.outbound', quantity: monthly('ses.outbound'), how: 'counted' },
    { key: 'ses.inbound', quantity: monthly('ses.inbound'), how: 'counted' },
    { key: 'ses.inboundChunks', quantity: monthly('ses.inboundChunks'), how: 'counted' },
    {
      key: 'logs.ingestedGb',
      quantity: (monthly('logs.ingestedBytes') + monthly('lambda.requests') * PLATFORM_LOG_BYTES) / 1e9,
      how: 'counted',
    },
    { key: 'cloudwatch.metrics', quantity: w['cloudwatch.metrics'] ?? 0, how: 'counted' },
    { key: 'cloudwatch.alarms', quantity: m.template.alarmMetrics, how: 'template' },
    { key: 'cloudwatch.dashboards', quantity: m.template.dashboards, how: 'template' },
    { key: 'xray.traces', quantity: monthly('xray.traces'), how: 'counted' },
    { key: 'kms.keys', quantity: m.template.kmsKeys, how: 'template' },
  ];
  // the free allowance is shared by a unit's counted and estimated lines, in their order
  const left = new Map(Object.entries(prices.freeTier).map(([k, v]) => [k, v.monthly]));
  const lines: BillLine[] = q.map(({ key, quantity, how }) => {
    const price = prices.prices[key];
    if (!price) throw new Error(`bench/prices has no price for ${key}`);
    const rate = price.usd / price.per;
    const freeUnits = Math.min(quantity, left.get(key) ?? 0);
    left.set(key, (left.get(key) ?? 0) - freeUnits);
    const gross = quantity * rate;
    const free = freeUnits * rate;
    return {
      key,
      service: SERVICE[key.split('.')[0]!]!,
      quantity,
      unit: price.unit,
      gross,
      free,
      net: gross - free,
      how,
    };
  });
  const sum = (f: (l: BillLine) => number) => lines.reduce((n, l) => n + f(l), 0);
  return {
    people: m.people,
    lines,
    gross: sum((l) => l.gross),
    free: sum((l) => l.free),
    net: sum((l) => l.net),
    perUser: sum((l) => l.net) / m.people,
  };
}

/** The same bill, by service. */
export function byService(bill: Bill): { service: string; gross: number; free: number; net: number }[] {
  const out = new Map<string, { service: string; gross: number; free: number; net: number }>();
  for (const l of bill.lines) {
    const s = out.get(l.service) ?? { service: l.service, gross: 0, free: 0, net: 0 };
    s.gross += l.gross;
    s.free += l.free;
    s.net += l.net;
    out.set(l.service, s);
  }
  return [...out.values()].sort((a, b) => b.gross - a.gross);
}

/** The usage-driven part per user: what grows with the team (no fixed items, no free tier). */
export function variablePerUser(bill: Bill): number {
  const fixed = new Set(['cloudwatch.alarms', 'cloudwatch.dashboards', 'kms.keys', 'cloudwatch.metrics']);
  return (
    bill.lines.filter((l) => !fixed.has(l.key) && l.how !== 'estimated').reduce((n, l) => n + l.gross, 0) /
    bill.people
  );
}
