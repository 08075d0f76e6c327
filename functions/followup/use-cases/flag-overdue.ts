import type { DomainEvent } from '../../../domain/events.js';
import { emit } from '../../../domain/events.js';
import { type CommandContext, system } from '../../../domain/shared/context.js';
import { newEventId, newId } from '../../../domain/shared/ids.js';
import { type Flaggable, type FollowUpReader, flagOnce } from '../../lib/table/entities/follow-ups.js';
import type { Store } from '../../lib/table/store.js';

// The overdue sweep: as of the schedule's instant, every late next action, task and stalled
// deal is flagged once. The flag is a conditional write keyed by what is late and since when
// (the due time, the stage entry), so a re-run, an overlap or a replay flags nothing twice,
// and a rescheduled next action (a new due time) is flagged again when it is late again.

const PARALLEL = 16;

export interface SweepReport {
  read: number;
  late: number;
  flagged: { nextActions: number; tasks: number; stalls: number };
}

function eventFor(f: Flaggable, ctx: CommandContext): DomainEvent | undefined {
  switch (f.kind) {
    case 'overdue-next-action':
      return emit(ctx, 'NextActionOverdue', {
        dealId: f.dealId,
        dealTitle: f.dealTitle,
        ownerId: f.ownerId,
        nextAction: { summary: f.summary, dueAt: f.dueAt },
        minutesLate: f.minutesLate,
      });
    case 'overdue-activity':
      return emit(ctx, 'ActivityOverdue', {
        activityId: f.activityId,
        subject: f.subject,
        assigneeId: f.ownerId,
        ...(f.dealId ? { dealId: f.dealId } : {}),
        ...(f.contactId ? { contactId: f.contactId } : {}),
        dueAt: f.dueAt,
        minutesLate: f.minutesLate,
      });
    case 'overdue-task':
      return emit(ctx, 'TaskOverdue', {
        taskId: f.taskId,
        projectId: f.projectId,
        title: f.title,
        assigneeId: f.assigneeId,
        ...(f.assigneeId ? {} : { projectOwnerId: f.ownerId }),
        dueDate: f.dueDate,
        minutesLate: f.minutesLate,
      });
    case 'stalled-deal':
      return emit(ctx, 'DealStalled', {
        dealId: f.dealId,
        dealTitle: f.dealTitle,
        ownerId: f.ownerId,
        pipelineId: f.pipelineId,
        stageId: f.stageId,
        enteredAt: f.enteredAt,
        rotAfterDays: f.rotAfterDays,
        daysInStage: f.daysInStage,
      });
    default:
      return undefined;
  }
}

async function inParallel<T>(items: T[], limit: number, run: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

export async function sweepOverdue(
  store: Store,
  reader: FollowUpReader,
  scheduledTime: string,
): Promise<SweepReport> {
  const now = new Date(scheduledTime).toISOString();
  const ctx: CommandContext = {
    now,
    actor: system('overdue-sweep'),
    correlationId: `sweep:${now}`,
    newId,
    newEventId,
  };
  const [overdue, stalled] = await Promise.all([reader.overdue(now), reader.stalled(now)]);
  const late = [...overdue.items, ...stalled.items].filter(
    (f): f is Flaggable => f.kind !== 'needs-reassignment',
  );
  const flagged = { nextActions: 0, tasks: 0, stalls: 0 };
  await inParallel(late, PARALLEL, async (f) => {
    const event = eventFor(f, ctx);
    if (!event || !(await flagOnce(store, f, event, now))) return;
    if (f.kind === 'overdue-next-action') flagged.nextActions++;
    else if (f.kind === 'overdue-task' || f.kind === 'overdue-activity') flagged.tasks++;
    else flagged.stalls++;
  });
  return { read: overdue.read + stalled.read, late: late.length, flagged };
}
