import type { EventBridgeEvent } from 'aws-lambda';
import { readEvent } from '../lib/bus/incoming-event.js';
import { instrumented } from '../lib/observability.js';
import { transferServices } from './services.js';
import { runExport } from './use-cases/run-export.js';

// Target of the ExportRequested rule: writes the export's CSV file. A second delivery finds the
// job done (or its lease held) and does nothing.
const services = transferServices('CsvExport');

export const handler = instrumented(async (event: EventBridgeEvent<string, unknown>) => {
  const { data } = readEvent('ExportRequested', event);
  return runExport(services, await services.files(), data.exportId);
});
