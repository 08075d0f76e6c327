import { createPipeline as decide } from '../../../domain/crm/pipeline.commands.js';
import type { NewPipeline, Pipeline } from '../../../domain/crm/pipeline.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';

/** Creates a pipeline with its ordered stages. */
export async function createPipeline(
  s: Pick<Services, 'pipelines' | 'store'>,
  body: NewPipeline,
  { ctx }: CommandInput,
): Promise<Pipeline> {
  const { pipeline, events } = decide(body, ctx);
  await s.pipelines.create(new UnitOfWork(), pipeline).events(events).commit(s.store);
  return pipeline;
}
