// `npm run bench [-- <name> ...]`: runs the named benchmarks (all by default) and writes each
// one's section of docs/benchmarks.md. Benchmarks are not tests: they measure, they do not judge.
import { crmRoundTrips } from './crm-round-trips.js';
import { getDealLatency } from './get-deal-latency.js';
import { writeSection } from './support.js';

const BENCHMARKS: Record<string, () => Promise<string>> = {
  'crm-round-trips': crmRoundTrips,
  'get-deal-latency': () => getDealLatency(),
};

const asked = process.argv.slice(2);
const names = asked.length ? asked : Object.keys(BENCHMARKS);
for (const name of names) {
  const run = BENCHMARKS[name];
  if (!run) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  console.log(`running ${name} ...`);
  const section = await run();
  writeSection(name, `npm run bench -- ${name}`, section);
  console.log(section);
}
process.exit(0);
