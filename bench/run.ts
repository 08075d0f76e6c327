// `npm run bench [-- <name> ...]`: runs the named benchmarks (all by default) and writes each
// one's section of docs/benchmarks.md. Benchmarks are not tests: they measure, they do not judge.
import { coldStart } from './cold-start.js';
import { consoleLoad } from './console-load.js';
import { cost } from './cost.js';
import { crmRoundTrips } from './crm-round-trips.js';
import { dealOrderCost } from './deal-order-cost.js';
import { deliveryRoundTrips } from './delivery-round-trips.js';
import { dynamodbLocalJvm } from './dynamodb-local-jvm.js';
import { dynamodbLocalStreams } from './dynamodb-local-streams.js';
import { emailCapture } from './email-capture.js';
import { getDealLatency } from './get-deal-latency.js';
import { handoffLatency } from './handoff-latency.js';
import { iamCost } from './iam-cost.js';
import { importThroughput } from './import-throughput.js';
import { localStartup } from './local-startup.js';
import { quotePdf } from './quote-pdf.js';
import { relayLatency } from './relay-latency.js';
import { reportScale } from './report-scale.js';
import { scheduler } from './scheduler.js';
import { writeSection } from './support.js';
import { sweepScale } from './sweep-scale.js';
import { templateLimits } from './template-limits.js';
import { webhooks } from './webhooks.js';

const BENCHMARKS: Record<string, () => Promise<string>> = {
  'crm-round-trips': crmRoundTrips,
  'deal-order-cost': dealOrderCost,
  'get-deal-latency': () => getDealLatency(),
  'cold-start': coldStart,
  'local-startup': localStartup,
  'dynamodb-local-jvm': dynamodbLocalJvm,
  'dynamodb-local-streams': dynamodbLocalStreams,
  'relay-latency': () => relayLatency(),
  scheduler,
  'delivery-round-trips': deliveryRoundTrips,
  'handoff-latency': () => handoffLatency(),
  'sweep-scale': sweepScale,
  'report-scale': reportScale,
  'import-throughput': importThroughput,
  'template-limits': templateLimits,
  'console-load': consoleLoad,
  'iam-cost': iamCost,
  'quote-pdf': () => quotePdf(),
  'email-capture': () => emailCapture(),
  webhooks,
  cost,
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
