import { type DeliveryState, deliveryState } from '../../../domain/delivery/delivery-state.js';
import type { ProjectLogEntry } from '../../../domain/portal/project-log.js';
import { projectIdForDeal } from '../../../domain/shared/ids.js';
import type { Services } from '../../lib/services.js';

/** How far back the deal's view looks for the customer's latest action on the project's timeline. */
const RECENT = 25;

/**
 * The live state of the project delivering a deal (GET /deals/{id}/delivery), for the rep: two
 * Queries in parallel, the plan and the project's newest timeline entries.
 */
export async function deliveryOfDeal(
  s: Pick<Services, 'projects' | 'portal'>,
  dealId: string,
  now: string,
): Promise<DeliveryState & { lastFromCustomer: ProjectLogEntry | null; lastViewedAt: string | null }> {
  const projectId = projectIdForDeal(dealId);
  const [{ project, tasks }, recent] = await Promise.all([
    s.projects.load(projectId),
    s.portal.latest(projectId, RECENT),
  ]);
  return {
    ...deliveryState(project, tasks, now.slice(0, 10)),
    lastFromCustomer: recent.find((e) => e.by.startsWith('contact:') && e.kind !== 'portal-viewed') ?? null,
    lastViewedAt: recent.find((e) => e.kind === 'portal-viewed')?.at ?? null,
  };
}
