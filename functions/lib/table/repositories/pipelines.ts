import { DEFAULT_PIPELINE_ID, defaultPipeline, Pipeline } from '../../../../domain/crm/pipeline.js';
import { NotFound } from '../../../../domain/shared/errors.js';
import type { Instant } from '../../../../domain/shared/time.js';
import { keys, partitions, pipelineItem } from '../keys.js';
import { ConcurrentModification, entityOf, notExists, type Store } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { type Page, type PageRequest, pageOf } from './page.js';

const asPipeline = entityOf<Pipeline>(Pipeline);

export class PipelineRepository {
  private ensured?: Promise<void>;

  constructor(private readonly store: Store) {}

  /**
   * The default pipeline exists from the first request: written once, on condition that it is
   * not there yet, the first time a function instance needs pipelines.
   */
  ensureDefault(now: Instant): Promise<void> {
    this.ensured ??= this.store
      .transact([
        {
          put: pipelineItem(defaultPipeline(now)),
          condition: notExists,
          onConditionFailed: () => new ConcurrentModification('default pipeline'),
        },
      ])
      .catch((error: unknown) => {
        if (!(error instanceof ConcurrentModification)) {
          this.ensured = undefined;
          throw error;
        }
      });
    return this.ensured;
  }

  async get(id: string): Promise<Pipeline | undefined> {
    const item = await this.store.get(keys.pipeline(id));
    return item ? asPipeline(item) : undefined;
  }

  async require(id: string): Promise<Pipeline> {
    const pipeline = await this.get(id);
    if (!pipeline) throw new NotFound('pipeline', id);
    return pipeline;
  }

  requireDefault(): Promise<Pipeline> {
    return this.require(DEFAULT_PIPELINE_ID);
  }

  list(page: PageRequest): Promise<Page<Pipeline>> {
    return pageOf(
      this.store,
      { index: 'gsi1', partition: partitions.allOf('PIPELINE'), ...page },
      asPipeline,
    );
  }

  create(uow: UnitOfWork, pipeline: Pipeline): UnitOfWork {
    return uow.create('pipeline', pipelineItem(pipeline));
  }

  update(uow: UnitOfWork, before: Pipeline, after: Pipeline): UnitOfWork {
    return uow.update('pipeline', before, pipelineItem(after));
  }
}
