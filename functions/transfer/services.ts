import { createServices, type Services } from '../lib/services.js';
import type { TableFunction } from '../lib/table/pattern.js';

// The transfer functions' services: the others', plus the bucket of imports and exports. Only
// these functions bundle the S3 client (it is a tenth of a bundle: docs/benchmarks.md, "Cold
// start per function"), and each loads it on first use.
export function transferServices(runningAs: TableFunction): Services {
  return createServices({
    runningAs,
    files: () => import('../lib/files/file-store.js').then(({ FileStore }) => new FileStore()),
  });
}
