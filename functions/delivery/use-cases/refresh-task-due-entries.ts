import { taskDueEntries } from '../../../domain/followup/due-list.js';
import { NotFound } from '../../../domain/shared/errors.js';
import type { Services } from '../../lib/services.js';

/**
 * A project was stopped, resumed, finished or handed to another delivery owner: every open task's
 * entry on its person's due list is written again from the project as it is now (a task of a
 * project that is not live has none; an unassigned task's is its delivery owner's). Entries are
 * keyed by person, due time and task, so the obsolete ones are known: the live entry under the
 * current owner, or under `previousOwnerId`. Safe to repeat (a retry, a replay, events out of
 * order): it writes what the stored project says.
 */
export async function refreshTaskDueEntries(
  s: Pick<Services, 'projects'>,
  projectId: string,
  previousOwnerId?: string,
): Promise<{ tasks: number }> {
  const loaded = await s.projects.load(projectId).catch((error: unknown) => {
    if (error instanceof NotFound) return undefined;
    throw error;
  });
  if (!loaded) return { tasks: 0 };
  const { project, tasks } = loaded;
  const owners = [...new Set([project.ownerId, ...(previousOwnerId ? [previousOwnerId] : [])])];
  const changes = tasks.map((task) => ({
    before: owners.flatMap((ownerId) => taskDueEntries(task, { status: 'active', ownerId })),
    after: taskDueEntries(task, project),
  }));
  await s.projects.writeDueEntries(changes);
  return { tasks: tasks.length };
}
