import type { NewTask, Task } from '../../../domain/delivery/project.js';
import { addTask as decide } from '../../../domain/delivery/task.commands.js';
import { assertOfCustomer } from '../../../domain/portal/portal-link.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import type { Write } from '../../lib/table/store.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';
import { applyTaskDecision } from './apply-task-decision.js';

/** Adds a task, milestone or approval step; `If-Match` names the project's version. */
export function addTask(
  s: Pick<Services, 'contacts' | 'news' | 'profiles' | 'projects'>,
  projectId: string,
  body: NewTask,
  { ctx, ifMatch }: CommandInput,
): Promise<{ task: Task; cascaded: boolean }> {
  return versionedCommand({
    ifMatch,
    entity: 'project',
    load: () => s.projects.load(projectId),
    target: (loaded) => loaded.project,
    run: async (loaded) => {
      const decision = decide(loaded.project, loaded.tasks, body, ctx);
      const people: Write[] = [];
      if (body.assigneeId) people.push(...s.profiles.requireActive('assigneeId', body.assigneeId, ctx.actor));
      const approver = body.approval?.approverUserId;
      // one check per person: a transaction may name an item once
      if (approver && approver !== body.assigneeId)
        people.push(...s.profiles.requireActive('approval.approverUserId', approver, ctx.actor));
      // an approval the customer decides: a contact of this project's customer, still there when it commits
      const contactId = body.approval?.approverContactId;
      if (contactId) {
        assertOfCustomer(
          loaded.project,
          await s.contacts.get(contactId),
          contactId,
          'approval.approverContactId',
        );
        people.push(
          ...s.contacts.requireExists(new UnitOfWork(), contactId, 'approval.approverContactId').writes,
        );
      }
      const task = decision.changed.find((t) => !loaded.tasks.some((x) => x.id === t.id))!;
      return { task, cascaded: await applyTaskDecision(s, loaded, decision, ctx, task.id, people) };
    },
  });
}
