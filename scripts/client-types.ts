import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The typed client's types, generated from docs/openapi.json by openapi-typescript. It runs
// from its own workspace (tools/openapi-typescript): it needs the TypeScript 5 compiler API,
// and the project compiles with TypeScript 7, which has none.

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function generateClientTypes(): string {
  const run = spawnSync(
    process.execPath,
    ['tools/openapi-typescript/node_modules/openapi-typescript/bin/cli.js', 'docs/openapi.json'],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (run.status !== 0) throw new Error(`openapi-typescript failed:\n${run.stderr}`);
  return run.stdout;
}
