import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createTransport } from 'nodemailer';
import { mintToken } from '../infra/local/jwt.js';
import { type LocalRuntime, ROOT, startLocalRuntime } from '../infra/local/runtime.js';
import { LOCAL_CDK_OUT } from '../infra/local/synth.js';
import { type Receiver, startReceiver } from '../test/support/webhook-receiver.js';
import {
  type Bill,
  type MeasuredWeek,
  priceWeek,
  readPrices,
  type TemplateFacts,
  variablePerUser,
} from './cost-bill.js';
import { writeCostsDoc } from './cost-doc.js';
import { MIX, type Mix, weeklyVolume } from './cost-mix.js';

// What it costs to run (issue 31): a company's week replayed on the local runtime, every billable
// unit counted where the runtime serves it (infra/local/usage.ts), priced from
// bench/prices/us-east-1.json, written to docs/costs.md. The week's mix and its reasoning are in
// cost-mix.ts; the pricing in cost-bill.ts. Each kind of work is replayed on a sample of its
// weekly volume (at least 2, at most SAMPLE_CAP), the runtime left to finish what it started
// (stream, relay, bus, rules, queues, webhooks, mail), and the units it took divided by the
// sample: units per action × the week's volume. Schedules are fired as of instants spread over
// the week, a few per schedule, and scaled to their rate. Nothing is skipped to save time: only
// repetition is.

const SAMPLE_CAP = Number(process.env.COST_SAMPLE_CAP ?? 16);
const TEAM_SIZES = (process.env.COST_TEAMS ?? '5,20,100').split(',').map(Number);
const HISTORY_TEAM = 20;

/** A deterministic generator (the week is seeded: the same run gives the same mix). */
function seeded(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

interface Person {
  id: string;
  token: string;
  role: 'sales' | 'delivery' | 'manager';
}

interface World {
  people: Person[];
  contacts: string[];
  /** open deals and their owner */
  deals: { id: string; owner: string; stage: number }[];
  /** won deals' projects and the customer's main stakeholder (whom the portal is shared with) */
  won: { dealId: string; projectId: string; contactId: string }[];
  tasks: { id: string; projectId: string }[];
  stages: string[];
  pipelineId: string;
  receiver: Receiver;
}

type Call = (
  who: Person,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<{ status: number; body: any }>;

/** The units one stretch of work took: what the meter and the runtime's records say, as numbers. */
export type Units = Record<string, number>;

function unitsOf(runtime: LocalRuntime, extra: ExtraCounters): Units {
  const u = runtime.usage!;
  const out: Units = {};
  const add = (k: string, v: number) => {
    out[k] = (out[k] ?? 0) + v;
  };
  for (const f of u.functions.values()) {
    add('lambda.requests', f.invocations);
    add('lambda.gbSeconds', (f.billedMs / 1000) * (f.memoryMb / 1024));
    add(`fn:${f.name}:invocations`, f.invocations);
    add(`fn:${f.name}:gbSeconds`, (f.billedMs / 1000) * (f.memoryMb / 1024));
  }
  for (const [op, c] of u.dynamodb) {
    add('dynamodb.readUnits', c.readUnits);
    add('dynamodb.writeUnits', c.writeUnits);
    add('dynamodb.requests', c.requests);
    add(`ddb:${op}:requests`, c.requests);
  }
  add('dynamodb.streamReads', u.streamReads);
  for (const [, n] of u.sqs) add('sqs.requests', n);
  add('s3.tier1', u.s3.tier1);
  add('s3.tier2', u.s3.tier2);
  add('s3.bytesPut', u.s3.bytesPut);
  for (const e of runtime.bus.events) {
    const size = JSON.stringify(e.detail).length + 200;
    if (!e.source.startsWith('aws.')) add('eventbridge.customEvents', Math.ceil(size / 65_536));
    else add('eventbridge.awsEvents', 1);
    add('eventbridge.ruleMatches', e.local.matchedRules.length);
    if (e.local.archived) add('eventbridge.archiveBytes', size);
  }
  for (const [k, v] of Object.entries(extra)) add(k, v);
  return out;
}

interface ExtraCounters {
  [k: string]: number;
}

function minus(a: Units, b: Units): Units {
  const out: Units = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) out[k] = (a[k] ?? 0) - (b[k] ?? 0);
  return out;
}

async function settle(runtime: LocalRuntime, quietMs = 700): Promise<void> {
  let quietSince = Date.now();
  const deadline = Date.now() + 120_000;
  while (Date.now() - quietSince < quietMs && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    if (runtime.busy()) quietSince = Date.now();
  }
}

/** Runs `n` jobs with at most `width` at once. */
async function pool(n: number, width: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) await job(next++);
    }),
  );
}

export interface WeekResult {
  people: number;
  history: number;
  /** per kind of work: weekly volume, actions replayed, units per week */
  kinds: { kind: Mix; weekly: number; replayed: number; units: Units; failures: number }[];
  week: Units;
  template: TemplateFacts;
  coldStarts: { name: string; coldStarts: number; initMs: number; invocations: number; memoryMb: number }[];
  wallSeconds: number;
  seedSeconds: number;
}

export async function replayWeek(people: number, history = 1): Promise<WeekResult> {
  const started = performance.now();
  const localDir = mkdtempSync(join(tmpdir(), `handoff-cost-${people}-`));
  const logBytes = new Map<string, number>();
  const metrics = new Set<string>();
  const runtime = await startLocalRuntime({
    port: 0,
    consolePort: 0,
    inMemory: true,
    localDir,
    schedules: false,
    meter: true,
    timeScale: 0.01,
    log: {
      invocation: () => undefined,
      info: () => undefined,
      functionOutput: (fn, line) => {
        logBytes.set(fn, (logBytes.get(fn) ?? 0) + Buffer.byteLength(line) + 1);
        // Powertools' metrics are EMF lines: each distinct name and dimension set is a custom metric
        if (line.includes('"_aws"')) {
          try {
            const emf = JSON.parse(line);
            for (const d of emf._aws.CloudWatchMetrics ?? [])
              for (const m of d.Metrics ?? [])
                metrics.add(
                  `${d.Namespace}/${m.Name}/${(d.Dimensions ?? []).flat().map((k: string) => `${k}=${emf[k]}`)}`,
                );
          } catch {
            // not JSON: a plain line
          }
        }
      },
    },
  });
  const rand = seeded(31 + people);
  const receiver = await startReceiver();
  const mail = createTransport({
    host: runtime.smtp.host,
    port: runtime.smtp.port,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    pool: true,
  });
  let mailsIn = 0;
  let mailBytesIn = 0;
  let consoleRequests = 0;
  let consoleBytes = 0;
  let apiRequests = 0;
  const extra = (): ExtraCounters => ({
    'apigateway.httpRequests': apiRequests,
    'cloudfront.requests': consoleRequests,
    'cloudfront.transferBytes': consoleBytes,
    'logs.ingestedBytes': [...logBytes.values()].reduce((a, b) => a + b, 0),
    'ses.inbound': mailsIn,
    'ses.inboundChunks': Math.ceil(mailBytesIn / 262_144),
    'ses.outbound': sentMails(localDir),
    'xray.traces': traces(localDir),
    'webhooks.delivered': receiver.received.length,
  });
  try {
    const call: Call = async (who, method, path, body, extraHeaders = {}) => {
      apiRequests++;
      const res = await fetch(`${runtime.apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${who.token}`,
          'content-type': 'application/json',
          ...(method === 'POST' ? { 'idempotency-key': crypto.randomUUID() } : {}),
          ...extraHeaders,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    // the team: a manager per ten, the rest split between sales and delivery
    const team: Person[] = [];
    for (let i = 0; i < people; i++) {
      const role = i % 10 === 0 ? 'manager' : i % 2 ? 'sales' : 'delivery';
      const id = `u${i}`;
      const token = await mintToken(localDir, {
        user: id,
        groups: [role === 'manager' ? 'manager' : role],
        email: `${id}@team.example`,
      });
      team.push({ id, token, role });
    }
    const admin: Person = {
      id: 'admin',
      token: await mintToken(localDir, { user: 'admin', groups: ['admin'], email: 'admin@team.example' }),
      role: 'manager',
    };
    for (const p of team) await call(p, 'GET', '/me');
    const pipelines = (await call(admin, 'GET', '/pipelines?limit=100')).body;
    const pipeline = pipelines.items[0];
    const world: World = {
      people: team,
      contacts: [],
      deals: [],
      won: [],
      tasks: [],
      stages: pipeline.stages.map((s: any) => s.id),
      pipelineId: pipeline.id,
      receiver,
    };

    // The history the company already has: 10 contacts and 10 open deals per person, or
    // `history` times that, brought in as a company moving to Handoff brings them (CSV imports)
    const seeding = performance.now();
    await importHistory(call, admin, world, people * 10 * history);
    await settle(runtime);
    const seedSeconds = (performance.now() - seeding) / 1000;
    // an integration (Zapier-like) hears of new contacts and deals, wins and projects
    const hook = await call(admin, 'POST', '/webhook-endpoints', {
      url: receiver.url,
      events: ['DealCreated', 'DealClosedWon', 'ProjectCreated', 'ContactCreated'],
    });
    if (hook.status !== 201) throw new Error(`POST /webhook-endpoints answered ${hook.status}`);

    // consoles' assets, as CloudFront serves them (gzip); what a first visit of the day fetches
    const html = await (await fetch(runtime.consoleUrl)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    const firstVisit = { requests: 2 + assets.length, bytes: gzipSync(html).length + 400 };
    for (const a of assets)
      firstVisit.bytes += gzipSync(await (await fetch(`${runtime.consoleUrl}${a}`)).text()).length;
    const laterVisit = { requests: 2, bytes: gzipSync(html).length + 400 };

    const ctx: ReplayContext = {
      call,
      anonymous: async (method, path, body, token) => {
        apiRequests++;
        const res = await fetch(`${runtime.apiUrl}${path}`, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
      },
      world,
      rand,
      admin,
      runtime,
      mail: async (i) => {
        const contact = world.contacts[i % world.contacts.length]!;
        const text = `Hello, following up on our call ${i}. ${'Notes. '.repeat(60)}`;
        const info = await mail.sendMail({
          from: `${team[i % team.length]!.id}@team.example`,
          to: `contact${contact.slice(-4)}@customer.example`,
          bcc: `log@${runtime.smtp.domains[0]}`,
          subject: `Follow-up ${i}`,
          text,
        });
        mailsIn++;
        mailBytesIn += text.length + 600;
        return info;
      },
      visit: (first) => {
        const v = first ? firstVisit : laterVisit;
        consoleRequests += v.requests;
        consoleBytes += v.bytes;
      },
      contactEmails: new Map(),
    };

    // one of each, not counted: every function has run once (its JIT warmed, as a warm Lambda
    // environment's is), so the counted samples do not carry the first run's compilation
    for (const kind of MIX) await replay(kind, 0, ctx).catch(() => 1);
    await settle(runtime);

    const kinds: WeekResult['kinds'] = [];
    for (const kind of MIX) {
      const weekly = weeklyVolume(kind, people);
      if (weekly === 0) continue;
      const replayed = Math.max(2, Math.min(SAMPLE_CAP, Math.round(weekly)));
      await settle(runtime, 300);
      const before = { units: unitsOf(runtime, extra()) };
      const kindStarted = performance.now();
      let failures = 0;
      // one action at a time: on 2 shared cores, parallel requests would lengthen each other's
      // measured durations, which Lambda (an environment each) would not
      await pool(replayed, 1, async (i) => {
        failures += await replay(kind, i + 1, ctx).catch((error: Error) => {
          console.error(`${kind.name}: ${error.message}`);
          return 1;
        });
      });
      await settle(runtime);
      const took = minus(unitsOf(runtime, extra()), before.units);
      const scale = weekly / replayed;
      kinds.push({
        kind,
        weekly,
        replayed,
        failures,
        units: Object.fromEntries(Object.entries(took).map(([k, v]) => [k, v * scale])),
      });
      if (failures) console.error(`${kind.name}: ${failures} of ${replayed} failed`);
      if (process.env.COST_DEBUG)
        console.log(
          `  ${kind.name}: ${replayed} in ${((performance.now() - kindStarted) / 1000).toFixed(1)} s; per action ${JSON.stringify(
            Object.fromEntries(
              Object.entries(took)
                .filter(([k]) => !k.includes(':'))
                .map(([k, v]) => [k, +(v / replayed).toFixed(2)]),
            ),
          )}`,
        );
    }
    // The schedules, fired as the scheduler would. A sweep at the week's start first (not counted:
    // it flags what was already late), then a few consecutive runs 5 minutes apart (the steady
    // cost of a run, scaled to the week's runs), and one at the week's end, which flags what the
    // week made late (scaled as the work that set those due dates was). The hourly digest: the
    // week's last day's 24 runs (the day with the most to tell), × 7.
    const t0 = Date.now();
    const dueScale = dueWorkScale(kinds);
    for (const s of templateFacts().schedules) {
      const weekly = firesPerWeek(s.expression);
      const hourly = weekly <= 7 * 24;
      const fire = async (at: number) => {
        await runtime.scheduler.fire(s.name, new Date(at));
        await settle(runtime, 300);
      };
      if (!hourly) await fire(t0);
      await settle(runtime);
      const runs = hourly ? 24 : 6;
      const period = (7 * 86_400_000) / weekly;
      // the digest's day is the week's last, when what the week made late is late
      const from = hourly ? t0 + 6 * 86_400_000 : t0;
      let before = unitsOf(runtime, extra());
      for (let i = 1; i <= runs; i++) await fire(from + i * period);
      await settle(runtime);
      const steady = minus(unitsOf(runtime, extra()), before);
      steady['scheduler.invocations'] = runs;
      const units = Object.fromEntries(Object.entries(steady).map(([k, v]) => [k, (v * weekly) / runs]));
      if (!hourly) {
        before = unitsOf(runtime, extra());
        await fire(t0 + 7 * 86_400_000);
        await settle(runtime);
        const end = minus(unitsOf(runtime, extra()), before);
        const perRun = (k: string) => (steady[k] ?? 0) / runs;
        for (const [k, v] of Object.entries(end))
          units[k] = (units[k] ?? 0) + Math.max(0, v - perRun(k)) * dueScale;
      }
      if (process.env.COST_DEBUG)
        console.log(
          `  schedule ${s.name}: per run ${JSON.stringify(
            Object.fromEntries(
              Object.entries(steady)
                .filter(([k, v]) => !k.includes(':') && v)
                .map(([k, v]) => [k, +(v / runs).toFixed(2)]),
            ),
          )}`,
        );
      kinds.push({
        kind: {
          name: `schedule ${s.name} (${s.expression})`,
          perWeek: weekly,
          perCompany: true,
          reason: hourly
            ? "fired every hour by EventBridge Scheduler; the week's last day of runs replayed (the day with the most late), × 7"
            : "fired by EventBridge Scheduler at its rate; consecutive runs replayed, plus the week's end run that flags what the week made late",
          run: async () => [],
        },
        weekly,
        replayed: runs + (hourly ? 0 : 1),
        failures: 0,
        units,
      });
    }
    // the metric set: distinct name × dimensions seen during the whole run
    const week: Units = {};
    for (const k of kinds) for (const [u, v] of Object.entries(k.units)) week[u] = (week[u] ?? 0) + v;
    week['cloudwatch.metrics'] = metrics.size;
    week['cognito.mau'] = people;
    const cold = [...runtime.usage!.functions.values()].map((f) => ({
      name: f.name,
      coldStarts: f.coldStarts,
      initMs: f.initMs,
      invocations: f.invocations,
      memoryMb: f.memoryMb,
    }));
    return {
      people,
      history,
      kinds,
      week,
      template: templateFacts(),
      coldStarts: cold,
      wallSeconds: (performance.now() - started) / 1000,
      seedSeconds,
    };
  } finally {
    mail.close();
    await receiver.close();
    await runtime.stop();
    rmSync(localDir, { recursive: true, force: true });
  }
}

/** The work that sets due dates (deals, next actions, tasks): its week's volume over what was replayed. */
function dueWorkScale(kinds: WeekResult['kinds']): number {
  const due = kinds.filter((k) => /deal created|next action|deal won/.test(k.kind.name));
  const weekly = due.reduce((n, k) => n + k.weekly, 0);
  const replayed = due.reduce((n, k) => n + k.replayed, 0);
  return replayed ? weekly / replayed : 1;
}

/** How often a schedule fires in a week: rate(n minutes|hours|days), or a cron of minute and hour fields. */
export function firesPerWeek(expression: string): number {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (rate)
    return (7 * 24 * 60) / (Number(rate[1]) * { minute: 1, hour: 60, day: 1440 }[rate[2] as 'minute']);
  const cron = /^cron\((\S+) (\S+) /.exec(expression);
  if (cron)
    return (
      7 *
      (cron[2] === '*' ? 24 : cron[2]!.split(',').length) *
      (cron[1] === '*' ? 60 : cron[1]!.split(',').length)
    );
  throw new Error(`cannot count the fires of ${expression}`);
}

function sentMails(localDir: string): number {
  const dir = join(localDir, 'mail');
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).filter((f) => f.endsWith('.json')).length;
}

function traces(localDir: string): number {
  const file = join(localDir, 'traces.jsonl');
  if (!existsSync(file)) return 0;
  const ids = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const id = /"trace_id":"([^"]+)"/.exec(line)?.[1];
    if (id) ids.add(id);
  }
  return ids.size;
}

/** What the synthesized template says about the fixed part of the bill. */
export function templateFacts(): TemplateFacts {
  const dir = join(ROOT, LOCAL_CDK_OUT);
  const files = readdirSync(dir).filter((f) => f.endsWith('.template.json'));
  const byId = new Map<string, Record<string, any>>(
    files.flatMap((f) => Object.entries(JSON.parse(readFileSync(join(dir, f), 'utf8')).Resources ?? {})),
  );
  const resources = [...byId.values()];
  const of = (type: string) => resources.filter((r) => r.Type === type);
  const schedules = of('AWS::Scheduler::Schedule').map((r) => ({
    name: String(r.Properties.Name),
    expression: String(r.Properties.ScheduleExpression),
  }));
  return {
    alarms: of('AWS::CloudWatch::Alarm').length,
    // CloudWatch bills an alarm per metric it reads: a metric-math alarm is billed for each of its metrics
    alarmMetrics: of('AWS::CloudWatch::Alarm').reduce(
      (n, r) => n + (r.Properties.Metrics ? r.Properties.Metrics.filter((m: any) => m.MetricStat).length : 1),
      0,
    ),
    alarmKinds: of('AWS::CloudWatch::Alarm').reduce<Record<string, number>>((kinds, r) => {
      const name = r.Properties.MetricName ?? 'metric math';
      kinds[name] = (kinds[name] ?? 0) + 1;
      return kinds;
    }, {}),
    dashboards: of('AWS::CloudWatch::Dashboard').length,
    kmsKeys: of('AWS::KMS::Key').length,
    functions: of('AWS::Lambda::Function').length,
    queueMappings: of('AWS::Lambda::EventSourceMapping').filter((r) => {
      const source = r.Properties.EventSourceArn?.['Fn::GetAtt']?.[0];
      return byId.get(source)?.Type === 'AWS::SQS::Queue';
    }).length,
    schedules,
    pitr: JSON.stringify(of('AWS::DynamoDB::Table')).includes('PointInTimeRecoveryEnabled":true'),
    tracing: of('AWS::Lambda::Function').filter((r) => r.Properties.TracingConfig?.Mode === 'Active').length,
  };
}

export interface ReplayContext {
  call: Call;
  /** A request without the team's token (the customer portal's own sessions). */
  anonymous: (
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ) => Promise<{ status: number; body: any }>;
  world: World;
  rand: () => number;
  admin: Person;
  runtime: LocalRuntime;
  mail: (i: number) => Promise<unknown>;
  visit: (first: boolean) => void;
  contactEmails: Map<string, string>;
}

async function importHistory(call: Call, admin: Person, world: World, rows: number): Promise<void> {
  const upload = async (kind: string, csv: string) => {
    const job = (await call(admin, 'POST', '/imports', { kind })).body;
    const put = await fetch(job.upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    });
    if (!put.ok) throw new Error(`upload answered ${put.status}`);
    for (;;) {
      const state = (await call(admin, 'GET', `/imports/${job.id}`)).body;
      if (state.status === 'completed') return state;
      if (state.status === 'failed') throw new Error(`import failed: ${JSON.stringify(state.error)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const contacts = Array.from({ length: rows }, (_, i) => `Hist${i},Person,hist${i}@customer.example`);
  await upload('contacts', ['firstName,lastName,email', ...contacts].join('\n'));
  const stageNames = ['Lead', 'Qualified', 'Proposal', 'Negotiation'];
  const sellers = world.people.filter((p) => p.role !== 'delivery');
  const deals = Array.from({ length: rows }, (_, i) => {
    const owner = sellers[i % sellers.length]!.id;
    // next actions due in the months after the week: history is not the week's work
    const due = new Date(Date.now() + (10 + (i % 90)) * 86_400_000).toISOString();
    return `Old deal ${i},${1000 + i},EUR,${owner},${stageNames[i % 4]},Call back,${due},hist${i}@customer.example`;
  });
  await upload(
    'deals',
    ['title,amount,currency,ownerId,stage,nextAction,nextActionDue,contactEmail', ...deals].join('\n'),
  );
  // the week works on a few of them, as it works on what it creates
  const list = (await call(admin, 'GET', `/deals?status=open&limit=100`)).body;
  for (const d of list.items ?? [])
    world.deals.push({ id: d.id, owner: d.ownerId, stage: Math.max(0, world.stages.indexOf(d.stageId)) });
  const cs = (await call(admin, 'GET', `/contacts?limit=100`)).body;
  for (const c of cs.items ?? []) world.contacts.push(c.id);
}

/** One action of a kind; answers 1 when a request the console would make failed. */
async function replay(kind: Mix, i: number, ctx: ReplayContext): Promise<number> {
  const steps = await kind.run(ctx, i);
  const failed = steps.filter((s) => s.status >= 400);
  for (const f of failed.slice(0, 1))
    console.error(`${kind.name}: ${f.status} ${JSON.stringify(f.body).slice(0, 300)}`);
  return failed.length;
}

/** The README quotes the 20-person figure between markers: replaced by each run. */
function quoteInReadme(bill: Bill): void {
  const file = new URL('../README.md', import.meta.url);
  const text = readFileSync(file, 'utf8');
  const figure = `about $${bill.net.toFixed(2)} a month for a team of 20 (us-east-1, after the always-free tier; $${bill.perUser.toFixed(2)} per user)`;
  writeFileSync(file, text.replace(/(<!-- cost:20 -->)[\s\S]*?(<!-- \/cost:20 -->)/, `$1${figure}$2`));
}

function billOf(result: WeekResult, prices = readPrices()): Bill {
  const measured: MeasuredWeek = {
    people: result.people,
    week: result.week,
    template: result.template,
    functions: result.coldStarts.map((f) => ({
      name: f.name,
      initMs: f.coldStarts ? f.initMs / f.coldStarts : 0,
      memoryMb: 0,
      monthlyInvocations: 0,
    })),
  };
  // memory and the month's invocations per function, from the week's counted units
  for (const f of measured.functions) {
    const gbS = result.week[`fn:${f.name}:gbSeconds`] ?? 0;
    const n = result.week[`fn:${f.name}:invocations`] ?? 0;
    f.monthlyInvocations = n * (52 / 12);
    const fn = result.coldStarts.find((c) => c.name === f.name)!;
    f.memoryMb = fn.memoryMb;
    void gbS;
  }
  return priceWeek(measured, prices);
}

/** `npm run bench -- cost`: the weeks, the bills, docs/costs.md; answers the benchmarks.md section. */
export async function cost(): Promise<string> {
  const started = performance.now();
  const prices = readPrices();
  const runs: { result: WeekResult; bill: Bill }[] = [];
  for (const people of TEAM_SIZES) {
    console.log(`cost: a week of ${people} people ...`);
    const result = await replayWeek(people);
    runs.push({ result, bill: billOf(result, prices) });
    console.log(
      `cost: ${people} people: ${result.wallSeconds.toFixed(0)} s, $${runs.at(-1)!.bill.net.toFixed(2)} a month`,
    );
  }
  const historyPeople = TEAM_SIZES.includes(HISTORY_TEAM) ? HISTORY_TEAM : TEAM_SIZES[0]!;
  console.log(`cost: a week of ${historyPeople} people over 10× the history ...`);
  const big = await replayWeek(historyPeople, 10);
  const bigRun = { result: big, bill: billOf(big, prices) };
  const plain = runs.find((r) => r.result.people === historyPeople)!;
  const wallSeconds = (performance.now() - started) / 1000;
  writeCostsDoc([...runs, bigRun], { plain, big: bigRun }, prices, {
    wallSeconds,
    command: 'npm run bench -- cost',
  });
  const quoted = runs.find((r) => r.result.people === 20);
  if (quoted) quoteInReadme(quoted.bill);
  const pv = variablePerUser(plain.bill);
  const bv = variablePerUser(bigRun.bill);
  return `## What it costs to run (a company's week, priced)

The week replayed, counted and priced: [docs/costs.md](costs.md). Monthly, ${prices.region} list prices, after the always-free tier:

| team | monthly | per user | usage per user | replay wall time |
| --- | --- | --- | --- | --- |
${runs.map((r) => `| ${r.result.people} | $${r.bill.net.toFixed(2)} | $${r.bill.perUser.toFixed(2)} | $${variablePerUser(r.bill).toFixed(3)} | ${r.result.wallSeconds.toFixed(0)} s |`).join('\n')}
| ${historyPeople}, 10× history | $${bigRun.bill.net.toFixed(2)} | $${bigRun.bill.perUser.toFixed(2)} | $${bv.toFixed(3)} (${bv >= pv ? '+' : ''}${((bv / pv - 1) * 100).toFixed(1)}%) | ${big.wallSeconds.toFixed(0)} s (import ${big.seedSeconds.toFixed(0)} s) |

Whole run: ${wallSeconds.toFixed(0)} s.`;
}
