import { reschedule } from '../../../domain/delivery/plan.js';
import { watchPromise } from '../../../domain/delivery/promise.js';
import { describeCause } from '../../../domain/delivery/reschedule.js';
import { type DomainEvent, type EventData, emit } from '../../../domain/events.js';
import type { CommandContext } from '../../../domain/shared/context.js';
import type { ProjectRepository } from '../../lib/table/entities/project.js';
import { retryOnConflict } from '../../lib/versioned-command.js';

/**
 * Finishes a reschedule that did not fit one transaction: schedules the project again from
 * what is stored and writes every task whose dates are still not the schedule's, with its
 * TaskRescheduled. Repeating it is harmless: a task already moved is not moved again.
 */
export async function finishReschedule(
  projects: ProjectRepository,
  request: EventData<'ProjectRescheduleRequested'>,
  ctx: CommandContext,
): Promise<number> {
  return retryOnConflict(undefined, async () => {
    const loaded = await projects.load(request.projectId);
    const { frame } = {
      frame: {
        kickoffDate: loaded.project.kickoffDate,
        promisedDueDate: loaded.project.promisedDueDate,
        calendar: loaded.project.calendar,
      },
    };
    const planned = reschedule(frame, loaded.tasks);
    const events = new Map<string, DomainEvent>();
    const moved = planned.moved.map(({ task, before }) => {
      events.set(
        task.id,
        emit(ctx, 'TaskRescheduled', {
          taskId: task.id,
          projectId: loaded.project.id,
          from: before,
          to: { startDate: task.startDate, dueDate: task.dueDate },
          cause: request.cause,
        }),
      );
      return { ...task, updatedAt: ctx.now, version: task.version + 1 };
    });
    const summaryChanged = JSON.stringify(planned.summary) !== JSON.stringify(loaded.project.schedule);
    // the moves this function writes can carry the finish past the promise (or back): watched here too
    const watched = watchPromise(
      loaded.project,
      { ...loaded.project, schedule: planned.summary },
      ctx,
      describeCause(request.cause),
    );
    const project =
      summaryChanged || watched.events.length
        ? { ...watched.project, updatedAt: ctx.now, version: loaded.project.version + 1 }
        : undefined;
    if (moved.length || project) await projects.writeMoves(loaded, moved, events, project, watched.events);
    return moved.length;
  });
}
