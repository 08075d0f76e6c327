import type { EventBridgeEvent } from 'aws-lambda';
import { renameCompanyOnDeals } from '../crm/use-cases/rename-company-deals.js';
import { refreshTaskDueEntries } from '../delivery/use-cases/refresh-task-due-entries.js';
import { readEvent, UnreadableEvent } from '../lib/bus/incoming-event.js';
import { logger } from '../lib/logger.js';
import { instrumented } from '../lib/observability.js';
import { createServices } from '../lib/services.js';

// Copies a change reaches too many records to write in its own transaction, written a moment
// after it, a page at a time (docs/data-model.md, "Copies kept after the change"):
// - CompanyUpdated with a new name → each of its deals' `companyName` (and the deal's copies);
// - ProjectStatusChanged, and ProjectUpdated handing the project to another delivery owner →
//   its tasks' entries on their people's due lists.
// Each reads the record as it is now, so a retry, a replay or events out of order write the same.
const services = createServices({ runningAs: 'RefreshCopies' });

export const handler = instrumented(async (event: EventBridgeEvent<string, unknown>) => {
  switch (event['detail-type']) {
    case 'CompanyUpdated': {
      const { data } = readEvent('CompanyUpdated', event);
      if (!data.changed.includes('name')) return;
      const report = await renameCompanyOnDeals(services, data.company.id);
      logger.info('company name copied onto its deals', { companyId: data.company.id, ...report });
      return;
    }
    case 'ProjectStatusChanged': {
      const { data } = readEvent('ProjectStatusChanged', event);
      const report = await refreshTaskDueEntries(services, data.projectId);
      logger.info("project's tasks on due lists", { projectId: data.projectId, ...report });
      return;
    }
    case 'ProjectUpdated': {
      const { data } = readEvent('ProjectUpdated', event);
      if (!data.previousOwnerId) return;
      const report = await refreshTaskDueEntries(services, data.project.id, data.previousOwnerId);
      logger.info("project's tasks on due lists", { projectId: data.project.id, ...report });
      return;
    }
    default:
      throw new UnreadableEvent(`RefreshCopies does not read ${event['detail-type']}`);
  }
});
