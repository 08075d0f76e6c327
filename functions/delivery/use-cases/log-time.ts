import type { NewTimeEntry, TimeEntry } from '../../../domain/delivery/project.js';
import { logTime as decide } from '../../../domain/delivery/task.commands.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Logs time on a task (at most 24 hours per person per day, a condition on the day's counter). */
export function logTime(
  s: Pick<Services, 'profiles' | 'projects' | 'store'>,
  taskId: string,
  body: NewTimeEntry,
  { ctx, ifMatch }: CommandInput,
): Promise<TimeEntry> {
  // with If-Match, the time is logged on the task as the person saw it
  return versionedCommand({
    ifMatch,
    entity: 'task',
    load: () => s.projects.requireTask(taskId),
    run: async (task) => {
      const project = await s.projects.require(task.projectId);
      const { entry, project: next, events } = decide(project, task, body, ctx);
      const uow = new UnitOfWork().events(events);
      if (ifMatch !== undefined) s.projects.requireTaskVersion(uow, task);
      s.projects.updateHead(uow, project, next);
      s.projects.addTimeEntry(uow, entry);
      if (entry.userId !== ctx.actor.userId) uow.add(s.profiles.requireKnown('userId', entry.userId));
      await uow.commit(s.store);
      return entry;
    },
  });
}
