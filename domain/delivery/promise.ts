import { type DomainEvent, emit } from '../events.js';
import type { CommandContext } from '../shared/context.js';
import type { Project } from './project.js';

// The promise, watched (docs/api.md, "The promise, watched"): a live project with a promised due
// date is at risk while its projected finish is after it. Every change that moves either (a
// task, a dependency, the reschedule cascade, the kickoff or the promise, a new win, a hold or a
// resume) passes through here with the project before and after it; only a transition is an
// event, so the deal's owner and the project's owner hear once, not on every change.

export type PromiseState = 'at-risk' | 'on-track' | 'unwatched';

/** A project on hold, cancelled or done, or without a promise, is not watched. */
export function promiseState(p: Pick<Project, 'status' | 'schedule'> | null): PromiseState {
  if (!p || (p.status !== 'planned' && p.status !== 'active') || !p.schedule.promisedDueDate)
    return 'unwatched';
  return p.schedule.atRisk ? 'at-risk' : 'on-track';
}

/**
 * The project after a change, with when its current risk began, and ProjectAtRisk or
 * ProjectBackOnTrack when the change crossed the line. `cause` says in words what changed.
 */
export function watchPromise(
  before: Project | null,
  after: Project,
  ctx: CommandContext,
  cause: string,
): { project: Project; events: DomainEvent[] } {
  const was = promiseState(before);
  const is = promiseState(after);
  const addressed = {
    projectId: after.id,
    dealId: after.dealId ?? null,
    dealOwnerId: after.dealOwnerId ?? null,
    projectOwnerId: after.ownerId,
  };
  if (is === 'at-risk') {
    if (was === 'at-risk' && after.atRiskSince) return { project: after, events: [] };
    return {
      project: { ...after, atRiskSince: ctx.now },
      events: [
        emit(ctx, 'ProjectAtRisk', {
          ...addressed,
          kickoffDate: after.kickoffDate,
          promisedDueDate: after.schedule.promisedDueDate!,
          projectedFinish: after.schedule.projectedFinish!,
          shortfallDays: after.schedule.shortfallDays,
          cause,
        }),
      ],
    };
  }
  const { atRiskSince: _since, ...settled } = after;
  if (was === 'at-risk' && is === 'on-track') {
    return {
      project: settled,
      events: [
        emit(ctx, 'ProjectBackOnTrack', {
          ...addressed,
          promisedDueDate: after.schedule.promisedDueDate!,
          projectedFinish: after.schedule.projectedFinish!,
          cause,
        }),
      ],
    };
  }
  return { project: after.atRiskSince ? settled : after, events: [] };
}
