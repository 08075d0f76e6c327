import { createTemplate as decide } from '../../../domain/delivery/template.commands.js';
import type { NewTemplate, Template } from '../../../domain/delivery/template.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';

/**
 * Creates a kickoff template (the domain refuses cycles and anchors to missing tasks); its
 * default delivery owner must be active when it commits.
 */
export async function createTemplate(
  s: Pick<Services, 'profiles' | 'store' | 'templates'>,
  body: NewTemplate,
  { ctx }: CommandInput,
): Promise<Template> {
  const { template, events } = decide(body, ctx);
  const uow = s.templates.create(new UnitOfWork(), template).events(events);
  if (body.defaultOwnerId)
    uow.add(...s.profiles.requireActive('defaultOwnerId', body.defaultOwnerId, ctx.actor));
  await uow.commit(s.store);
  return template;
}
