import { type DomainEvent, emit } from '../events.js';
import type { CommandContext } from '../shared/context.js';
import { ValidationFailed } from '../shared/errors.js';
import type { NewPipeline, Pipeline, PipelinePatch } from './pipeline.js';

export function createPipeline(
  input: NewPipeline,
  ctx: CommandContext,
): { pipeline: Pipeline; events: DomainEvent[] } {
  const pipeline: Pipeline = {
    id: ctx.newId('pipeline'),
    name: input.name,
    stages: input.stages.map((s) => ({ id: ctx.newId('stage'), ...s })),
    isDefault: false,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
  };
  return { pipeline, events: [emit(ctx, 'PipelineCreated', { pipeline })] };
}

/**
 * Renames, re-weights, reorders and adds stages. A stage cannot be removed: deals and their
 * stage history refer to it by id, and removing it would orphan them.
 */
export function updatePipeline(
  current: Pipeline,
  patch: PipelinePatch,
  ctx: CommandContext,
): { pipeline: Pipeline; events: DomainEvent[] } {
  let stages = current.stages;
  if (patch.stages) {
    const known = new Set(current.stages.map((s) => s.id));
    const issues = patch.stages.flatMap((s, i) =>
      s.id && !known.has(s.id)
        ? [{ path: `stages.${i}.id`, message: `is not a stage of pipeline ${current.id}` }]
        : [],
    );
    const kept = new Set(patch.stages.map((s) => s.id).filter(Boolean));
    current.stages.forEach((s) => {
      if (!kept.has(s.id)) {
        issues.push({
          path: 'stages',
          message: `stage ${s.id} (${s.name}) cannot be removed; deals refer to it`,
        });
      }
    });
    if (issues.length) throw new ValidationFailed(issues);
    stages = patch.stages.map((s) => ({
      id: s.id ?? ctx.newId('stage'),
      name: s.name,
      probability: s.probability,
      rotAfterDays: s.rotAfterDays,
    }));
  }
  const pipeline: Pipeline = {
    ...current,
    name: patch.name ?? current.name,
    stages,
    updatedAt: ctx.now,
    version: current.version + 1,
  };
  return { pipeline, events: [emit(ctx, 'PipelineUpdated', { pipeline })] };
}
