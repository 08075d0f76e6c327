// `npm run fire -- <schedule> [--at <ISO instant>]`: fires one of the template's schedules now,
// as of any instant, on the running local runtime.
import { cliArgs } from './args.js';
import { controlUrl } from './control-client.js';

const USAGE = 'npm run fire -- <schedule> [--at <ISO 8601 instant>]';
const { values, positionals } = cliArgs({ at: { type: 'string' } }, USAGE);
const schedule = positionals[0];
if (values.help || !schedule) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}
const res = await fetch(`${controlUrl()}/fire`, {
  method: 'POST',
  body: JSON.stringify({ schedule, ...(values.at ? { at: values.at } : {}) }),
});
const body = (await res.json()) as { ok?: boolean };
console.log(JSON.stringify(body, null, 2));
process.exit(res.ok && body.ok ? 0 : 1);
