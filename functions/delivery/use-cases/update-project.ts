import { updateProject as decide } from '../../../domain/delivery/project.commands.js';
import type { Project, ProjectPatch } from '../../../domain/delivery/project.js';
import { emit } from '../../../domain/events.js';
import { deliveryNewsOf } from '../../../domain/followup/delivery-news.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/**
 * Changes status, owner, kickoff, promise, budget, rate or the kickoff checklist; a new owner
 * must be a known user; a new kickoff or promise schedules the plan again.
 */
export function updateProject(
  s: Pick<Services, 'news' | 'profiles' | 'projects' | 'store'>,
  id: string,
  patch: ProjectPatch,
  { ctx, ifMatch, preconditions = [] }: CommandInput,
): Promise<Project> {
  return versionedCommand({
    ifMatch,
    entity: 'project',
    load: () => s.projects.load(id),
    target: (loaded) => loaded.project,
    run: async (loaded) => {
      const { project, events, moves } = decide(loaded.project, loaded.tasks, patch, ctx);
      if (project === loaded.project) return project;
      // a promise back on track is news for the rep who made it
      const news = s.news.writes(deliveryNewsOf(events, project.name, ctx.actor.userId));
      if (moves) {
        // a new kickoff or promise moved the plan: written as a task change is (cascading past one transaction)
        const people = patch.ownerId ? s.profiles.requireActive('ownerId', patch.ownerId, ctx.actor) : [];
        await s.projects.apply(
          loaded,
          { ...moves, project, events },
          {
            extra: [...preconditions, ...people, ...news],
            now: ctx.now,
            cascade: () =>
              emit(ctx, 'ProjectRescheduleRequested', {
                projectId: project.id,
                cause: { kind: 'project-dates' },
              }),
          },
        );
        return project;
      }
      const uow = new UnitOfWork().events(events).add(...preconditions, ...news);
      s.projects.updateHead(uow, loaded.project, project);
      if (patch.ownerId) uow.add(...s.profiles.requireActive('ownerId', patch.ownerId, ctx.actor));
      await uow.commit(s.store);
      return project;
    },
  });
}
