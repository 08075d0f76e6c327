import type { NewDependency, Task } from '../../../domain/delivery/project.js';
import { addDependency as decide } from '../../../domain/delivery/task.commands.js';
import { ValidationFailed } from '../../../domain/shared/errors.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { changeTask } from './change-task.js';

/** Makes a task depend on another of its project; a predecessor elsewhere is named as such. */
export function addDependency(
  s: Pick<Services, 'news' | 'projects'>,
  id: string,
  body: NewDependency,
  input: CommandInput,
): Promise<{ task: Task; cascaded: boolean }> {
  return changeTask(s, id, input, async (loaded) => {
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
    return { decision: decide(loaded.project, loaded.tasks, loaded.task, body, input.ctx) };
  });
}
