import type { Task } from '../../../domain/delivery/project.js';
import { cancelTask as decide } from '../../../domain/delivery/task.commands.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { changeTask } from './change-task.js';

/** Cancels a task with a reason; the plan is scheduled again without its time. */
export function cancelTask(
  s: Pick<Services, 'news' | 'projects'>,
  id: string,
  reason: string,
  input: CommandInput,
): Promise<{ task: Task; cascaded: boolean }> {
  return changeTask(s, id, input, (loaded) => ({
    decision: decide(loaded.project, loaded.tasks, loaded.task, reason, input.ctx),
  }));
}
