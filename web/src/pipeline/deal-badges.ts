import type { Schemas } from '../api/client.js';

const DAY = 86_400_000;

/** Late: the next action's due time has passed (the sweep flags the same). */
export const isOverdue = (deal: Schemas['Deal'], now: number) =>
  deal.status === 'open' && deal.nextAction !== null && Date.parse(deal.nextAction.dueAt) < now;

/** Stalled: longer in its stage than the stage's rot-after days, and not snoozed. */
export function isStalled(deal: Schemas['Deal'], stage: Schemas['Stage'] | undefined, now: number): boolean {
  if (deal.status !== 'open' || !stage?.rotAfterDays) return false;
  if (deal.snooze && Date.parse(deal.snooze.until) > now) return false;
  return now - Date.parse(deal.stageEnteredAt) > stage.rotAfterDays * DAY;
}
