import type { Task } from '../../../domain/delivery/project.js';
import { removeDependency as decide } from '../../../domain/delivery/task.commands.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { changeTask } from './change-task.js';

/** Removes a dependency; the task is rescheduled without it. */
export function removeDependency(
  s: Pick<Services, 'news' | 'projects'>,
  id: string,
  predecessorId: string,
  input: CommandInput,
): Promise<{ task: Task; cascaded: boolean }> {
  return changeTask(s, id, input, (loaded) => ({
    decision: decide(loaded.project, loaded.tasks, loaded.task, predecessorId, input.ctx),
  }));
}
