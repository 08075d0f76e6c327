import { idSchema } from '../shared/ids.js';
import { text } from '../shared/text.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';

export const PipelineId = idSchema('pipeline');
export const StageId = idSchema('stage');

export const Stage = z
  .object(() => ({
    id: StageId,
    name: z.string(),
    /** Chance, in percent, that a deal in this stage is won: weights the forecast. */
    probability: z.int(),
    /** A deal that stays longer than this in the stage is stalled; null: never. */
    rotAfterDays: z.int().nullable(),
  }))
  .register(z.globalRegistry, { id: 'Stage' });
export type Stage = z.infer<typeof Stage>;

const StageInput = z.strictObject(() => ({
  name: text(80),
  probability: z.int().min(0).max(100),
  rotAfterDays: z.int().min(1).max(365).nullable().default(null),
}));

const uniqueNames = (stages: { name: string }[]) =>
  new Set(stages.map((s) => s.name.toLowerCase())).size === stages.length;

export const NewPipeline = z
  .strictObject(() => ({
    name: text(120),
    stages: z
      .array(StageInput)
      .min(1)
      .max(30)
      .refine(uniqueNames, { error: 'stage names must be unique within a pipeline' }),
  }))
  .register(z.globalRegistry, { id: 'NewPipeline' });
export type NewPipeline = z.infer<typeof NewPipeline>;

export const PipelinePatch = z
  .strictObject(() => ({
    name: text(120).optional(),
    /** The full, ordered list of stages. Existing stages keep their id; new ones have none. */
    stages: z
      .array(z.extend(StageInput, () => ({ id: StageId.optional() })))
      .min(1)
      .max(30)
      .refine(uniqueNames, { error: 'stage names must be unique within a pipeline' })
      .optional(),
  }))
  .refine((p) => Object.keys(p).length > 0, { error: 'name at least one field to change' });
export type PipelinePatch = z.infer<typeof PipelinePatch>;

export const Pipeline = z
  .object(() => ({
    id: PipelineId,
    name: z.string(),
    stages: z.array(Stage),
    isDefault: z.boolean(),
    createdAt: Instant,
    updatedAt: Instant,
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'Pipeline' });
export type Pipeline = z.infer<typeof Pipeline>;

export const DEFAULT_PIPELINE_ID = 'pl_default';

/** The pipeline every deployment starts with; it can be edited like any other. */
export function defaultPipeline(now: Instant): Pipeline {
  return {
    id: DEFAULT_PIPELINE_ID,
    name: 'Sales',
    isDefault: true,
    stages: [
      { id: 'st_lead', name: 'Lead', probability: 10, rotAfterDays: 14 },
      { id: 'st_qualified', name: 'Qualified', probability: 25, rotAfterDays: 14 },
      { id: 'st_proposal', name: 'Proposal', probability: 50, rotAfterDays: 21 },
      { id: 'st_negotiation', name: 'Negotiation', probability: 75, rotAfterDays: 14 },
    ],
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

export function stageOf(pipeline: Pipeline, stageId: string): Stage | undefined {
  return pipeline.stages.find((s) => s.id === stageId);
}
