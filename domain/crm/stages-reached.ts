import type { Deal } from './deal.js';
import type { Pipeline } from './pipeline.js';

// How far a deal got, for the conversion report: a deal reached a stage if it was ever in that
// stage or in a later stage of its pipeline, so a deal that skips a stage (Lead → Proposal)
// reached the one it skipped. A stage's "reached" then never falls below the next stage's.
//
// The deal remembers the stages it counts as reached (`stagesReached`), because the report
// totals are kept on write (docs/architecture.md, decision 1): each command adds what the deal
// counts after it minus what it counted before, and that difference must not depend on how an
// admin orders the stages later. "Before" is the pipeline's order when the deal got there; a
// later reorder (or a stage inserted) leaves what was counted as it was, until `RebuildReports`
// with `recount` counts every deal again under the order then (docs/data-model.md, "Report totals").

/**
 * The stages counted once a deal is in `stageId`: those counted already, and `stageId` with every
 * stage before it in the pipeline's order now, each once (a stage the pipeline lacks adds itself).
 */
export function reachStage(pipeline: Pipeline, counted: readonly string[], stageId: string): string[] {
  const index = pipeline.stages.findIndex((s) => s.id === stageId);
  const upTo = index < 0 ? [stageId] : pipeline.stages.slice(0, index + 1).map((s) => s.id);
  const have = new Set(counted);
  return [...counted, ...upTo.filter((id) => !have.has(id))];
}

/**
 * The stages a deal counts as reached. A deal stored before `stagesReached` existed counts the
 * stages it was in, as the totals were kept then, so a command on it removes what was added.
 */
export function stagesCounted(deal: Pick<Deal, 'stagesReached' | 'stageHistory'>): string[] {
  return deal.stagesReached ?? [...new Set(deal.stageHistory.map((visit) => visit.stageId))];
}

/** The stages a deal reached by its whole stage history, under the pipeline's order now. */
export function recountStagesReached(pipeline: Pipeline, deal: Pick<Deal, 'stageHistory'>): string[] {
  return deal.stageHistory.reduce<string[]>(
    (counted, visit) => reachStage(pipeline, counted, visit.stageId),
    [],
  );
}

/** Whether two lists of stages name the same stages (the order they were counted in aside). */
export function sameStages(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a || !b) return a === b;
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((id) => set.has(id));
}
