import { createTemplate as decide } from '../../../domain/delivery/template.commands.js';
import type { NewTemplate, Template } from '../../../domain/delivery/template.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';

/** Creates a kickoff template (the domain refuses cycles and anchors to missing tasks). */
export async function createTemplate(
  s: Services,
  body: NewTemplate,
  { ctx }: CommandInput,
): Promise<Template> {
  const { template, events } = decide(body, ctx);
  await s.templates.create(new UnitOfWork(), template).events(events).commit(s.store);
  return template;
}
