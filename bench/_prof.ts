import { buildSync } from 'esbuild';
import { bundleOptions } from '../infra/constructs/bundling.js';
const entry = process.argv[2]!;
const out = `/tmp/coldprobe/plain-${entry.split('/')[1]}`;
buildSync({ ...bundleOptions(`/work/main/${entry}`, out), absWorkingDir: '/work/main', minify: false, sourcemap: false });
console.log(out);
