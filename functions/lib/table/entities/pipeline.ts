import { DEFAULT_PIPELINE_ID, defaultPipeline, Pipeline } from '../../../../domain/crm/pipeline.js';
import { ValidationFailed } from '../../../../domain/shared/errors.js';
import { DefaultFirstRepository } from '../default-first.js';
import { entityOf, type Item, type Key } from '../item.js';
import { partitions } from '../partitions.js';
import { get, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';

// Pipelines and their stages; the default pipeline exists from the first request that needs one.

export const pipelineKey = (id: string): Key => ({ pk: `PIPELINE#${id}`, sk: 'PIPELINE' });

export function pipelineItem(p: Pipeline): Item {
  return {
    ...pipelineKey(p.id),
    entity: 'pipeline',
    gsi1pk: partitions.allOf('PIPELINE'),
    gsi1sk: `${p.isDefault ? '0' : '1'}#${p.createdAt}#${p.id}`,
    // Lets a deal move check "is this a stage of the pipeline" as a transaction condition.
    stageIds: p.stages.map((s) => s.id),
    ...p,
  };
}

export const pipelinePatterns = patterns({
  pipelineById: get({
    entity: 'pipeline',
    pattern: 'a pipeline',
    usedBy: '`GET /pipelines/{id}`, deal commands, reports, imports',
    functions: ['CrmApi', 'ReportsApi', 'CsvImport'],
    keyCondition: '`pk = PIPELINE#<id>, sk = PIPELINE`',
    roundTrips: '1 GetItem',
    key: pipelineKey,
  }),
  allPipelines: query({
    entity: 'pipeline',
    pattern: 'every pipeline, the default first',
    usedBy: '`GET /pipelines`, stalled deals (sweep, follow-ups, digest), `RebuildReports`',
    functions: ['CrmApi', 'OverdueSweep', 'DailyDigest', 'RebuildReports'],
    index: 'gsi1',
    keyCondition: '`gsi1pk = PIPELINE`',
    roundTrips: '1 Query',
    query: () => ({ index: 'gsi1', partition: partitions.allOf('PIPELINE') }),
  }),
  pipelineWritten: write({
    entity: 'pipeline',
    pattern: 'a pipeline: the default made once, created, changed at its version',
    usedBy: '`POST /pipelines`, `PATCH /pipelines/{id}`, the first deal command or import of an instance',
    functions: ['CrmApi', 'CsvImport'],
    keyCondition: 'Put `PIPELINE#<id>` / `PIPELINE` if absent, or at the version read',
    roundTrips: "none of its own (the command's transaction; the default: 1 conditional Put per instance)",
    actions: ['PutItem'],
  }),
  pipelineHasStage: write({
    entity: 'pipeline',
    pattern: "the stage a deal moves to is one of its pipeline's when the move commits",
    usedBy: '`POST /deals/{id}/move`',
    functions: ['CrmApi'],
    keyCondition: 'ConditionCheck `PIPELINE#<id>`: `contains(stageIds, <stage>)`',
    roundTrips: "none of its own (a condition of the move's transaction)",
    actions: ['ConditionCheckItem'],
  }),
});

export class PipelineRepository extends DefaultFirstRepository<Pipeline> {
  constructor(store: Store) {
    super(store, {
      entity: 'pipeline',
      item: pipelineItem,
      from: entityOf<Pipeline>(Pipeline),
      defaultId: DEFAULT_PIPELINE_ID,
      makeDefault: defaultPipeline,
      byId: pipelinePatterns.pipelineById,
      all: pipelinePatterns.allPipelines,
      written: pipelinePatterns.pipelineWritten,
    });
  }

  /** The new stage must be one of the pipeline's: checked by the same transaction, no extra read. */
  requireStage(uow: UnitOfWork, pipelineId: string, stageId: string): UnitOfWork {
    return uow.add({
      pattern: pipelinePatterns.pipelineHasStage,
      check: pipelineKey(pipelineId),
      condition: { expression: 'contains(stageIds, :stage)', values: { ':stage': stageId } },
      onConditionFailed: () =>
        new ValidationFailed([{ path: 'stageId', message: `is not a stage of pipeline ${pipelineId}` }]),
    });
  }
}
