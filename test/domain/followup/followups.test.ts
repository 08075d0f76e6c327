import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDeal, moveDeal, snoozeDeal } from '../../../domain/crm/deal.commands.js';
import { NewDeal } from '../../../domain/crm/deal.js';
import { defaultPipeline } from '../../../domain/crm/pipeline.js';
import { planNewProject } from '../../../domain/delivery/project.commands.js';
import { defaultTemplate } from '../../../domain/delivery/template.js';
import { composeDigest, isDigestHour, localClock } from '../../../domain/followup/digest.js';
import {
  overdueNextAction,
  projectAtRisk,
  stalledDeal,
  stallsAt,
} from '../../../domain/followup/followups.js';
import type { Profile } from '../../../domain/people/profile.js';
import { ValidationFailed } from '../../../domain/shared/errors.js';
import { parse } from '../../../domain/shared/validation.js';
import { alice, context, dana } from '../support.js';

const pipeline = defaultPipeline('2029-01-01T00:00:00.000Z');
const open = (dueAt = '2030-01-02T09:00:00.000Z') =>
  createDeal(
    parse(NewDeal, {
      title: 'D',
      value: { amount: 1, currency: 'EUR' },
      ownerId: 'u-alice',
      nextAction: { summary: 'Call', dueAt },
    }),
    pipeline,
    context(alice, '2030-01-01T09:00:00.000Z'),
  ).deal;

describe('late next actions and stalls', () => {
  it('a next action is late after its due time, by the minute', () => {
    const deal = open();
    expect(overdueNextAction(deal, '2030-01-02T08:59:59.999Z')).toBeUndefined();
    expect(overdueNextAction(deal, '2030-01-02T09:00:00.000Z')).toMatchObject({ minutesLate: 0 });
    expect(overdueNextAction(deal, '2030-01-02T11:30:00.000Z')).toMatchObject({
      kind: 'overdue-next-action',
      minutesLate: 150,
    });
  });

  it('a snooze silences it until its instant; a snooze in the past is refused', () => {
    const deal = open();
    const { deal: snoozed } = snoozeDeal(
      deal,
      { until: '2030-01-05T00:00:00.000Z', reason: 'customer on holiday' },
      context(alice, '2030-01-02T10:00:00.000Z'),
    );
    expect(overdueNextAction(snoozed, '2030-01-04T00:00:00.000Z')).toBeUndefined();
    expect(overdueNextAction(snoozed, '2030-01-05T00:00:00.000Z')).toBeDefined();
    expect(() =>
      snoozeDeal(
        deal,
        { until: '2030-01-01T00:00:00.000Z', reason: 'x' },
        context(alice, '2030-01-02T10:00:00.000Z'),
      ),
    ).toThrow(ValidationFailed);
  });

  it('a deal stalls rotAfterDays after it entered its stage, and a move starts the clock again', () => {
    const deal = open();
    const lead = pipeline.stages[0]!; // 14 days
    expect(stallsAt(deal, 14)).toBe('2030-01-15T09:00:00.000Z');
    expect(stalledDeal(deal, lead, '2030-01-15T08:59:00.000Z')).toBeUndefined();
    expect(stalledDeal(deal, lead, '2030-01-20T09:00:00.000Z')).toMatchObject({
      daysInStage: 19,
      rotAfterDays: 14,
      stageName: lead.name,
    });
    const moved = moveDeal(deal, pipeline, 'st_qualified', context(alice, '2030-01-16T09:00:00.000Z')).deal;
    expect(stalledDeal(moved, pipeline.stages[1]!, '2030-01-20T09:00:00.000Z')).toBeUndefined();
    expect(
      stalledDeal(moved, { rotAfterDays: null, name: 'Qualified' }, '2031-01-01T00:00:00.000Z'),
    ).toBeUndefined();
  });
});

describe("the digest hour, in each person's own time zone", () => {
  it('reads local date and hour across daylight saving and month ends', () => {
    // Europe/Berlin switches to summer time on 2030-03-31 at 01:00 UTC
    expect(localClock('2030-03-30T06:00:00Z', 'Europe/Berlin')).toEqual({ date: '2030-03-30', hour: 7 });
    expect(localClock('2030-03-31T05:00:00Z', 'Europe/Berlin')).toEqual({ date: '2030-03-31', hour: 7 });
    expect(localClock('2030-01-31T23:30:00Z', 'Asia/Tokyo')).toEqual({ date: '2030-02-01', hour: 8 });
    expect(localClock('2030-03-01T03:00:00Z', 'America/Los_Angeles')).toEqual({
      date: '2030-02-28',
      hour: 19,
    });
  });

  it('hourly runs reach each person on every local day, whatever the zone and however the clocks change', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          'Europe/Berlin',
          'America/New_York',
          'Australia/Sydney',
          'Asia/Kolkata',
          'UTC',
          'Pacific/Auckland',
        ),
        fc.integer({ min: 0, max: 23 }),
        (timeZone, hour) => {
          const perDay = new Map<string, number>();
          // three weeks around both 2030 changes of Europe and North America
          for (const start of ['2030-03-01T00:00:00Z', '2030-10-20T00:00:00Z']) {
            for (let h = 0; h < 21 * 24; h++) {
              const instant = new Date(Date.parse(start) + h * 3_600_000).toISOString();
              if (isDigestHour({ timeZone }, instant, hour)) {
                const day = localClock(instant, timeZone).date;
                perDay.set(day, (perDay.get(day) ?? 0) + 1);
              }
            }
          }
          // every local day of the weeks is reached (the once-a-day write picks the first run)
          expect(perDay.size).toBeGreaterThanOrEqual(41);
          for (const [, n] of perDay) expect(n).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('composing a digest', () => {
  const profile = (roles: string[], id = 'u-alice'): Profile => ({
    id,
    email: `${id}@example.com`,
    timeZone: 'Europe/Berlin',
    active: true,
    roles,
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
    version: 1,
  });
  const late = overdueNextAction(open(), '2030-01-03T06:00:00.000Z')!;
  const othersLate = { ...late, dealId: 'deal_other', ownerId: 'u-bob' };

  it("lists the person's own late work and today's tasks; nothing at all means no digest", () => {
    const d = composeDigest(
      profile(['sales']),
      [late, othersLate],
      [{ taskId: 'task_1', projectId: 'prj_1', title: 'Prep', dueDate: '2030-01-03', ownerId: 'u-alice' }],
      '2030-01-03T06:00:00.000Z',
    );
    expect(d).toMatchObject({ userId: 'u-alice', localDate: '2030-01-03', team: null });
    expect(d!.overdueNextActions).toHaveLength(1);
    expect(d!.tasksDueToday).toEqual([
      { taskId: 'task_1', projectId: 'prj_1', title: 'Prep', dueDate: '2030-01-03' },
    ]);
    expect(
      composeDigest(profile(['sales'], 'u-carol'), [late, othersLate], [], '2030-01-03T06:00:00.000Z'),
    ).toBeNull();
  });

  it("gives managers the team's totals and the won deals without a project", () => {
    const missing = {
      kind: 'missing-handoff' as const,
      dealId: 'deal_w',
      dealTitle: 'Won',
      ownerId: 'u-bob',
      wonAt: '2030-01-02T00:00:00.000Z',
      dueAt: '2030-01-02T00:15:00.000Z',
      minutesLate: 10,
    };
    const d = composeDigest(
      profile(['manager'], 'u-mia'),
      [late, othersLate, missing],
      [],
      '2030-01-03T06:00:00.000Z',
    );
    expect(d!.overdueNextActions).toEqual([]);
    expect(d!.team).toMatchObject({
      overdueNextActions: 2,
      missingHandoffs: [{ dealId: 'deal_w', ownerId: 'u-bob' }],
    });
  });
});

describe('a project at risk', () => {
  // the default template from Mon 2030-01-07 hands over in February, after the promised 2030-02-01
  const atRisk = (dealOwnerId?: string) =>
    planNewProject(
      {
        projectId: 'prj_1',
        name: 'Rollout',
        kickoffDate: '2030-01-07',
        promisedDueDate: '2030-02-01',
        ownerId: 'u-dana',
        customer: {},
        dealId: 'deal_1',
        dealOwnerId,
        template: defaultTemplate('2029-12-01T00:00:00.000Z'),
        taskId: (key) => `task_${key}`,
      },
      context(dana, '2030-01-02T09:00:00.000Z'),
    ).project;
  const now = '2030-01-03T06:00:00.000Z';

  it('is one entry for the delivery owner and one for the deal owner, each naming both', () => {
    const entries = projectAtRisk(atRisk('u-alice'), now);
    const both = { projectId: 'prj_1', deliveryOwnerId: 'u-dana', dealOwnerId: 'u-alice' };
    expect(entries).toMatchObject([
      { ...both, ownerId: 'u-dana', role: 'project-owner' },
      { ...both, ownerId: 'u-alice', role: 'deal-owner' },
    ]);
    // the same person: one entry
    expect(projectAtRisk(atRisk('u-dana'), now)).toMatchObject([
      { ownerId: 'u-dana', role: 'project-owner' },
    ]);
  });

  it('reaches each digest with who is who, by name where the profile has one', () => {
    const profile = (id: string): Profile => ({
      id,
      timeZone: 'Europe/Berlin',
      active: true,
      roles: ['delivery'],
      createdAt: '2030-01-01T00:00:00.000Z',
      updatedAt: '2030-01-01T00:00:00.000Z',
      version: 1,
    });
    const entries = projectAtRisk(atRisk('u-alice'), now);
    const names: Record<string, string> = { 'u-dana': 'Dana' };
    const nameOf = (id: string) => names[id] ?? null;
    const delivery = composeDigest(profile('u-dana'), entries, [], now, nameOf)!;
    const rep = composeDigest(profile('u-alice'), entries, [], now, nameOf)!;
    const people = {
      deliveryOwner: { id: 'u-dana', name: 'Dana' },
      dealOwner: { id: 'u-alice', name: null },
    };
    expect(delivery.projectsAtRisk).toMatchObject([{ role: 'project-owner', ...people }]);
    expect(rep.projectsAtRisk).toMatchObject([{ role: 'deal-owner', ...people }]);
  });
});
