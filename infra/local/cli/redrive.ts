// `npm run redrive -- <queue> [--dry-run] [--limit N]`: sends what a dead-letter queue holds
// back where it failed, by invoking the stack's RedriveDeadLetters function, as
// `aws lambda invoke --function-name <RedriveFunction> --payload '{"queue":"<queue>"}'` does in AWS.
import { cliArgs } from './args.js';
import { controlUrl } from './control-client.js';

const USAGE = 'npm run redrive -- <queue (npm run dead-letters names it)> [--dry-run] [--limit N]';
const { values, positionals } = cliArgs({ 'dry-run': { type: 'boolean' }, limit: { type: 'string' } }, USAGE);
const queue = positionals[0];
if (values.help || !queue) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}
const res = await fetch(`${controlUrl()}/invoke`, {
  method: 'POST',
  body: JSON.stringify({
    function: 'RedriveDeadLetters',
    payload: {
      queue,
      ...(values['dry-run'] ? { dryRun: true } : {}),
      ...(values.limit ? { limit: Number(values.limit) } : {}),
    },
  }),
});
const body = (await res.json()) as { ok?: boolean; result?: any; error?: any };
if (!res.ok || !body.ok) {
  console.error(JSON.stringify(body.error ?? body, null, 2));
  process.exit(1);
}
const messages = body.result.messages as { what: string; action: string; done: boolean; reason?: string }[];
for (const m of messages) {
  console.log(
    `${m.done ? 'redriven' : values['dry-run'] ? 'would' : 'kept    '}  ${m.what}\n          → ${m.action || m.reason}`,
  );
}
if (values['dry-run']) {
  // nothing was sent or deleted: every message read is visible in the queue again
  const would = messages.filter((m) => m.action).length;
  console.log(`\ndry run: ${would} would be redriven, ${messages.length - would} would be kept`);
} else console.log(`\n${body.result.redriven} redriven, ${body.result.kept} kept`);
process.exit(body.result.kept > 0 && !values['dry-run'] ? 1 : 0);
