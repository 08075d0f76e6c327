// `npm start [-- --in-memory] [--seed] [--verbose] [--port N]`: the whole system on this machine.
import { mintToken } from '../jwt.js';
import { startLocalRuntime } from '../runtime.js';
import { type SeedPerson, seedDemoCompany } from '../seed.js';
import { cliArgs } from './args.js';

const USAGE = `npm start [-- options]
  --in-memory       keep no data (DynamoDB Local in memory); default: kept under .local/
  --seed            load a small demo company (pipeline, contacts, deals, a few overdue)
  --verbose         print every function's JSON logs
  --port N          the API's port (default: PORT or 3000)
  --console-port N  the web console's port (default: the API's + 1; 0: any free port)
  --time-scale F    multiply the delays AWS documents (Lambda's 1 and 2 minutes before retrying
                    a failed asynchronous event, EventBridge's backoff) by F; default 1`;

const { values } = cliArgs(
  {
    'in-memory': { type: 'boolean' },
    seed: { type: 'boolean' },
    verbose: { type: 'boolean' },
    port: { type: 'string' },
    'console-port': { type: 'string' },
    'time-scale': { type: 'string' },
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

const started = performance.now();
const runtime = await startLocalRuntime({
  inMemory: values['in-memory'] === true,
  verbose: values.verbose === true,
  timeScale,
  ...(values.port ? { port: Number(values.port) } : {}),
  ...(values['console-port'] !== undefined ? { consolePort: Number(values['console-port']) } : {}),
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
console.log(`
Handoff is running  (ready in ${seconds} s${runtime.synthesized ? ', synthesized' : ', template reused'})
  console: ${runtime.consoleUrl}   (sign in with any name and groups; the seed has alice, bob, mia)
  API:     ${runtime.apiUrl}
  data:    ${values['in-memory'] ? 'in memory' : `${runtime.localDir}/dynamodb`}
  token:   npm run token -- --user alice --groups sales
  events:  npm run events        schedules: npm run fire -- <schedule> [--at <instant>]
  failed:  npm run dead-letters  redrive:   npm run redrive -- <queue>
`);
