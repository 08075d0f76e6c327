import type { Task, TaskPatch } from '../../../domain/delivery/project.js';
import { updateTask as decide } from '../../../domain/delivery/task.commands.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { changeTask } from './change-task.js';

/** Changes a task (status, assignee, dates, duration, details); its dependents are rescheduled. */
export function updateTask(
  s: Pick<Services, 'news' | 'profiles' | 'projects'>,
  id: string,
  patch: TaskPatch,
  input: CommandInput,
): Promise<{ task: Task; cascaded: boolean }> {
  return changeTask(s, id, input, (loaded) => ({
    decision: decide(loaded.project, loaded.tasks, loaded.task, patch, input.ctx),
    people: patch.assigneeId ? s.profiles.requireActive('assigneeId', patch.assigneeId, input.ctx.actor) : [],
  }));
}
