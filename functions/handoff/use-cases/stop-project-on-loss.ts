import type { EventBridgeEvent } from 'aws-lambda';
import { stopForLostDeal } from '../../../domain/delivery/project.commands.js';
import { contextFor, readEvent } from '../../lib/bus/incoming-event.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { retryOnConflict } from '../../lib/versioned-command.js';

// A won deal reopened and then lost: its delivery project stops (on hold, or cancelled by a
// manager's choice on the loss). As with the win, the event is trusted for nothing but the deal
// it names: only a deal that is lost now, with that project, stops it, so a loss delivered after
// the deal was won again (EventBridge does not keep order) changes nothing.

export type StopOutcome = 'stopped' | 'ignored';

export async function stopProjectOnLoss(
  s: Pick<Services, 'deals' | 'projects' | 'store'>,
  event: EventBridgeEvent<string, unknown>,
  log: (message: string, details: Record<string, unknown>) => void,
): Promise<StopOutcome> {
  const detail = readEvent('DealClosedLost', event);
  const ctx = contextFor(detail, new Date(event.time).toISOString(), 'handoff');
  const { dealId, projectId, projectAction } = detail.data;
  if (!projectId) return 'ignored';
  return retryOnConflict(undefined, async () => {
    const [deal, project] = await Promise.all([s.deals.get(dealId), s.projects.get(projectId)]);
    if (deal?.status !== 'lost' || deal.projectId !== projectId || !project) {
      log('DealClosedLost ignored: the deal is not lost now, or has no such project', {
        dealId,
        projectId,
        dealStatus: deal?.status ?? 'missing',
      });
      return 'ignored';
    }
    const stop = stopForLostDeal(project, projectAction ?? 'on_hold', dealId, ctx);
    if (!stop) return 'ignored';
    const uow = new UnitOfWork().events(stop.events);
    s.projects.updateHead(uow, project, stop.project);
    await uow.commit(s.store);
    return 'stopped';
  });
}
