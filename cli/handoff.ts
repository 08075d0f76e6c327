import { parseArgs } from 'node:util';
import { CliError } from './api-client.js';
import { exportRecords } from './export.js';
import { importFile } from './import.js';

// The `handoff` command: CSV imports and exports against any Handoff API (deployed, or the local
// runtime). `npx handoff --help` lists what it does.

const USAGE = `usage:
  npx handoff import <contacts|companies|deals> <file.csv> [--on-duplicate skip|update] [--api <url>] [--token <jwt>]
  npx handoff export <contacts|companies|deals> [--segment <id>] [--tag <tag>] [--owner <user>] [--status <status>]
                     [--pipeline <id>] [--stage <id>] [--source <lead source>] [--company <id>] [--out <file.csv>] [--api <url>] [--token <jwt>]

The API is --api, else HANDOFF_API_URL, else the local runtime (npm start). The token is --token,
else HANDOFF_TOKEN; locally: export HANDOFF_TOKEN=$(npm run --silent token -- --user you --groups manager)`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      api: { type: 'string' },
      token: { type: 'string' },
      'on-duplicate': { type: 'string' },
      segment: { type: 'string' },
      tag: { type: 'string' },
      owner: { type: 'string' },
      status: { type: 'string' },
      pipeline: { type: 'string' },
      stage: { type: 'string' },
      source: { type: 'string' },
      company: { type: 'string' },
      out: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, kind, file] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const api = { api: values.api, token: values.token };
  if (command === 'import' && kind && file)
    return importFile(kind, file, { ...api, onDuplicate: values['on-duplicate'] });
  if (command === 'export' && kind) {
    const filter = Object.fromEntries(
      Object.entries({
        tag: values.tag,
        ownerId: values.owner,
        status: values.status,
        pipelineId: values.pipeline,
        stageId: values.stage,
        leadSource: values.source,
        companyId: values.company,
      }).filter(([, v]) => v !== undefined),
    ) as Record<string, string>;
    return exportRecords(kind, { ...api, segment: values.segment, filter, out: values.out });
  }
  console.error(USAGE);
  return 2;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof CliError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`handoff: ${(error as Error).message}`);
    process.exitCode = 2;
  } else throw error;
}
