import { type DomainEvent, emit } from '../events.js';
import { type CommandContext, hasRole } from '../shared/context.js';
import { Forbidden, ValidationFailed } from '../shared/errors.js';
import { applyPatch } from '../shared/patch.js';
import { burnLine } from './budget-lines.commands.js';
import { budgetExceeded } from './project.commands.js';
import type { Project, TimeEntry, TimeEntryPatch } from './project.js';

// Correcting and deleting logged time: a 20-hour typo must not stay in billable hours and burn.
// The entry's author or a manager (or admin) changes it; the project's totals move by the
// difference in the same write, and the 24-hour day limit holds for the corrected day (the
// storage checks it on the day's counter).

function assertMayCorrect(entry: TimeEntry, ctx: CommandContext): void {
  if (entry.userId === ctx.actor.userId || hasRole(ctx.actor, 'admin', 'manager')) return;
  throw new Forbidden(
    `time entry ${entry.id} is ${entry.userId}'s: only they, managers and admins correct it`,
  );
}

/** The project's totals, and the entry's budget line, moved by a correction's difference. */
function withTotals(
  project: Project,
  minutes: number,
  billable: number,
  ctx: CommandContext,
  lineId?: string,
): { project: Project; events: DomainEvent[] } {
  const burned = burnLine(project.id, project.budgetLines ?? [], lineId, minutes, ctx);
  const next: Project = {
    ...project,
    ...(project.budgetLines ? { budgetLines: burned.lines } : {}),
    totals: {
      ...project.totals,
      actualMinutes: project.totals.actualMinutes + minutes,
      billableMinutes: project.totals.billableMinutes + billable,
    },
    updatedAt: ctx.now,
    version: project.version + 1,
  };
  return { project: next, events: burned.events };
}

const billableOf = (e: Pick<TimeEntry, 'billable' | 'minutes'>) => (e.billable ? e.minutes : 0);

export function correctTimeEntry(
  project: Project,
  entry: TimeEntry,
  patch: TimeEntryPatch,
  ctx: CommandContext,
): { entry: TimeEntry; project: Project; events: DomainEvent[] } | null {
  assertMayCorrect(entry, ctx);
  const { next, changed } = applyPatch(entry, patch);
  if (changed.length === 0) return null;
  if (next.date > ctx.now.slice(0, 10)) {
    throw new ValidationFailed([
      { path: 'date', message: 'time is logged for today or a past day, not the future' },
    ]);
  }
  const corrected: TimeEntry = {
    ...next,
    correctedBy: ctx.actor.userId,
    updatedAt: ctx.now,
    version: entry.version + 1,
  };
  const moved = withTotals(
    project,
    corrected.minutes - entry.minutes,
    billableOf(corrected) - billableOf(entry),
    ctx,
    entry.budgetLineId,
  );
  let after = moved.project;
  const events: DomainEvent[] = [
    emit(ctx, 'TimeEntryCorrected', {
      before: entry,
      entry: corrected,
      changed,
      totals: { actualMinutes: after.totals.actualMinutes, billableMinutes: after.totals.billableMinutes },
    }),
    ...moved.events,
  ];
  const exceeded = budgetExceeded(project, after, ctx);
  if (exceeded) {
    after = { ...after, budgetExceededAt: ctx.now };
    events.push(exceeded);
  }
  return { entry: corrected, project: after, events };
}

export function deleteTimeEntry(
  project: Project,
  entry: TimeEntry,
  ctx: CommandContext,
): { project: Project; events: DomainEvent[] } {
  assertMayCorrect(entry, ctx);
  const after = withTotals(project, -entry.minutes, -billableOf(entry), ctx, entry.budgetLineId).project;
  return {
    project: after,
    events: [
      emit(ctx, 'TimeEntryDeleted', {
        entry,
        deletedBy: ctx.actor.userId,
        totals: { actualMinutes: after.totals.actualMinutes, billableMinutes: after.totals.billableMinutes },
      }),
    ],
  };
}
