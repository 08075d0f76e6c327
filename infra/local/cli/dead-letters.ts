// `npm run dead-letters [-- --json]`: what is in the local runtime's dead-letter queues and
// on-failure destinations, queue by queue, with what failed and why (the same messages the
// deployed queues would hold). `npm run redrive -- <queue>` sends them back.
import type { DeadLetterView } from '../sqs.js';
import { cliArgs } from './args.js';
import { controlUrl } from './control-client.js';

const { values } = cliArgs({ json: { type: 'boolean' } }, 'npm run dead-letters -- [--json]');
const res = await fetch(`${controlUrl()}/dead-letters`);
const { messages } = (await res.json()) as { messages: DeadLetterView[] };
if (values.json) {
  console.log(JSON.stringify(messages, null, 2));
} else if (messages.length === 0) {
  console.log(
    'no dead letters: every asynchronous delivery and invocation succeeded or is still being retried',
  );
} else {
  const byQueue = Map.groupBy(messages, (m) => m.queueId);
  for (const [queueId, letters] of byQueue) {
    console.log(`${queueId}  (${letters[0]!.queue}): ${letters.length} message(s)`);
    for (const l of letters) console.log(`  ${l.at}  ${l.description}`);
    console.log(`  redrive: npm run redrive -- ${queueId}\n`);
  }
}
