import type { DecideApproval, Task } from '../../../domain/delivery/project.js';
import { decideApproval as decide } from '../../../domain/delivery/task.commands.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { changeTask } from './change-task.js';

/** Decides an approval (its approver, by user or role, or an admin: the domain checks). */
export async function decideApproval(
  s: Pick<Services, 'news' | 'projects'>,
  id: string,
  body: DecideApproval,
  input: CommandInput,
): Promise<Task> {
  const { task } = await changeTask(s, id, input, (loaded) => ({
    decision: decide(loaded.project, loaded.tasks, loaded.task, body, input.ctx),
  }));
  return task;
}
