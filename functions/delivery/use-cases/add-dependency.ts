import type { NewDependency, Task } from '../../../domain/delivery/project.js';
import { addDependency as decide } from '../../../domain/delivery/task.commands.js';
import { ValidationFailed } from '../../../domain/shared/errors.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { versionedCommand } from '../../lib/versioned-command.js';
import { applyTaskDecision } from './apply-task-decision.js';

/** Makes a task depend on another of its project; a predecessor elsewhere is named as such. */
export function addDependency(
  s: Services,
  id: string,
  body: NewDependency,
  { ctx, ifMatch }: CommandInput,
): Promise<{ task: Task; cascaded: boolean }> {
  return versionedCommand({
    ifMatch,
    entity: 'task',
    load: () => s.projects.loadForTask(id),
    target: (loaded) => loaded.task,
    run: async (loaded) => {
      if (!loaded.tasks.some((t) => t.id === body.predecessorId)) {
        const elsewhere = await s.projects.findTask(body.predecessorId);
        throw new ValidationFailed([
          {
            path: 'predecessorId',
            message: elsewhere
              ? `task ${body.predecessorId} belongs to project ${elsewhere.projectId}; dependencies stay within one project`
              : `task ${body.predecessorId} does not exist`,
          },
        ]);
      }
      const decision = decide(loaded.project, loaded.tasks, loaded.task, body, ctx);
      const cascaded = await applyTaskDecision(s, loaded, decision, ctx, id);
      return { task: decision.changed.find((t) => t.id === id)!, cascaded };
    },
  });
}
