import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDeal, loseDeal, moveDeal, reopenDeal } from '../../../domain/crm/deal.commands.js';
import { type Deal, NewDeal } from '../../../domain/crm/deal.js';
import type { Pipeline } from '../../../domain/crm/pipeline.js';
import { recountStagesReached } from '../../../domain/crm/stages-reached.js';
import { conversionReport } from '../../../domain/reports/reports.js';
import { add, contribution, type Totals, totalsDelta } from '../../../domain/reports/totals.js';
import { parse } from '../../../domain/shared/validation.js';
import { alice, context } from '../support.js';

// The conversion report's "reached" for any sequence of deal commands, with the totals kept the
// way the table keeps them (each command adds its delta): a deal reached a stage if it was ever
// in it or in a later stage, so no stage is reached by fewer deals than the next one, and the
// stage-to-stage conversion stays between 0 and 1, whatever stages deals skip or go back to, and
// whatever order admins put the stages in later.

const RANGE = { from: '2030-01', to: '2030-03' };
const MONTHS = ['2030-01-10T09:00:00.000Z', '2030-02-10T09:00:00.000Z', '2030-03-10T09:00:00.000Z'];

function pipelineOf(stages: number): Pipeline {
  return {
    id: 'pl_prop',
    name: 'Property',
    isDefault: false,
    stages: Array.from({ length: stages }, (_, i) => ({
      id: `st_s${i}`,
      name: `Stage ${i}`,
      probability: 10,
      rotAfterDays: null,
    })),
    createdAt: MONTHS[0]!,
    updatedAt: MONTHS[0]!,
    version: 1,
  };
}

type Op =
  | { kind: 'create'; stage: number; month: number }
  | { kind: 'move'; deal: number; stage: number }
  | { kind: 'lose'; deal: number }
  | { kind: 'reopen'; deal: number; stage: number }
  | { kind: 'reorder'; order: number[] };

const dealOps: fc.Arbitrary<Op>[] = [
  fc.record({ kind: fc.constant('create' as const), stage: fc.nat(7), month: fc.nat(2) }),
  fc.record({ kind: fc.constant('move' as const), deal: fc.nat(9), stage: fc.nat(7) }),
  fc.record({ kind: fc.constant('move' as const), deal: fc.nat(9), stage: fc.nat(7) }),
  fc.record({ kind: fc.constant('lose' as const), deal: fc.nat(9) }),
  fc.record({ kind: fc.constant('reopen' as const), deal: fc.nat(9), stage: fc.nat(7) }),
];
const reorder: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('reorder' as const),
  order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
});

/** Runs the commands as the API would, keeping the totals by deltas; refusals change nothing. */
function run(stageCount: number, ops: Op[]) {
  let pipeline = pipelineOf(stageCount);
  const deals: Deal[] = [];
  const kept: Totals = new Map();
  const keep = (before: Deal | null, after: Deal) => {
    for (const [pipelineId, buckets] of totalsDelta(before, after))
      for (const [bucket, attributes] of buckets)
        for (const [attribute, n] of attributes) add(kept, pipelineId, bucket, attribute, n);
  };
  ops.forEach((op, step) => {
    const ctx = context(
      alice,
      new Date(Date.parse('2030-04-01T00:00:00.000Z') + step * 60_000).toISOString(),
    );
    const stage = (i: number) => pipeline.stages[i % pipeline.stages.length]!.id;
    if (op.kind === 'create') {
      const input = parse(NewDeal, {
        title: `D${deals.length}`,
        value: { amount: 100, currency: 'EUR' },
        ownerId: alice.userId,
        nextAction: { summary: 'Call', dueAt: '2030-06-01T09:00:00Z' },
        stageId: stage(op.stage),
      });
      const made = createDeal(input, pipeline, context(alice, MONTHS[op.month]!)).deal;
      const deal = { ...made, id: `deal_${deals.length}` };
      deals.push(deal);
      keep(null, deal);
      return;
    }
    if (op.kind === 'reorder') {
      const weights = op.order;
      const stages = pipeline.stages
        .map((s, i) => ({ s, w: weights[i] ?? 0, i }))
        .sort((a, b) => a.w - b.w || a.i - b.i)
        .map(({ s }) => s);
      pipeline = { ...pipeline, stages, version: pipeline.version + 1 };
      return;
    }
    const i = op.deal % Math.max(deals.length, 1);
    const current = deals[i];
    if (!current) return;
    let next: Deal;
    try {
      next =
        op.kind === 'move'
          ? moveDeal(current, pipeline, stage(op.stage), ctx).deal
          : op.kind === 'lose'
            ? loseDeal(current, { reason: 'price' }, ctx).deal
            : reopenDeal(
                current,
                pipeline,
                { nextAction: { summary: 'Again', dueAt: ctx.now }, stageId: stage(op.stage) },
                ctx,
              ).deal;
    } catch {
      return; // a closed deal moved, the same stage, an open deal reopened: nothing written
    }
    deals[i] = next;
    keep(current, next);
  });
  return { pipeline, deals, kept: kept.get(pipeline.id) ?? new Map() };
}

/** The definition, from the deals' histories: in the stage or a later one of `pipeline`, ever. */
function reachedByDefinition(pipeline: Pipeline, deals: Deal[]): number[] {
  const position = new Map(pipeline.stages.map((s, i) => [s.id, i]));
  const furthest = deals.map((d) => Math.max(...d.stageHistory.map((v) => position.get(v.stageId)!)));
  return pipeline.stages.map((_, i) => furthest.filter((f) => f >= i).length);
}

function assertMonotone(report: ReturnType<typeof conversionReport>) {
  report.stages.forEach((stage, i) => {
    const next = report.stages[i + 1];
    if (next) expect(stage.reached).toBeGreaterThanOrEqual(next.reached);
    if (stage.toNextStage !== null) {
      expect(stage.toNextStage).toBeGreaterThanOrEqual(0);
      expect(stage.toNextStage).toBeLessThanOrEqual(1);
    }
    expect(stage.reached).toBeLessThanOrEqual(report.created);
  });
}

const rebuilt = (deals: Deal[], pipelineId: string) => {
  const totals: Totals = new Map();
  for (const deal of deals) contribution(deal, totals);
  return totals.get(pipelineId) ?? new Map();
};

/** The totals without what added up to zero (a stored total that went back to 0 is still there). */
const nonZero = (buckets: Map<string, Map<string, number>> | undefined) =>
  new Map(
    [...(buckets ?? [])]
      .map(([bucket, attributes]) => [bucket, new Map([...attributes].filter(([, n]) => n !== 0))] as const)
      .filter(([, attributes]) => attributes.size > 0),
  );

describe('conversion: how many deals reached each stage', () => {
  it('property: every stage is reached by at least as many deals as the next, exactly by the definition', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.array(fc.oneof(...dealOps), { maxLength: 40 }),
        (n, ops) => {
          const { pipeline, deals, kept } = run(n, ops);
          const report = conversionReport(pipeline, kept, RANGE);
          assertMonotone(report);
          expect(report.created).toBe(deals.length);
          expect(report.stages.map((s) => s.reached)).toEqual(reachedByDefinition(pipeline, deals));
          // what the commands kept is what a rebuild from the deals adds up to
          expect(nonZero(kept)).toEqual(nonZero(rebuilt(deals, pipeline.id)));
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) },
    );
  });

  it('property: after admins reorder the stages, the ratios stay within 0..1, and a recount is exact again', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.array(fc.oneof(...dealOps, reorder), { maxLength: 40 }),
        (n, ops) => {
          const { pipeline, deals, kept } = run(n, ops);
          assertMonotone(conversionReport(pipeline, kept, RANGE));
          expect(nonZero(kept)).toEqual(nonZero(rebuilt(deals, pipeline.id)));
          const recounted = deals.map((d) => ({ ...d, stagesReached: recountStagesReached(pipeline, d) }));
          const exact = conversionReport(pipeline, rebuilt(recounted, pipeline.id), RANGE);
          assertMonotone(exact);
          expect(exact.stages.map((s) => s.reached)).toEqual(reachedByDefinition(pipeline, deals));
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) },
    );
  });

  it('a deal that skips a stage reached it: Lead → Proposal is 100 % to the next stage, not 200 %', () => {
    const { pipeline, deals, kept } = run(3, [
      { kind: 'create', stage: 0, month: 0 },
      { kind: 'create', stage: 0, month: 0 },
      { kind: 'move', deal: 0, stage: 2 },
      { kind: 'move', deal: 1, stage: 1 },
      { kind: 'move', deal: 1, stage: 0 },
    ]);
    expect(deals[0]!.stagesReached).toEqual(['st_s0', 'st_s1', 'st_s2']);
    // back to Lead: what it reached stays reached
    expect(deals[1]!.stagesReached).toEqual(['st_s0', 'st_s1']);
    const report = conversionReport(pipeline, kept, RANGE);
    expect(report.stages.map((s) => [s.reached, s.toNextStage])).toEqual([
      [2, 1],
      [2, 0.5],
      [1, null],
    ]);
  });

  it('a deal stored before it remembered its stages counts the stages it was in, so its next command removes what was added', () => {
    const pipeline = pipelineOf(3);
    const made = createDeal(
      parse(NewDeal, {
        title: 'Old',
        value: { amount: 1, currency: 'EUR' },
        ownerId: alice.userId,
        nextAction: { summary: 'Call', dueAt: '2030-06-01T09:00:00Z' },
        stageId: 'st_s2',
      }),
      pipeline,
      context(alice, MONTHS[0]),
    ).deal;
    const { stagesReached: _, ...old } = made;
    const kept: Totals = new Map();
    contribution(old, kept);
    const cohort = kept.get(pipeline.id)!.get('COHORT#2030-01')!;
    expect([...cohort.keys()].filter((a) => a.startsWith('reached|'))).toEqual(['reached|st_s2']);
    const moved = moveDeal(old, pipeline, 'st_s1', context(alice, MONTHS[1])).deal;
    for (const [pipelineId, buckets] of totalsDelta(old, moved))
      for (const [bucket, attributes] of buckets)
        for (const [attribute, n] of attributes) add(kept, pipelineId, bucket, attribute, n);
    expect(nonZero(kept.get(pipeline.id))).toEqual(nonZero(rebuilt([moved], pipeline.id)));
    expect(moved.stagesReached).toEqual(['st_s2', 'st_s0', 'st_s1']);
  });
});
