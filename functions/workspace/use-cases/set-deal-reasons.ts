import {
  type DealReasons,
  type DealReasonsInput,
  setDealReasons as decide,
} from '../../../domain/crm/deal-reasons.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Replaces the won and lost reasons (admins), at the version read. */
export function setDealReasons(
  s: Pick<Services, 'dealReasons' | 'store'>,
  body: DealReasonsInput,
  { ctx, ifMatch }: CommandInput,
): Promise<DealReasons> {
  return versionedCommand({
    ifMatch,
    entity: 'deal reasons',
    id: 'deal-reasons',
    load: () => s.dealReasons.get(),
    run: async (current) => {
      const { reasons, events } = decide(current, body, ctx);
      await s.dealReasons.save(new UnitOfWork(), current, reasons).events(events).commit(s.store);
      return reasons;
    },
  });
}
