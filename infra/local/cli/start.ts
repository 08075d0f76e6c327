// `npm start [-- --in-memory] [--seed] [--verbose] [--port N] [--cold]`: the whole system on this machine.
import { join, relative } from 'node:path';
import { mintToken } from '../jwt.js';
import { DEFAULT_PORT, PORT_COUNT, PORT_LAYOUT, PortOutOfRange, PortTaken } from '../ports.js';
import { startLocalRuntime, UnknownFunction } from '../runtime.js';
import { type SeedPerson, seedDemoCompany } from '../seed.js';
import { cliArgs } from './args.js';

const INDENT = ' '.repeat(20);
// the layout, wrapped under --port's description
const layout = Object.values(PORT_LAYOUT)
  .map(({ offset, name }) => `N${offset ? `+${offset}` : ''} ${name}`)
  .reduce<string[]>((lines, entry, i, all) => {
    const text = `${entry}${i < all.length - 1 ? ',' : ';'}`;
    const last = lines.at(-1);
    if (last !== undefined && last.length + text.length < 78) lines[lines.length - 1] = `${last} ${text}`;
    else lines.push(text);
    return lines;
  }, [])
  .join(`\n${INDENT}`);

const USAGE = `npm start [-- options]
  --in-memory       keep no data (DynamoDB Local in memory); default: kept under .local/
  --seed            load a small demo company (pipeline, contacts, deals, a few overdue)
  --verbose         print every function's JSON logs
  --port N          the first of the ${PORT_COUNT} ports the runtime uses, N to N+${PORT_COUNT - 1} (default: PORT or
                    ${DEFAULT_PORT}); each service keeps its port across restarts:
${INDENT}${layout}
                    all on 127.0.0.1 only. A port in use stops the start, naming it.
                    0: any free ports (they change on every start)
  --console-port N  the web console's port, apart from the others (0: any free port)
  --time-scale F    multiply the delays AWS documents (Lambda's 1 and 2 minutes before retrying
                    a failed asynchronous event, EventBridge's backoff) by F; default 1
  --cold            start no function ahead of its first request, as Lambda does (default: the
                    API's functions and the relay are started before "running", so a first
                    request does not wait for a cold start)
  --warm A,B        start only these functions ahead (named as in the stack: CrmApi, DeliveryApi,
                    OutboxRelay, ...); the others start on their first request. Not with --cold;
                    a name the stack does not have stops the start, listing the names it has`;

const { values } = cliArgs(
  {
    'in-memory': { type: 'boolean' },
    seed: { type: 'boolean' },
    verbose: { type: 'boolean' },
    port: { type: 'string' },
    'console-port': { type: 'string' },
    'time-scale': { type: 'string' },
    cold: { type: 'boolean' },
    warm: { type: 'string' },
  },
  USAGE,
);
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const timeScale = values['time-scale'] === undefined ? 1 : Number(values['time-scale']);
if (!(timeScale > 0)) {
  console.error(`--time-scale must be a positive number, not ${values['time-scale']}\n\n${USAGE}`);
  process.exit(2);
}
const portOption = (name: string, text: string | undefined) => {
  if (text === undefined) return undefined;
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    console.error(`${name} must be a port number (0 to 65535), not ${text}\n\n${USAGE}`);
    process.exit(2);
  }
  return Number(text);
};
const port = portOption('--port', values.port);
const consolePort = portOption('--console-port', values['console-port']);

function warmOption(): boolean | string[] {
  if (values.warm === undefined) return values.cold !== true;
  if (values.cold) {
    console.error(`--cold and --warm contradict each other: give one\n\n${USAGE}`);
    process.exit(2);
  }
  const names = values.warm
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) {
    console.error(`--warm needs at least one function's name (--cold starts none)\n\n${USAGE}`);
    process.exit(2);
  }
  return names;
}

const started = performance.now();
const runtime = await startLocalRuntime({
  inMemory: values['in-memory'] === true,
  verbose: values.verbose === true,
  timeScale,
  warm: warmOption(),
  ...(port !== undefined ? { port } : {}),
  ...(consolePort !== undefined ? { consolePort } : {}),
}).catch((error: Error) => {
  if (!(error instanceof PortTaken || error instanceof PortOutOfRange || error instanceof UnknownFunction))
    throw error;
  console.error(`npm start: ${error.message}`);
  process.exit(1);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping ...');
    await runtime.stop();
    process.exit(0);
  });
}

// Ready is announced once the seed is in: a sweep or a test started on "running" sees all of it.
if (values.seed) {
  try {
    const token = await mintToken(runtime.localDir, {
      user: 'seed-admin',
      groups: ['admin'],
      email: 'admin@example.com',
    });
    const tokenFor = (p: SeedPerson) =>
      mintToken(runtime.localDir, { user: p.id, groups: p.groups, email: p.email, name: p.name });
    console.log(`seeded: ${await seedDemoCompany(runtime.apiUrl, token, tokenFor)}`);
  } catch (error) {
    console.error(`seeding failed: ${(error as Error).message}`);
  }
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
const at = (url: string) => `:${new URL(url.replace(/^udp:/, 'http:')).port}`;
const a = runtime.addresses;
const runtimeFile = relative(process.cwd(), join(runtime.localDir, 'runtime.json'));
console.log(`
Handoff is running  (ready in ${seconds} s${runtime.synthesized ? ', synthesized' : ', template reused'})
  console: ${a.console}   (sign in with a name and the groups you tick; the seed has alice, bob, mia)
  sign-in: ${a.issuer}   (the console's sign-in page: the local issuer)
  API:     ${a.api}
  AWS:     S3 ${at(a.s3)}  DynamoDB ${at(a.dynamodb)}  EventBridge ${at(a.eventbridge)}  Lambda ${at(a.lambda)}  SES ${at(a.ses)}  SQS ${at(a.sqs)}  X-Ray ${at(a.xray)}/udp
  smtp:    localhost:${runtime.smtp.port}   (SES receiving: mail to log@${runtime.smtp.domains[0] ?? '<no inboundEmailDomain>'} or deal-<dealId>@… is captured; STARTTLS)
  control: ${a.control}   (all on 127.0.0.1 only; every address is in ${runtimeFile.startsWith('..') ? join(runtime.localDir, 'runtime.json') : runtimeFile})
  data:    ${values['in-memory'] ? 'in memory' : `${runtime.localDir}/dynamodb`}
  token:   npm run token -- --user alice --groups sales
  events:  npm run events        schedules: npm run fire -- <schedule> [--at <instant>]
  failed:  npm run dead-letters  redrive:   npm run redrive -- <queue>
`);
