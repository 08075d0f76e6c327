import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { WeekResult } from './cost.js';
import { type Bill, byService, MONTH, type Prices, variablePerUser } from './cost-bill.js';
import { MIX } from './cost-mix.js';

// docs/costs.md, written from a run of `npm run bench -- cost`.

const usd = (n: number) => (n >= 100 ? `$${n.toFixed(0)}` : n >= 1 ? `$${n.toFixed(2)}` : `$${n.toFixed(3)}`);
const num = (n: number) =>
  n >= 1000 ? Math.round(n).toLocaleString('en-US') : n >= 10 ? n.toFixed(0) : n.toFixed(n ? 2 : 0);

/** What would lower each item, for the biggest ones. */
const LEVERS: Record<string, string> = {
  'cloudwatch.alarms':
    'a fixed $0.10 per alarm metric beyond 10, whatever the team size. Dropping the Throttles alarms of functions without reserved concurrency, and sharing dead-letter queues between functions (fewer ApproximateNumberOfMessagesVisible alarms), would bill fewer; merging alarms into metric math alone saves nothing (each metric it reads is billed)',
  'cloudwatch.metrics':
    "each name × dimension set Powertools emits is a metric-month: fewer dimensions (the function name is already in Lambda's own metrics), or metrics only for what an alarm reads",
  'apigateway.httpRequests':
    'one per console request: a board opens a GET /deals per column plus the totals; one board endpoint answering every column would cut a board open from 5 requests to 1',
  'lambda.gbSeconds':
    'measured durations × MemorySize: arm64 (20% cheaper per GB-second), or less memory for the functions that wait on I/O',
  'lambda.requests': 'one per API request, event and message: batching the relay and the senders',
  'dynamodb.readUnits':
    'the board and list reads: shorter projections (cards need a few attributes), and the sweep reading only what is due',
  'dynamodb.writeUnits':
    'every command writes its record, its outbox event and its counters in a transaction (2 units per KB item): smaller outbox items, fewer counters',
  'sqs.requests':
    "mostly the queue mappings' idle long polls (estimated): fewer queues with mappings (one queue for webhooks and mail), or EventBridge invoking the function asynchronously instead",
  'logs.ingestedGb':
    "INFO lines per request: WARN in production, Lambda's own log-level filtering, shorter messages",
  'xray.traces': 'a sampling rule (1 a second and 5% by default in AWS; every invocation here)',
  'kms.keys':
    "the alarm topic's customer-managed key (CloudWatch can publish only to a topic encrypted with one): an unencrypted alarm topic, since alarms carry no customer data, saves it. KMS requests are not metered: the only caller is SNS when an alarm notifies (the table, buckets and queues use keys AWS owns, which bill no requests), a few a month against 20,000 free",
  'cloudfront.transferGb': 'the console is code-split; caching the hashed assets for a year',
  'ses.inbound': 'one per captured email; nothing to lower (it is the feature)',
  'eventbridge.customEvents': 'one per domain event; events nobody subscribes to could stay off the bus',
  's3.tier1': 'PUTs of attachments, imports and captured mail',
};

/** Why a kind of work reads more with more history (where it does). */
const WHY_GROWTH: Record<string, string> = {
  'board opened':
    "a person's columns hold more than one page with 10× the deals: each column reads its full first page of 25 (with 10 open deals a person, they held fewer); bounded by the page, not by the data",
  'CSV export':
    'an export reads every row it exports: it grows with the data by nature (a whole-pipeline export of 10× the deals)',
  'search typed': 'more names share the typed prefix: each request reads up to its limit of matches',
  'lists opened': 'the lists fill their pages (50 to 100 rows) where they were short',
  'deal moved to the next stage': 'the board reloaded after the move reads full pages (as "board opened")',
};

function functionRows(r: WeekResult): string {
  return r.coldStarts
    .map((f) => {
      const inv = (r.week[`fn:${f.name}:invocations`] ?? 0) * MONTH;
      const gbS = (r.week[`fn:${f.name}:gbSeconds`] ?? 0) * MONTH;
      return {
        name: f.name,
        memoryMb: f.memoryMb,
        inv,
        gbS,
        ms: inv ? ((gbS / (f.memoryMb / 1024)) * 1000) / inv : 0,
      };
    })
    .filter((f) => f.inv > 0)
    .sort((a, b) => b.gbS - a.gbS)
    .map((f) => `| ${f.name} | ${f.memoryMb} MB | ${num(f.inv)} | ${f.ms.toFixed(0)} ms | ${num(f.gbS)} |`)
    .join('\n');
}

/** A kind's units priced (before the free tier), a month. */
function kindCost(units: Record<string, number>, prices: Prices): number {
  let n = 0;
  for (const [k, v] of Object.entries(units)) {
    const key = k === 'eventbridge.archiveBytes' || k.includes(':') ? undefined : k;
    const price = key ? prices.prices[key] : undefined;
    if (price) n += (v * MONTH * price.usd) / price.per;
  }
  return n;
}

export function writeCostsDoc(
  runs: { result: WeekResult; bill: Bill }[],
  history: { plain: { result: WeekResult; bill: Bill }; big: { result: WeekResult; bill: Bill } },
  prices: Prices,
  meta: { wallSeconds: number; command: string },
): string {
  const plain = runs.filter((r) => r.result.history === 1);
  const twenty = plain.find((r) => r.result.people === 20) ?? plain[0]!;
  const biggest = [...twenty.bill.lines]
    .filter((l) => l.net > 0)
    .sort((a, b) => b.net - a.net)
    .slice(0, 6);
  const services = [...new Set(plain.flatMap((r) => byService(r.bill).map((s) => s.service)))];
  const serviceTable = services
    .map(
      (s) =>
        `| ${s} | ${plain
          .map((r) => {
            const line = byService(r.bill).find((x) => x.service === s)!;
            return `${usd(line.gross)} (free ${usd(line.free)})`;
          })
          .join(' | ')} |`,
    )
    .join('\n');
  const mixRows = twenty.result.kinds
    .map(
      (k) =>
        `| ${k.kind.name} | ${k.kind.perCompany ? `${num(k.kind.perWeek)} per company` : num(k.kind.perWeek)} | ${num(k.weekly)} | ${k.replayed} | ${k.kind.reason} |`,
    )
    .join('\n');
  const units = (r: { result: WeekResult; bill: Bill }) =>
    r.bill.lines
      .filter((l) => l.quantity > 0)
      .map(
        (l) =>
          `| ${l.service} | ${l.key}${l.how === 'counted' ? '' : ` (${l.how})`} | ${num(l.quantity)} | ${l.unit} | ${usd(l.gross)} | ${usd(l.free)} | ${usd(l.net)} |`,
      )
      .join('\n');
  const topKinds = [...twenty.result.kinds]
    .map((k) => ({
      name: k.kind.name,
      lambdaGbS: (k.units['lambda.gbSeconds'] ?? 0) * MONTH,
      api: (k.units['apigateway.httpRequests'] ?? 0) * MONTH,
      wru: (k.units['dynamodb.writeUnits'] ?? 0) * MONTH,
      rru: (k.units['dynamodb.readUnits'] ?? 0) * MONTH,
      inv: (k.units['lambda.requests'] ?? 0) * MONTH,
    }))
    .sort((a, b) => b.lambdaGbS - a.lambdaGbS);
  const p = history.plain;
  const b = history.big;
  const pv = variablePerUser(p.bill);
  const bv = variablePerUser(b.bill);
  const change = (bv / pv - 1) * 100;
  // the kinds of work whose units grew with the history, and why
  const growth = p.result.kinds
    .map((k) => {
      const other = b.result.kinds.find((x) => x.kind.name === k.kind.name);
      const per = (u: Record<string, number>, key: string, n: number) => ((u[key] ?? 0) * MONTH) / n;
      return {
        name: k.kind.name,
        rru: [per(k.units, 'dynamodb.readUnits', 1), per(other?.units ?? {}, 'dynamodb.readUnits', 1)],
        wru: [per(k.units, 'dynamodb.writeUnits', 1), per(other?.units ?? {}, 'dynamodb.writeUnits', 1)],
        cost: [kindCost(k.units, prices), kindCost(other?.units ?? {}, prices)],
      };
    })
    .filter(
      (g) =>
        Math.abs(g.cost[1]! - g.cost[0]!) > 0.1 * Math.max(g.cost[0]!, 1e-9) &&
        g.cost[0]! + g.cost[1]! > 0.0005,
    )
    .sort((x, y) => Math.abs(y.cost[1]! - y.cost[0]!) - Math.abs(x.cost[1]! - x.cost[0]!));
  // the previous run's figures (kept in the page), to show how far this run is from it
  const file = new URL('../docs/costs.md', import.meta.url);
  const previous: Record<string, { net: number; usage: number }> = (() => {
    if (!existsSync(file)) return {};
    const kept = /<!-- cost-figures (\{.*\}) -->/.exec(readFileSync(file, 'utf8'))?.[1];
    return kept ? JSON.parse(kept) : {};
  })();
  const figures = Object.fromEntries(
    runs.map((r) => [
      `${r.result.people}${r.result.history > 1 ? `x${r.result.history}` : ''}`,
      { net: +r.bill.net.toFixed(4), usage: +variablePerUser(r.bill).toFixed(5) },
    ]),
  );
  const vsPrevious = (r: { result: WeekResult; bill: Bill }) => {
    const before = previous[`${r.result.people}${r.result.history > 1 ? `x${r.result.history}` : ''}`];
    if (!before) return 'no earlier run';
    const pct = (a: number, b: number) => `${a >= b ? '+' : ''}${((a / b - 1) * 100).toFixed(1)}%`;
    return `${usd(before.net)} (${pct(r.bill.net, before.net)}); usage ${usd(before.usage)} (${pct(variablePerUser(r.bill), before.usage)})`;
  };
  const text = `# What Handoff costs to run

Handoff runs in your own AWS account, on services billed per request: the bill follows what the
team does, not a seat count. These figures come from \`${meta.command}\`: a scripted, seeded week of a
company's work replayed on the local runtime (infra/local), every billable unit counted where the
runtime serves it (infra/local/usage.ts), priced from [bench/prices/${prices.region}.json](../bench/prices/${prices.region}.json)
(${prices.region}, list prices checked ${prices.checked}; each price names its page). The week × 52/12 is a month.

## The monthly bill

| team | monthly, after the always-free tier | before it | per user | usage only, per user | the previous run |
| --- | --- | --- | --- | --- | --- |
${plain.map((r) => `| ${r.result.people} people | **${usd(r.bill.net)}** | ${usd(r.bill.gross)} | ${usd(r.bill.perUser)} | ${usd(variablePerUser(r.bill))} | ${vsPrevious(r)} |`).join('\n')}

"The previous run" is the figure this page held before this run (kept in it): the difference is
the run-to-run noise (mostly Lambda durations, measured on a shared machine) plus whatever changed
in the code, the mix or the prices between the two.

"Usage only" leaves out the fixed items (alarms, dashboards, keys, custom metrics) and the
estimates: it is what each person's work costs, and what grows with the team. Seat-priced CRM and
project tools cost $15 to $100 per user per month each.

The always-free tier (Lambda's million requests and 400,000 GB-seconds, 10 alarms, 10 metrics,
5 GB of logs, 100,000 traces, 1 M SQS requests, CloudFront's 1 TB and 10 M requests, 10,000
Cognito users, 14 M schedule invocations) is deducted in the first column and shown per service
below; the 12-month free tier (API Gateway's first million requests, SES's 3,000 mails) is not.

## By service (monthly, before the free tier; the free part in brackets)

| service | ${plain.map((r) => `${r.result.people} people`).join(' | ')} |
| --- | ${plain.map(() => '---').join(' | ')} |
${serviceTable}

## The biggest items (20 people) and what would lower them

| item | monthly after free tier | what would lower it |
| --- | --- | --- |
${biggest.map((l) => `| ${l.service}: ${l.key}${l.how === 'counted' ? '' : ` (${l.how})`} | ${usd(l.net)} | ${LEVERS[l.key] ?? ''} |`).join('\n')}

Where the work goes (20 people, a month; Lambda GB-seconds, invocations, API requests and DynamoDB units per kind of work):

| work | Lambda GB-s | invocations | API requests | RRU | WRU |
| --- | --- | --- | --- | --- | --- |
${topKinds.map((k) => `| ${k.name} | ${num(k.lambdaGbS)} | ${num(k.inv)} | ${num(k.api)} | ${num(k.rru)} | ${num(k.wru)} |`).join('\n')}

By function (20 people, a month; durations measured on the local runtime, memory from the template):

| function | memory | invocations | mean duration | GB-seconds |
| --- | --- | --- | --- | --- |
${functionRows(twenty.result)}

## Cost does not grow with data

The same week for 20 people replayed over a table holding 10× the history (${num(b.result.people * 10 * b.result.history)}
contacts and as many open deals instead of ${num(p.result.people * 10)} each, brought in by CSV import before the week):

| history | usage per user, monthly | RRU a month | WRU a month | Lambda GB-s a month |
| --- | --- | --- | --- | --- |
| 1× | ${usd(pv)} | ${num((p.result.week['dynamodb.readUnits'] ?? 0) * MONTH)} | ${num((p.result.week['dynamodb.writeUnits'] ?? 0) * MONTH)} | ${num((p.result.week['lambda.gbSeconds'] ?? 0) * MONTH)} |
| 10× | ${usd(bv)} | ${num((b.result.week['dynamodb.readUnits'] ?? 0) * MONTH)} | ${num((b.result.week['dynamodb.writeUnits'] ?? 0) * MONTH)} | ${num((b.result.week['lambda.gbSeconds'] ?? 0) * MONTH)} |

Per-user cost with 10× the history: ${change >= 0 ? '+' : ''}${change.toFixed(1)}% (goal: within 10%: ${Math.abs(change) <= 10 ? 'met' : 'not met'}).
Every read the console makes is a page (25 cards a column, 25 to 100 rows a list) from an index
that answers it, and the sweep and digest read what is due, not everything: more history makes
items no bigger and pages no longer. Lambda durations are wall-clock times on a shared 2-core
machine, the noisiest unit here.

The kinds of work whose monthly cost moved by more than 10% with the history (DynamoDB units a month, and the kind's whole cost before the free tier):

| work | RRU 1× → 10× | WRU 1× → 10× | cost 1× → 10× | why |
| --- | --- | --- | --- | --- |
${growth.map((g) => `| ${g.name} | ${num(g.rru[0]!)} → ${num(g.rru[1]!)} | ${num(g.wru[0]!)} → ${num(g.wru[1]!)} | ${usd(g.cost[0]!)} → ${usd(g.cost[1]!)} | ${WHY_GROWTH[g.name.split(' (')[0]!] ?? 'Lambda durations measured on a shared machine (noise), not more reads or writes'} |`).join('\n')}

## The week replayed

Per person per week unless said; a tenth of the team are managers, the rest split between sales
and delivery. "Replayed" is how many were run; the units they took are scaled to the week's volume
(SAMPLE_CAP in bench/cost.ts: repetition is scaled down, no kind of work is skipped).

| work | per person a week | week (20 people) | replayed | why this often |
| --- | --- | --- | --- | --- |
${mixRows}

Each console action makes the console's own requests (web/src): a visit's shell (\`GET /pipelines\`,
\`/users\`, \`/custom-fields\`, \`/followups/summary\`), a board (\`GET /reports/pipeline\` and a \`GET
/deals\` page per open stage), a deal page (the deal, its timeline, its activities, its project, its lines, quotes and attachments). A
first visit of the day downloads the console's assets from CloudFront (gzip sizes of the built
files); later visits fetch index.html and config.json. Webhooks go to a real receiver on this
machine (one endpoint, four event types); captured emails go over SMTP to the local SES receiving.
Quotes (three lines, the quote, its PDF rendered and mailed over SES) and the customer portal (a
link shared, a session, the project read as the customer sees it) are in the mix.

## Counted, and estimated

Counted from the run (infra/local/usage.ts and the runtime's own records): Lambda invocations and
durations (× each function's MemorySize in the template), API requests, DynamoDB read and write
units (DynamoDB Local's ConsumedCapacity for each request the functions make, transactions doubled
as DynamoDB bills them), stream reads (free for Lambda triggers), events put and rules matched,
schedule invocations, SQS requests, S3 requests and bytes, CloudFront requests and bytes, mails
received and sent, the bytes each function logs, distinct EMF metrics, X-Ray traces (distinct
trace ids), Cognito users (the team).

From the template: alarms (${twenty.result.template.alarms}, reading ${twenty.result.template.alarmMetrics} metrics: CloudWatch bills each metric an alarm reads; by metric: ${Object.entries(
    twenty.result.template.alarmKinds,
  )
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${v} ${k}`)
    .join(', ')}), dashboards (${twenty.result.template.dashboards}), customer-managed KMS keys
(${twenty.result.template.kmsKeys}; the table, queues and buckets use AWS-owned or AWS-managed keys, whose requests are not billed),
schedules (${twenty.result.template.schedules.map((s) => `${s.name}: ${s.expression}`).join('; ')}).

Estimated, with how:
- **Cold starts' init time** (billed for managed runtimes since August 2025): each function's
  measured import time × its memory, for min(its invocations, ${22 * 10 * 4}) cold starts a month (an
  environment outlives about 15 idle minutes; working hours only). The local runtime keeps
  environments warm for the whole run, so its own count of cold starts is not the month's.
- **SQS queue mappings' idle polling**: ${twenty.result.template.queueMappings} mappings × about 5 long polls of 20 seconds
  at a time, all month (${num(5 * 3 * 60 * 24 * 30)} requests each): Lambda polls whether or not messages come.
- **S3 storage**: a month's puts kept all month (an upper bound for uploads and exports, kept 7
  days; attachments accumulate: a year of them is 12× this line).
- **Lambda's platform log lines** (START, END, REPORT): 260 bytes per invocation, added to the
  bytes the functions print.
- **DynamoDB storage** is not priced: a company of 100 with years of history stays far under the
  25 GB that are always free; point-in-time recovery (${twenty.result.template.pitr ? 'on' : 'off'}) bills $0.20 per GB-month of that.

Counted, not billed (20 people, a month): ${[
    ['dynamodb.streamReads', 'stream reads by the Lambda triggers (free)'],
    ['eventbridge.ruleMatches', 'rule matches delivering to Lambda, SQS and the bus (no charge per match)'],
    ['eventbridge.awsEvents', "S3's events on the default bus (AWS service events are free)"],
    [
      'webhooks.delivered',
      'webhook POSTs the receiver got (their cost is the sender function, its queue and its table writes, above)',
    ],
  ]
    .map(([k, what]) => `${num((twenty.result.week[k!] ?? 0) * MONTH)} ${what}`)
    .join('; ')}.

Not billed here: data transfer between services in the region, the CloudFormation stack, and the
CDK bootstrap bucket's few objects.

## Reproducing and updating

\`${meta.command}\` (about ${Math.ceil(meta.wallSeconds / 60)} minutes on 2 cores) replays the week for ${plain.map((r) => r.result.people).join(', ')} people and the
10× history run, and rewrites this page. To reprice, edit bench/prices/${prices.region}.json (each price has
its source page and the date it was checked) and run it again; \`COST_TEAMS=5\` and
\`COST_SAMPLE_CAP\` shorten a run while changing the mix (bench/cost-mix.ts).

<details><summary>Every unit, per team size (monthly)</summary>

${plain
  .concat([b])
  .map(
    (r) => `### ${r.result.people} people${r.result.history > 1 ? `, ${r.result.history}× history` : ''}

| service | unit | quantity | priced per | before free tier | free | after |
| --- | --- | --- | --- | --- | --- | --- |
${units(r)}
`,
  )
  .join('\n')}
</details>
`;
  writeFileSync(file, `${text}\n<!-- cost-figures ${JSON.stringify(figures)} -->\n`);
  void MIX;
  return text;
}
