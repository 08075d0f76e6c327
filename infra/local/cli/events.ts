// `npm run events [-- --type DealClosedWon] [--follow]`: what crossed the local bus, and the
// rules each event matched.
import { cliArgs } from './args.js';
import { controlUrl } from './control-client.js';

const { values } = cliArgs(
  { type: { type: 'string' }, follow: { type: 'boolean', short: 'f' }, json: { type: 'boolean' } },
  'npm run events -- [--type <detail-type>] [--follow] [--json]',
);
const base = controlUrl();
let since = 0;
for (;;) {
  const res = await fetch(`${base}/events?since=${since}${values.type ? `&type=${values.type}` : ''}`);
  const { events, next } = (await res.json()) as { events: any[]; next: number };
  for (const e of events) {
    if (values.json) console.log(JSON.stringify(e));
    else {
      const rules = e.local.matchedRules.length ? ` → ${e.local.matchedRules.join(', ')}` : '';
      console.log(`${e.time}  ${e.source.padEnd(17)} ${e['detail-type'].padEnd(22)} ${e.detail.id}${rules}`);
    }
  }
  since = next;
  if (!values.follow) break;
  await new Promise((r) => setTimeout(r, 500));
}
