import type { TaskComment } from '../../../domain/delivery/project.js';
import { commentOnTask as decide } from '../../../domain/delivery/task.commands.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Comments on a task; with `If-Match`, on the task as the commenter saw it. */
export function commentOnTask(
  s: Pick<Services, 'projects' | 'store'>,
  taskId: string,
  body: string,
  { ctx, ifMatch }: CommandInput,
): Promise<TaskComment> {
  return versionedCommand({
    ifMatch,
    entity: 'task',
    load: () => s.projects.requireTask(taskId),
    run: async (task) => {
      const { comment, events } = decide(task, body, ctx);
      const uow = new UnitOfWork().events(events);
      if (ifMatch !== undefined) s.projects.requireTaskVersion(uow, task);
      s.projects.addComment(uow, task.projectId, comment);
      await uow.commit(s.store);
      return comment;
    },
  });
}
