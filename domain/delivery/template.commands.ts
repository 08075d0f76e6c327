import { type DomainEvent, emit } from '../events.js';
import type { CommandContext } from '../shared/context.js';
import { applyPatch } from '../shared/patch.js';
import { assertMayChangeDelivery } from './project.js';
import { assertTemplatePlan, type NewTemplate, type Template, type TemplatePatch } from './template.js';

export function createTemplate(
  input: NewTemplate,
  ctx: CommandContext,
): { template: Template; events: DomainEvent[] } {
  assertMayChangeDelivery(ctx.actor);
  assertTemplatePlan(input);
  const template: Template = {
    id: ctx.newId('template'),
    ...input,
    isDefault: false,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
  };
  return { template, events: [emit(ctx, 'TemplateCreated', { template })] };
}

/** A change is a new version of the template; projects keep the version they were made from. */
export function updateTemplate(
  current: Template,
  patch: TemplatePatch,
  ctx: CommandContext,
): { template: Template; events: DomainEvent[] } {
  assertMayChangeDelivery(ctx.actor);
  const { next, changed } = applyPatch(current, patch);
  if (changed.length === 0) return { template: current, events: [] };
  assertTemplatePlan(next);
  const template = { ...next, updatedAt: ctx.now, version: current.version + 1 };
  return { template, events: [emit(ctx, 'TemplateUpdated', { template })] };
}
