import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../runtime.js';

/** The running local runtime's control API, found through .local/runtime.json. */
export function controlUrl(): string {
  const file = join(process.env.HANDOFF_LOCAL_DIR ?? join(ROOT, '.local'), 'runtime.json');
  if (!existsSync(file)) {
    console.error('the local runtime is not running: start it with npm start');
    process.exit(1);
  }
  return JSON.parse(readFileSync(file, 'utf8')).controlUrl as string;
}
