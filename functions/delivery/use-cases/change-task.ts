import type { Task } from '../../../domain/delivery/project.js';
import type { TaskDecision } from '../../../domain/delivery/reschedule.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import type { LoadedProject } from '../../lib/table/entities/project.js';
import type { Write } from '../../lib/table/store.js';
import { versionedCommand } from '../../lib/versioned-command.js';
import { applyTaskDecision } from './apply-task-decision.js';

type LoadedTask = LoadedProject & { task: Task };

/**
 * The shape every command on one task shares: locate it, read its whole project, decide (the
 * domain reschedules), and write the decision; `If-Match` names the task's version. `people` are
 * the users the change assigns, who must be known when it commits.
 */
export function changeTask(
  s: Pick<Services, 'news' | 'projects'>,
  id: string,
  { ctx, ifMatch }: CommandInput,
  decide: (
    loaded: LoadedTask,
  ) => Promise<{ decision: TaskDecision; people?: Write[] }> | { decision: TaskDecision; people?: Write[] },
): Promise<{ task: Task; cascaded: boolean }> {
  return versionedCommand({
    ifMatch,
    entity: 'task',
    load: () => s.projects.loadForTask(id),
    target: (loaded) => loaded.task,
    run: async (loaded) => {
      const { decision, people = [] } = await decide(loaded);
      if (decision.changed.length === 0) return { task: loaded.task, cascaded: false };
      const cascaded = await applyTaskDecision(s, loaded, decision, ctx, id, people);
      return { task: decision.changed.find((t) => t.id === id)!, cascaded };
    },
  });
}
