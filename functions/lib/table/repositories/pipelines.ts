import { DEFAULT_PIPELINE_ID, defaultPipeline, Pipeline } from '../../../../domain/crm/pipeline.js';
import { accessPatterns } from '../access-patterns.js';
import { keys, pipelineItem } from '../keys.js';
import { entityOf, type Store } from '../store.js';
import { DefaultFirstRepository } from './default-first.js';

/** Pipelines and their stages; the default pipeline exists from the first request that needs one. */
export class PipelineRepository extends DefaultFirstRepository<Pipeline> {
  constructor(store: Store) {
    super(store, {
      entity: 'pipeline',
      key: keys.pipeline,
      item: pipelineItem,
      from: entityOf<Pipeline>(Pipeline),
      defaultId: DEFAULT_PIPELINE_ID,
      makeDefault: defaultPipeline,
      all: accessPatterns.allPipelines.query,
    });
  }
}
