import { emit } from '../../../domain/events.js';
import { type CommandContext, system } from '../../../domain/shared/context.js';
import { newEventId, newId } from '../../../domain/shared/ids.js';
import type { Services } from '../../lib/services.js';

// The sales-to-delivery gap, watched: won deals still without a project after the grace period
// are read from the due index's pending-handoff partition (a Query of what waits, not of every
// deal) and each is reported once per win with HandoffMissing. What is still open is returned
// for the alarm's metric.

export interface GapReport {
  waiting: number;
  reported: number;
}

export async function watchHandoffGap(
  s: Pick<Services, 'deals'>,
  scheduledTime: string,
  graceMinutes: number,
): Promise<GapReport> {
  const now = new Date(scheduledTime).toISOString();
  const cutoff = new Date(Date.parse(now) - graceMinutes * 60_000).toISOString();
  const waiting = await s.deals.waitingForProject(cutoff);
  let reported = 0;
  for (const deal of waiting) {
    const ctx: CommandContext = {
      now,
      actor: system('handoff-gap-monitor'),
      correlationId: `gap:${deal.id}:${deal.wins}`,
      newId,
      newEventId,
    };
    const event = emit(ctx, 'HandoffMissing', {
      dealId: deal.id,
      dealTitle: deal.title,
      ownerId: deal.ownerId,
      win: deal.wins,
      wonAt: deal.closedAt!,
      minutesWaiting: Math.floor((Date.parse(now) - Date.parse(deal.closedAt!)) / 60_000),
    });
    if (await s.deals.reportMissingHandoff(deal, event, now)) reported++;
  }
  return { waiting: waiting.length, reported };
}
