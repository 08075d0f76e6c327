import type { EventBridgeEvent } from 'aws-lambda';
import { workingCalendarOf } from '../../../domain/delivery/calendar.js';
import type { Template } from '../../../domain/delivery/template.js';
import { emit } from '../../../domain/events.js';
import type { Standing } from '../../../domain/handoff/delivery-owner.js';
import { projectFromWin, rewin, type Sold, type Win } from '../../../domain/handoff/project-from-win.js';
import { planTaskId, projectIdForDeal } from '../../../domain/shared/ids.js';
import { contextFor, readEvent } from '../../lib/bus/incoming-event.js';
import type { Services } from '../../lib/services.js';
import { retryOnConflict } from '../../lib/versioned-command.js';

// The handoff (docs/architecture.md, decision 3): DealClosedWon → the delivery project, exactly once.
// The project's id is derived from the deal, its creation is keyed by it, and its first write
// is conditional, so a duplicate, concurrent, retried or replayed event finds the work done.
// The event is trusted for nothing but the deal it names: the deal is read, and only a deal
// that really is won, at that win, is handed off.

export type HandoffOutcome = 'created' | 'exists' | 'updated' | 'ignored';

export async function handOff(
  s: Pick<Services, 'calendar' | 'deals' | 'lineItems' | 'profiles' | 'projects' | 'templates'>,
  event: EventBridgeEvent<string, unknown>,
  log: (message: string, details: Record<string, unknown>) => void,
): Promise<HandoffOutcome> {
  const detail = readEvent('DealClosedWon', event);
  const ctx = contextFor(detail, new Date(event.time).toISOString(), 'handoff');
  const claimed = detail.data;

  // Decided again on a fresh read when the deal changed meanwhile (the link is written at the
  // version read).
  return retryOnConflict(undefined, async () => {
    const deal = await s.deals.get(claimed.deal.id);
    if (deal?.status !== 'won' || deal.wins !== claimed.win || !deal.handoff) {
      log('DealClosedWon ignored: the deal is not won at this win (stale or forged event)', {
        dealId: claimed.deal.id,
        eventWin: claimed.win,
        dealStatus: deal?.status ?? 'missing',
        dealWins: deal?.wins ?? null,
      });
      return 'ignored';
    }
    // What the table says, not what the event says.
    const win: Win = {
      ...claimed,
      deal,
      handoff: deal.handoff,
      templateId: deal.templateId ?? null,
      win: deal.wins,
    };
    const projectId = projectIdForDeal(deal.id);
    // what it sold (its lines cannot change while it is won): the project's budget lines
    const [existing, sheet] = await Promise.all([s.projects.get(projectId), s.lineItems.of(deal.id)]);
    const accepted = sheet.acceptedQuote;
    const sold: Sold | undefined = sheet.lineItems.length
      ? {
          ...(accepted
            ? {
                quote: { id: accepted.quoteId, number: accepted.number, quoteVersion: accepted.quoteVersion },
              }
            : {}),
          lines: sheet.lineItems,
        }
      : undefined;
    if (existing) {
      const loaded = await s.projects.load(projectId);
      const standing = await standingOf(s, [deal.handoff.deliveryOwnerId]);
      const update = rewin(loaded.project, loaded.tasks, win, ctx, standing, sold);
      if (!update) return 'exists';
      await s.projects.apply(loaded, update, {
        extra: s.deals.linkProject(deal, projectId),
        now: ctx.now,
        cascade: () =>
          emit(ctx, 'ProjectRescheduleRequested', { projectId, cause: { kind: 'deal-won-again' } }),
      });
      return 'updated';
    }
    await s.templates.ensureDefault(ctx.now);
    const chosen = deal.templateId ? await s.templates.get(deal.templateId) : undefined;
    const template: { template: Template; missing?: string } = chosen
      ? { template: chosen }
      : {
          template: await s.templates.requireDefault(),
          ...(deal.templateId ? { missing: deal.templateId } : {}),
        };
    const [calendar, standing] = await Promise.all([
      s.calendar.get(),
      standingOf(s, [deal.handoff.deliveryOwnerId, template.template.defaultOwnerId]),
    ]);
    const { project, tasks, events } = projectFromWin(
      win,
      template,
      { taskId: planTaskId, standing, companyCalendar: workingCalendarOf(calendar), sold },
      ctx,
    );
    const outcome = await s.projects.create(
      project,
      tasks,
      events,
      `deal:${deal.id}`,
      s.deals.linkProject(deal, projectId),
    );
    return outcome === 'created' ? 'created' : 'exists';
  });
}

/**
 * Whether each person named as delivery owner may own the project now: their profiles, read
 * (one GetItem each, at most two). A read, not a condition: someone deactivated since the win is
 * passed over (noted), never a reason for the handoff to fail.
 */
async function standingOf(
  s: Pick<Services, 'profiles'>,
  named: (string | undefined)[],
): Promise<(userId: string) => Standing> {
  const ids = [...new Set(named.filter((id): id is string => id !== undefined))];
  const profiles = await Promise.all(ids.map((id) => s.profiles.get(id)));
  const found = new Map(ids.map((id, i) => [id, profiles[i]]));
  return (userId) => {
    const p = found.get(userId);
    if (!p) return 'unknown';
    return p.active === false ? 'deactivated' : 'active';
  };
}
