import type { Activity } from '../../../domain/crm/activity.js';
import type { Deal } from '../../../domain/crm/deal.js';
import type { DealHistoryEntry } from '../../../domain/crm/timeline.js';
import type { DomainEvent } from '../../../domain/events.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import type { Write } from '../../lib/table/store.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';
import { requireDealLinks } from './deal-links.js';

/** What a deal command decided: the deal's next state, its events, what else it writes. */
export interface DealDecision {
  deal: Deal;
  events: DomainEvent[];
  /** A next action completed on the way, logged as a done activity. */
  completedActivity?: Activity | undefined;
}

export interface DealChange {
  /** The domain's decision on the deal as read (after reading what else it needs, if anything). */
  decide(current: Deal): DealDecision | Promise<DealDecision>;
  /** The stage-history entry the change leaves on the primary contact's timeline, if any. */
  history?(current: Deal, next: Deal): Omit<DealHistoryEntry, 'dealId' | 'dealTitle' | 'at' | 'by'>;
  /** The stage the deal ends in must still be a stage of its pipeline when the change commits. */
  checkStage?: boolean;
  /** Its contact and company must still exist, and its owner be active, when the change commits. */
  checkLinks?: boolean;
  /** Other writes of the same transaction, decided from the deal before and after (report totals kept elsewhere). */
  also?(current: Deal, next: Deal): Promise<Write[]>;
}

/**
 * The shape every command on one open deal shares: load it, decide, write the deal, its events,
 * its history entry and a completed next action in one transaction, conditional on the version.
 */
export function changeDeal(
  s: Pick<Services, 'activities' | 'companies' | 'contacts' | 'deals' | 'pipelines' | 'profiles' | 'store'>,
  id: string,
  input: CommandInput,
  change: DealChange,
): Promise<Deal> {
  return versionedCommand({
    ifMatch: input.ifMatch,
    entity: 'deal',
    load: () => s.deals.require(id),
    run: async (current) => {
      const { deal, events, completedActivity } = await change.decide(current);
      const uow = s.deals.update(new UnitOfWork(), current, deal).events(events);
      if (change.checkStage) s.pipelines.requireStage(uow, deal.pipelineId, deal.stageId);
      if (change.checkLinks) requireDealLinks(uow, deal, s, input.ctx.actor);
      if (change.history) s.deals.recordHistory(uow, deal, events[0]!, change.history(current, deal));
      if (completedActivity) s.activities.create(uow, completedActivity, false);
      if (change.also) uow.add(...(await change.also(current, deal)));
      await uow.commit(s.store);
      return deal;
    },
  });
}
