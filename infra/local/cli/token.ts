// `npm run token -- --user alice --groups sales[,manager] [--email a@b.c] [--ttl 3600]`:
// prints a token the local runtime's JWT check accepts (signed by the local issuer).
import { join } from 'node:path';
import { mintToken } from '../jwt.js';
import { ROOT } from '../runtime.js';
import { cliArgs } from './args.js';

const USAGE =
  'npm run token -- --user <id> --groups <admin|manager|sales|delivery>[,...] [--email <address>] [--name <name>] [--ttl <seconds>]';
const { values } = cliArgs(
  {
    user: { type: 'string' },
    groups: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    ttl: { type: 'string' },
  },
  USAGE,
);
if (values.help || !values.user) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}
const token = await mintToken(process.env.HANDOFF_LOCAL_DIR ?? join(ROOT, '.local'), {
  user: String(values.user),
  groups: String(values.groups ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean),
  ...(values.email ? { email: String(values.email) } : {}),
  ...(values.name ? { name: String(values.name) } : {}),
  ...(values.ttl ? { ttlSeconds: Number(values.ttl) } : {}),
});
console.log(token);
