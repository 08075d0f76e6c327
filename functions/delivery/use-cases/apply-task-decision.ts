import type { TaskDecision } from '../../../domain/delivery/reschedule.js';
import { emit } from '../../../domain/events.js';
import { deliveryNewsOf } from '../../../domain/followup/delivery-news.js';
import type { CommandContext } from '../../../domain/shared/context.js';
import type { Services } from '../../lib/services.js';
import type { LoadedProject } from '../../lib/table/entities/project.js';
import type { Write } from '../../lib/table/store.js';

/**
 * Writes a task command's decision with the checks it needs (the people it assigns must be
 * known users). A reschedule too large for one transaction continues in the cascade function:
 * answers whether it did.
 */
export async function applyTaskDecision(
  s: Pick<Services, 'projects' | 'news'>,
  loaded: LoadedProject,
  decision: TaskDecision,
  ctx: CommandContext,
  taskId: string,
  people: Write[] = [],
): Promise<boolean> {
  // a milestone reached is news for the rep who sold the project, in the same transaction
  const news = s.news.writes(deliveryNewsOf(decision.events, loaded.project.name, ctx.actor.userId));
  const { cascaded } = await s.projects.apply(loaded, decision, {
    extra: [...people, ...news],
    now: ctx.now,
    cascade: () =>
      emit(ctx, 'ProjectRescheduleRequested', {
        projectId: loaded.project.id,
        cause: decision.events.find((e) => e.detailType === 'TaskRescheduled')?.detail.data.cause ?? {
          kind: 'task-changed',
          taskId,
        },
      }),
  });
  return cascaded;
}
