import type { DecideApproval, Task } from '../../../domain/delivery/project.js';
import { decideApproval as decide } from '../../../domain/delivery/task.commands.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { versionedCommand } from '../../lib/versioned-command.js';
import { applyTaskDecision } from './apply-task-decision.js';

/** Decides an approval (its approver, by user or role, or an admin: the domain checks). */
export function decideApproval(
  s: Services,
  id: string,
  body: DecideApproval,
  { ctx, ifMatch }: CommandInput,
): Promise<Task> {
  return versionedCommand({
    ifMatch,
    entity: 'task',
    load: () => s.projects.loadForTask(id),
    target: (loaded) => loaded.task,
    run: async (loaded) => {
      const decision = decide(loaded.project, loaded.task, body, ctx);
      await applyTaskDecision(s, loaded, decision, ctx, id);
      return decision.changed[0]!;
    },
  });
}
