import { copyFileSync, mkdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { type BuildOptions, buildSync } from 'esbuild';

// How every function's code is built (BundledFunction, and the cold-start benchmark's variants):
// the local esbuild, minified ESM for Node 24 with source maps, the SDK inside. Two choices are
// about cold starts (docs/architecture.md, decision 13):
//
// - Node's own modules are taken through `process.getBuiltinModule`, as `require` takes them,
//   never through an ESM `import`: Node builds an ES module of a builtin by reading every export,
//   and the lazy ones of `node:http`, `node:fs`, `node:process`, `node:util`… then load undici,
//   HTTP/2, TLS, worker threads and readline, which no function uses (about 15 ms of a cold start).
// - Code a function loads with `import()` (the bucket's client, the X-Ray SDK, idempotency)
//   goes to a chunk of its own beside `index.mjs`, read only by the first call that needs it.

/** One module exporting what `require(name)` would: the builtin itself, without an ES module of it. */
function builtinModule(name: string): string {
  const source = `module.exports = process.getBuiltinModule(${JSON.stringify(`node:${name}`)});`;
  return `data:text/javascript,${encodeURIComponent(source)}`;
}

/** Every builtin by both names (`http`, `node:http`); some exist only with the prefix (`node:test`). */
const BUILTINS: Record<string, string> = Object.fromEntries(
  builtinModules
    .filter((name) => !name.startsWith('_'))
    .flatMap((name) => {
      const bare = name.replace(/^node:/, '');
      const module = builtinModule(bare);
      return name.startsWith('node:')
        ? [[name, module]]
        : [
            [bare, module],
            [`node:${bare}`, module],
          ];
    }),
);

/** The esbuild options of a function's bundle: `entry` becomes `<outdir>/index.mjs`. */
export function bundleOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: { index: entry },
    outdir,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[hash]',
    platform: 'node',
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    target: 'node24',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    alias: BUILTINS,
    // bundled CommonJS dependencies call require(): give them one
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  };
}

/**
 * Where an asset lands in the bundle: a package's file keeps its path under `node_modules/` (two
 * packages may both have a `400.css`), any other file goes beside `index.mjs`.
 */
function shippedAs(asset: string): string {
  return asset.startsWith('node_modules/') ? asset : path.basename(asset);
}

/**
 * Builds a function into `outdir`: its bundle, and the `assets` (paths relative to `root`)
 * copied into it, read at run time.
 */
export function bundleFunction(root: string, entry: string, outdir: string, assets: string[] = []): void {
  buildSync({ ...bundleOptions(path.join(root, entry), outdir), absWorkingDir: root });
  for (const asset of assets) {
    const target = path.join(outdir, shippedAs(asset));
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(path.join(root, asset), target);
  }
}
