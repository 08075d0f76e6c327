import type { Task } from '../../../domain/delivery/project.js';
import { removeDependency as decide } from '../../../domain/delivery/task.commands.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { versionedCommand } from '../../lib/versioned-command.js';
import { applyTaskDecision } from './apply-task-decision.js';

/** Removes a dependency; the task is rescheduled without it. */
export function removeDependency(
  s: Services,
  id: string,
  predecessorId: string,
  { ctx, ifMatch }: CommandInput,
): Promise<{ task: Task; cascaded: boolean }> {
  return versionedCommand({
    ifMatch,
    entity: 'task',
    load: () => s.projects.loadForTask(id),
    target: (loaded) => loaded.task,
    run: async (loaded) => {
      const decision = decide(loaded.project, loaded.tasks, loaded.task, predecessorId, ctx);
      const cascaded = await applyTaskDecision(s, loaded, decision, ctx, id);
      return { task: decision.changed.find((t) => t.id === id)!, cascaded };
    },
  });
}
