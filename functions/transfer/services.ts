import { loadFileStore } from '../lib/function-base.js';
import { createServices, type Services } from '../lib/services.js';
import type { TableFunction } from '../lib/table/pattern.js';

// The transfer functions' services: the others', plus the bucket of imports and exports, its
// client loaded on first use.
export function transferServices(runningAs: TableFunction): Services {
  return createServices({ runningAs, files: loadFileStore });
}
