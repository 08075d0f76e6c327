import { describe, expect, it } from 'vitest';
import { createDeal, loseDeal, moveDeal } from '../../../domain/crm/deal.commands.js';
import { type Deal, NewDeal } from '../../../domain/crm/deal.js';
import { defaultPipeline } from '../../../domain/crm/pipeline.js';
import { addMonths, forecastReport, monthsBetween, pipelineReport } from '../../../domain/reports/reports.js';
import { contribution, type Totals } from '../../../domain/reports/totals.js';
import { parse } from '../../../domain/shared/validation.js';
import { alice, context } from '../support.js';

// The reports as pure functions over the totals the deals add up to (what the table keeps on
// write), checked against a computation by hand.

const pipeline = defaultPipeline('2029-01-01T00:00:00.000Z');
const NOW = '2030-01-01T09:00:00.000Z';

function deal(title: string, amount: number, currency: string, extra: Record<string, unknown> = {}): Deal {
  return createDeal(
    parse(NewDeal, {
      title,
      value: { amount, currency },
      ownerId: alice.userId,
      nextAction: { summary: 'Call', dueAt: '2030-01-02T09:00:00Z' },
      ...extra,
    }),
    pipeline,
    context(alice, NOW),
  ).deal;
}

const moved = (d: Deal, stageId: string) => moveDeal(d, pipeline, stageId, context(alice, NOW)).deal;

function totalsOf(deals: Deal[]) {
  const totals: Totals = new Map();
  for (const d of deals) contribution(d, totals);
  return totals.get(pipeline.id)!;
}

describe('reports (pure)', () => {
  const deals = [
    deal('A', 1_000_00, 'EUR'),
    moved(deal('B', 2_000_00, 'EUR'), 'st_proposal'),
    moved(deal('C', 3_000_00, 'USD'), 'st_proposal'),
    moved(deal('D', 4_000_00, 'EUR', { expectedCloseDate: '2030-02-15' }), 'st_negotiation'),
    loseDeal(deal('E', 9_000_00, 'EUR'), { reason: 'price' }, context(alice, NOW)).deal,
  ];

  it('the pipeline report counts open deals and sums their value per stage and currency, weighted by the stage', () => {
    const report = pipelineReport(pipeline, totalsOf(deals), NOW);
    const stage = (id: string) => report.stages.find((s) => s.stageId === id)!;
    expect(stage('st_lead')).toMatchObject({ openDeals: 1, value: [{ currency: 'EUR', amount: 1_000_00 }] });
    expect(stage('st_lead').weightedValue).toEqual([{ currency: 'EUR', amount: 100_00 }]); // 10 %
    expect(stage('st_proposal').openDeals).toBe(2);
    expect(stage('st_proposal').value).toEqual([
      { currency: 'EUR', amount: 2_000_00 },
      { currency: 'USD', amount: 3_000_00 },
    ]);
    expect(stage('st_proposal').weightedValue).toEqual([
      { currency: 'EUR', amount: 1_000_00 },
      { currency: 'USD', amount: 1_500_00 },
    ]); // 50 %
    expect(stage('st_negotiation').weightedValue).toEqual([{ currency: 'EUR', amount: 3_000_00 }]); // 75 %
    // the lost deal is in no stage's open deals, and the total is the sum of the stages
    expect(report.total.openDeals).toBe(4);
    expect(report.total.value).toEqual([
      { currency: 'EUR', amount: 7_000_00 },
      { currency: 'USD', amount: 3_000_00 },
    ]);
  });

  it('a stage visit that ended is counted once, with the time spent in it', () => {
    const report = pipelineReport(pipeline, totalsOf(deals), NOW);
    const lead = report.stages.find((s) => s.stageId === 'st_lead')!;
    // B, C and D left the lead stage (moved the instant they were created), E was lost in it
    expect(lead.finishedVisits).toBe(4);
    expect(lead.averageDaysPerVisit).toBe(0);
  });

  it('the forecast puts a dated open deal in its month and an undated one apart', () => {
    const report = forecastReport(pipeline, totalsOf(deals), { from: '2030-01', to: '2030-03' });
    const feb = report.months.find((m) => m.month === '2030-02')!;
    expect(feb.openDeals).toBe(1);
    expect(feb.weightedValue).toEqual([{ currency: 'EUR', amount: 3_000_00 }]);
    expect(report.undated.openDeals).toBe(3);
  });

  it('months count across years and stay inside the four-digit calendar', () => {
    expect(monthsBetween('2029-11', '2030-02')).toEqual(['2029-11', '2029-12', '2030-01', '2030-02']);
    expect(addMonths('2030-01', -1)).toBe('2029-12');
    expect(addMonths('2030-12', 1)).toBe('2031-01');
  });
});
