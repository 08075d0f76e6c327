import type { Task, TaskPatch } from '../../../domain/delivery/project.js';
import { updateTask as decide } from '../../../domain/delivery/task.commands.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { versionedCommand } from '../../lib/versioned-command.js';
import { applyTaskDecision } from './apply-task-decision.js';

/** Changes a task (status, assignee, dates, duration, details); its dependents are rescheduled. */
export function updateTask(
  s: Services,
  id: string,
  patch: TaskPatch,
  { ctx, ifMatch }: CommandInput,
): Promise<{ task: Task; cascaded: boolean }> {
  return versionedCommand({
    ifMatch,
    entity: 'task',
    load: () => s.projects.loadForTask(id),
    target: (loaded) => loaded.task,
    run: async (loaded) => {
      const decision = decide(loaded.project, loaded.tasks, loaded.task, patch, ctx);
      if (decision.changed.length === 0) return { task: loaded.task, cascaded: false };
      const people = patch.assigneeId ? [s.profiles.requireKnown('assigneeId', patch.assigneeId)] : [];
      const cascaded = await applyTaskDecision(s, loaded, decision, ctx, id, people);
      return { task: decision.changed.find((t) => t.id === id)!, cascaded };
    },
  });
}
