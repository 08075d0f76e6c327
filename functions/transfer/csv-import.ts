import type { EventBridgeEvent } from 'aws-lambda';
import { importIdOf } from '../lib/files/file-keys.js';
import { logger } from '../lib/logger.js';
import { instrumented } from '../lib/observability.js';
import { transferServices } from './services.js';
import { runImport } from './use-cases/run-import.js';

// Target of the rule on S3's "Object Created" events for the files bucket's uploads/: the
// upload of an import's file starts the import. S3 may tell twice; the job's lease lets one run.
const services = transferServices('CsvImport');

type ObjectCreated = EventBridgeEvent<
  'Object Created',
  { bucket: { name: string }; object: { key: string } }
>;

export const handler = instrumented(async (event: ObjectCreated) => {
  const key = event.detail?.object?.key ?? '';
  const importId = importIdOf(decodeURIComponent(key.replace(/\+/g, ' ')));
  if (!importId) {
    logger.warn('an upload that names no import', { key });
    return { ran: false, reason: `${key} is not an import's upload` };
  }
  return runImport(services, await services.files(), importId);
});
