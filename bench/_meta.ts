import { buildSync } from 'esbuild';
import { bundleOptions } from '../infra/constructs/bundling.ts';
const entry = process.argv[2]!;
const out = `/tmp/coldprobe/out-${entry.split('/')[1]}`;
const r = buildSync({ ...bundleOptions(`/work/main/${entry}`, out), absWorkingDir: '/work/main', metafile: true });
const index = Object.entries(r.metafile!.outputs).find(([k]) => k.endsWith('index.mjs'))!;
const staticImports = new Set<string>([index[0]]);
// follow static imports of index (chunks imported statically)
const queue = [index[0]];
while (queue.length) {
  const o = r.metafile!.outputs[queue.pop()!]!;
  for (const i of o.imports) if (i.kind === 'import-statement' && !i.external && !staticImports.has(i.path)) { staticImports.add(i.path); queue.push(i.path); }
}
const byPkg = new Map<string, number>();
let total = 0;
for (const p of staticImports) {
  const o = r.metafile!.outputs[p]!;
  total += o.bytes;
  for (const [input, { bytesInOutput }] of Object.entries(o.inputs)) {
    const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(input);
    const key = m ? m[1]! : input.split('/').slice(0, 3).join('/');
    byPkg.set(key, (byPkg.get(key) ?? 0) + bytesInOutput);
  }
}
console.log('static outputs', [...staticImports].length, 'bytes', total);
for (const [k, v] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(String(v).padStart(8), k);
