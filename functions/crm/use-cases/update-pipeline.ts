import { updatePipeline as decide } from '../../../domain/crm/pipeline.commands.js';
import type { Pipeline, PipelinePatch } from '../../../domain/crm/pipeline.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Renames, re-weights, reorders or adds stages (stages are never removed). */
export async function updatePipeline(
  s: Pick<Services, 'pipelines' | 'store'>,
  id: string,
  patch: PipelinePatch,
  { ctx, ifMatch }: CommandInput,
): Promise<Pipeline> {
  await s.pipelines.ensureDefault(ctx.now);
  return versionedCommand({
    ifMatch,
    entity: 'pipeline',
    load: () => s.pipelines.require(id),
    run: async (current) => {
      const { pipeline, events } = decide(current, patch, ctx);
      await s.pipelines.update(new UnitOfWork(), current, pipeline).events(events).commit(s.store);
      return pipeline;
    },
  });
}
