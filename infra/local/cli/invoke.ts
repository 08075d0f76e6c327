// `npm run invoke -- <Function> ['<json payload>']`: invokes one of the template's functions on
// the running local runtime, as `aws lambda invoke` does in AWS, and prints what it returned.
import { cliArgs } from './args.js';
import { controlUrl } from './control-client.js';

const USAGE = "npm run invoke -- <function name, e.g. RebuildReports> ['<JSON payload>']";
const { values, positionals } = cliArgs({}, USAGE);
const [name, payloadText] = positionals;
if (values.help || !name) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}
let payload: unknown = {};
try {
  payload = payloadText ? JSON.parse(payloadText) : {};
} catch {
  console.error(`the payload is not JSON: ${payloadText}`);
  process.exit(2);
}
const res = await fetch(`${controlUrl()}/invoke`, {
  method: 'POST',
  body: JSON.stringify({ function: name, payload }),
});
const body = (await res.json()) as { ok?: boolean; result?: unknown; error?: unknown };
console.log(JSON.stringify(res.ok ? (body.ok ? body.result : body.error) : body, null, 2));
process.exit(res.ok && body.ok ? 0 : 1);
