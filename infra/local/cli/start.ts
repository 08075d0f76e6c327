// `npm start [-- --in-memory] [--seed] [--verbose] [--port N]`: the whole system on this machine.
import { mintToken } from '../jwt.js';
import { startLocalRuntime } from '../runtime.js';
import { type SeedPerson, seedDemoCompany } from '../seed.js';
import { cliArgs } from './args.js';

const USAGE = `npm start [-- options]
  --in-memory   keep no data (DynamoDB Local in memory); default: kept under .local/
  --seed        load a small demo company (pipeline, contacts, deals, a few overdue)
  --verbose     print every function's JSON logs
  --port N      the API's port (default: PORT or 3000)`;

const { values } = cliArgs(
  {
    'in-memory': { type: 'boolean' },
    seed: { type: 'boolean' },
    verbose: { type: 'boolean' },
    port: { type: 'string' },
  },
  USAGE,
);
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const started = performance.now();
const runtime = await startLocalRuntime({
  inMemory: values['in-memory'] === true,
  verbose: values.verbose === true,
  ...(values.port ? { port: Number(values.port) } : {}),
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`
Handoff is running on ${runtime.apiUrl}  (ready in ${seconds} s${runtime.synthesized ? ', synthesized' : ', cdk.out reused'})
  data:    ${values['in-memory'] ? 'in memory' : `${runtime.localDir}/dynamodb`}
  token:   npm run token -- --user alice --groups sales
  events:  npm run events        schedules: npm run fire -- <schedule> [--at <instant>]
`);

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
