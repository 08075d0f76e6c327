import { updateTemplate as decide } from '../../../domain/delivery/template.commands.js';
import type { Template, TemplatePatch } from '../../../domain/delivery/template.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/**
 * Changes a template: a new version (projects keep the version they were made from); a new
 * default delivery owner must be active when it commits.
 */
export async function updateTemplate(
  s: Pick<Services, 'profiles' | 'store' | 'templates'>,
  id: string,
  patch: TemplatePatch,
  { ctx, ifMatch }: CommandInput,
): Promise<Template> {
  await s.templates.ensureDefault(ctx.now);
  return versionedCommand({
    ifMatch,
    entity: 'template',
    load: () => s.templates.require(id),
    run: async (current) => {
      const { template, events } = decide(current, patch, ctx);
      const uow = s.templates.update(new UnitOfWork(), current, template).events(events);
      if (patch.defaultOwnerId)
        uow.add(...s.profiles.requireActive('defaultOwnerId', patch.defaultOwnerId, ctx.actor));
      await uow.commit(s.store);
      return template;
    },
  });
}
