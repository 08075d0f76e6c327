// `npm run mail [-- --show <n>]`: the mail the local runtime's SES kept under .local/mail/.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalMail } from '../mail.js';
import { ROOT } from '../runtime.js';
import { cliArgs } from './args.js';

const { values } = cliArgs({ show: { type: 'string' } }, 'npm run mail -- [--show <number>]');
const dir = join(process.env.HANDOFF_LOCAL_DIR ?? join(ROOT, '.local'), 'mail');
const mails: LocalMail[] = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
  : [];
if (values.show) {
  const mail = mails[Number(values.show) - 1];
  if (!mail) {
    console.error(`no mail number ${values.show}; there are ${mails.length}`);
    process.exit(2);
  }
  console.log(
    `From: ${mail.from}\nTo: ${mail.to.join(', ')}\nDate: ${mail.at}\nSubject: ${mail.subject}\n\n${mail.text}`,
  );
} else if (mails.length === 0) {
  console.log(`no mail yet in ${dir}`);
} else {
  for (const [i, m] of mails.entries()) {
    console.log(`${String(i + 1).padStart(3)}  ${m.at}  ${m.to.join(', ').padEnd(28)} ${m.subject}`);
  }
  console.log(`\nnpm run mail -- --show <number> prints one; the HTML bodies are beside them in ${dir}`);
}
