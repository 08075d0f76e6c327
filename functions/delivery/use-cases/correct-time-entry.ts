import type { TimeEntry, TimeEntryPatch } from '../../../domain/delivery/project.js';
import {
  correctTimeEntry as decide,
  deleteTimeEntry as decideDelete,
} from '../../../domain/delivery/time-entry.commands.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** The entry, located by its id, and its project's head (whose totals it changes). */
async function entryWithProject(s: Pick<Services, 'projects'>, id: string) {
  const entry = await s.projects.findTimeEntry(id);
  return { entry, project: await s.projects.require(entry.projectId) };
}

/** Corrects logged time: the entry, both days' counters and the project's totals in one write. */
export function correctTimeEntry(
  s: Pick<Services, 'projects' | 'store'>,
  id: string,
  patch: TimeEntryPatch,
  { ctx, ifMatch }: CommandInput,
): Promise<TimeEntry> {
  return versionedCommand({
    ifMatch,
    entity: 'time entry',
    load: () => entryWithProject(s, id),
    target: (loaded) => loaded.entry,
    run: async ({ entry, project }) => {
      const decision = decide(project, entry, patch, ctx);
      if (!decision) return entry;
      const uow = new UnitOfWork().events(decision.events);
      s.projects.updateHead(uow, project, decision.project);
      s.projects.changeTimeEntry(uow, entry, decision.entry);
      await uow.commit(s.store);
      return decision.entry;
    },
  });
}

/** Deletes logged time: the entry, the day's counter and the project's totals in one write. */
export function deleteTimeEntry(
  s: Pick<Services, 'projects' | 'store'>,
  id: string,
  { ctx, ifMatch }: CommandInput,
): Promise<void> {
  return versionedCommand({
    ifMatch,
    entity: 'time entry',
    load: () => entryWithProject(s, id),
    target: (loaded) => loaded.entry,
    run: async ({ entry, project }) => {
      const decision = decideDelete(project, entry, ctx);
      const uow = new UnitOfWork().events(decision.events);
      s.projects.updateHead(uow, project, decision.project);
      s.projects.removeTimeEntry(uow, entry);
      await uow.commit(s.store);
    },
  });
}
