import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { writeFileSafely } from '../../infra/local/durable.js';
import { ROOT } from '../../infra/local/runtime.js';

// The local runtime as one ES module, built once per test run (the global set-up) for the e2e and
// browser files to start with bare Node. Through tsx, as `npm start` runs it, a runtime spent
// about 2.2 s of CPU before it answered, bundled 1.4 s (its process alone, 3 starts each,
// measured 2026-12-07): tsx's hooks resolve and transform each of its modules on every start, on
// a thread of their own, and the suite starts about 35 runtimes on a machine its tests keep busy.
// The code is the same; test/e2e/local-runtime.test.ts starts the runtime with `npm start` itself.
//
// The runtime's modules find their neighbours (the Lambda environment's script, DynamoDB Local's
// launcher, the repository's root) from `import.meta.url`, which in a bundle would be the
// bundle's own address: it is defined as infra/local's, and a module elsewhere that reads
// `import.meta` fails the build rather than look in the wrong folder.

const ENTRY = join(ROOT, 'infra/local/cli/start.ts');
const OUT = join(ROOT, 'node_modules/.cache/handoff-local-runtime/start.mjs');
const HOME = join(ROOT, 'infra/local');

export class RuntimeBundleError extends Error {
  constructor(files: string[]) {
    super(
      `the local runtime's bundle cannot give ${files.join(', ')} its own import.meta.url (only infra/local's modules may read it): test/support/runtime-bundle.ts`,
    );
    this.name = 'RuntimeBundleError';
  }
}

/**
 * Builds the bundle and returns its path (written whole, then renamed: a run beside this one reads
 * either). `entry` and `out` are for the test of the import.meta rule.
 */
export async function bundleLocalRuntime({ entry = ENTRY, out = OUT } = {}): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    sourcemap: 'inline',
    metafile: true,
    write: false,
    logLevel: 'silent',
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(HOME, 'runtime.ts')).href) },
  });
  const elsewhere = Object.keys(result.metafile.inputs).filter(
    (file) =>
      !join(ROOT, file).startsWith(`${HOME}/`) &&
      /\bimport\.meta\b/.test(readFileSync(join(ROOT, file), 'utf8')),
  );
  if (elsewhere.length) throw new RuntimeBundleError(elsewhere);
  writeFileSafely(out, result.outputFiles[0]!.contents);
  return out;
}
