import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessDays, PlanBeyondLastDate } from '../../../domain/delivery/calendar.js';
import { computeSchedule, dependencyBound, type PlanTask } from '../../../domain/delivery/schedule.js';
import { ValidationFailed } from '../../../domain/shared/errors.js';

const task = (
  id: string,
  durationDays: number,
  dependencies: PlanTask['dependencies'] = [],
  earliestStart?: number,
): PlanTask => ({
  id,
  durationDays,
  dependencies,
  ...(earliestStart === undefined ? {} : { earliestStart }),
});
const fs = (predecessorId: string, lagDays = 0) => ({ predecessorId, type: 'FS' as const, lagDays });

describe('the critical path method', () => {
  it('a textbook network: early and late dates, slack, and the critical path', () => {
    // A(3) → B(2) → D(4);  A → C(5) → D;  C → E(1)
    const s = computeSchedule([
      task('A', 3),
      task('B', 2, [fs('A')]),
      task('C', 5, [fs('A')]),
      task('D', 4, [fs('B'), fs('C')]),
      task('E', 1, [fs('C')]),
    ]);
    expect(s.finish).toBe(12);
    expect(s.timings.get('B')).toMatchObject({
      earlyStart: 3,
      earlyFinish: 5,
      lateStart: 6,
      lateFinish: 8,
      totalSlack: 3,
      critical: false,
    });
    expect(s.timings.get('E')).toMatchObject({ earlyStart: 8, lateStart: 11, totalSlack: 3 });
    expect(s.criticalPath).toEqual(['A', 'C', 'D']);
  });

  it('the four dependency types and negative lags', () => {
    const s = computeSchedule([
      task('A', 4),
      task('SS', 2, [{ predecessorId: 'A', type: 'SS', lagDays: 1 }]),
      task('FF', 3, [{ predecessorId: 'A', type: 'FF', lagDays: 2 }]),
      task('SF', 2, [{ predecessorId: 'A', type: 'SF', lagDays: 5 }]),
      task('LEAD', 2, [fs('A', -2)]),
    ]);
    expect(s.timings.get('SS')!.earlyStart).toBe(1);
    expect(s.timings.get('FF')!.earlyFinish).toBe(6);
    expect(s.timings.get('SF')!.earlyFinish).toBe(5);
    expect(s.timings.get('LEAD')!.earlyStart).toBe(2);
  });

  it('a start-no-earlier-than constraint holds a task and its dependents', () => {
    const s = computeSchedule([task('A', 2, [], 5), task('B', 1, [fs('A')])]);
    expect(s.timings.get('A')!.earlyStart).toBe(5);
    expect(s.timings.get('B')!.earlyStart).toBe(7);
    expect(s.criticalPath).toEqual(['A', 'B']);
  });

  it('refuses a cycle, naming it', () => {
    expect(() =>
      computeSchedule([
        task('A', 1, [fs('C')]),
        task('B', 1, [fs('A')]),
        task('C', 1, [fs('B')]),
        task('D', 1, [fs('C')]),
      ]),
    ).toThrow(/cycle: (A → B → C → A|B → C → A → B|C → A → B → C)/);
    try {
      computeSchedule([task('A', 1, [fs('A')])]);
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationFailed);
      expect((e as ValidationFailed).issues[0]!.message).toBe('the dependencies form a cycle: A → A');
    }
  });
});

/** Random DAGs: each task may depend on earlier ones only, with any type and lag. */
const dag = (types: ('FS' | 'SS' | 'FF' | 'SF')[], minLag: number) =>
  fc
    .array(
      fc.record({
        duration: fc.integer({ min: 0, max: 20 }),
        preds: fc.array(
          fc.record({
            back: fc.integer({ min: 1, max: 8 }),
            type: fc.constantFrom(...types),
            lag: fc.integer({ min: minLag, max: 10 }),
          }),
          { maxLength: 4 },
        ),
        constraint: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 60 },
    )
    .map((rows) =>
      rows.map((r, i) =>
        task(
          `t${i}`,
          r.duration,
          [
            ...new Map(
              r.preds
                .filter((p) => i - p.back >= 0)
                .map((p) => [
                  `t${i - p.back}`,
                  { predecessorId: `t${i - p.back}`, type: p.type, lagDays: p.lag },
                ]),
            ).values(),
          ],
          r.constraint,
        ),
      ),
    );

describe('scheduler properties over random DAGs', () => {
  it('every dependency and start constraint holds; slack is never negative; critical tasks have none', () => {
    fc.assert(
      fc.property(dag(['FS', 'SS', 'FF', 'SF'], -10), (tasks) => {
        const s = computeSchedule(tasks);
        for (const t of tasks) {
          const m = s.timings.get(t.id)!;
          expect(m.earlyStart).toBeGreaterThanOrEqual(Math.max(0, t.earliestStart ?? 0));
          expect(m.earlyFinish).toBe(m.earlyStart + t.durationDays);
          expect(m.earlyFinish).toBeLessThanOrEqual(s.finish);
          expect(m.totalSlack).toBeGreaterThanOrEqual(0);
          expect(m.critical).toBe(m.totalSlack === 0);
          for (const d of t.dependencies) {
            const p = s.timings.get(d.predecessorId)!;
            expect(m.earlyStart).toBeGreaterThanOrEqual(
              dependencyBound(d, { start: p.earlyStart, finish: p.earlyFinish }, t.durationDays),
            );
            // the late dates keep the constraints too
            expect(m.lateStart).toBeGreaterThanOrEqual(
              dependencyBound(d, { start: p.lateStart, finish: p.lateFinish }, t.durationDays),
            );
          }
        }
        for (const id of s.criticalPath) expect(s.timings.get(id)!.totalSlack).toBe(0);
      }),
    );
  });

  it("with finish-to-start links from day 0, the critical path's length (durations + lags) is the project's span", () => {
    fc.assert(
      fc.property(dag(['FS'], 0), (tasks) => {
        const plain = tasks.map((t) => ({ ...t, earliestStart: undefined }) as PlanTask);
        const s = computeSchedule(plain);
        const path = s.criticalPath;
        expect(path.length).toBeGreaterThan(0);
        let length = plain.find((t) => t.id === path[0])!.durationDays + s.timings.get(path[0]!)!.earlyStart;
        for (let i = 1; i < path.length; i++) {
          const t = plain.find((x) => x.id === path[i])!;
          length += t.dependencies.find((d) => d.predecessorId === path[i - 1])!.lagDays + t.durationDays;
        }
        expect(s.timings.get(path[0]!)!.earlyStart).toBe(0);
        // a milestone ending the path happens on its day, which the finish includes
        const last = plain.find((t) => t.id === path.at(-1))!;
        expect(length + (last.durationDays === 0 ? 1 : 0)).toBe(s.finish);
      }),
    );
  });

  it('slipping one task never moves another earlier, and moves no task that does not depend on it', () => {
    fc.assert(
      fc.property(
        dag(['FS', 'SS', 'FF', 'SF'], -5),
        fc.nat(),
        fc.integer({ min: 1, max: 15 }),
        (tasks, pick, by) => {
          const before = computeSchedule(tasks);
          const slipped = tasks[pick % tasks.length]!;
          const after = computeSchedule(
            tasks.map((t) =>
              t.id === slipped.id ? { ...t, earliestStart: before.timings.get(t.id)!.earlyStart + by } : t,
            ),
          );
          const downstream = new Set([slipped.id]);
          for (const t of tasks)
            if (t.dependencies.some((d) => downstream.has(d.predecessorId))) downstream.add(t.id);
          for (const t of tasks) {
            const b = before.timings.get(t.id)!.earlyStart;
            const a = after.timings.get(t.id)!.earlyStart;
            expect(a).toBeGreaterThanOrEqual(b);
            if (!downstream.has(t.id)) expect(a).toBe(b);
          }
        },
      ),
    );
  });
});

describe('business days', () => {
  const days = new BusinessDays('2030-02-01', { workingDays: [1, 2, 3, 4, 5], holidays: ['2030-02-05'] });

  it('index 0 is the first working day on or after the origin; weekends and holidays are skipped', () => {
    expect(days.origin).toBe('2030-02-01'); // a Friday
    expect([0, 1, 2, 3].map((i) => days.date(i))).toEqual([
      '2030-02-01',
      '2030-02-04',
      '2030-02-06',
      '2030-02-07',
    ]);
    expect(days.index('2030-02-06')).toBe(2);
    expect(days.index('2030-02-02')).toBe(1); // Saturday rolls forward to Monday
    expect(days.index('2030-02-02', 'back')).toBe(0);
    expect(days.add('2030-02-04', -1)).toBe('2030-02-01');
    expect(days.add('2030-02-01', -1)).toBe('2030-01-31');
    expect(new BusinessDays('2030-02-02').origin).toBe('2030-02-04');
  });

  it('dates run up to 9999-12-31 and no further: a plan past it is refused, naming the limit', () => {
    const last = new BusinessDays('9999-12-27'); // a Monday
    expect(last.date(4)).toBe('9999-12-31');
    expect(last.index('9999-12-31')).toBe(4);
    expect(() => last.date(5)).toThrow(PlanBeyondLastDate);
    expect(() => new BusinessDays('9999-12-27', { workingDays: [6], holidays: [] })).toThrow(
      /past 9999-12-31/,
    );
  });

  it('index and date are inverse for working days, on any calendar', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
        fc.nat(400),
        (workingDays, i) => {
          const cal = new BusinessDays('2031-03-10', { workingDays, holidays: ['2031-03-12', '2031-04-01'] });
          expect(cal.index(cal.date(i))).toBe(i);
        },
      ),
    );
  });
});

describe('milestones and every critical path (hand-computed)', () => {
  it('a milestone after the last task is the finish: the project ends on its day, with no slack', () => {
    // Build(10) → Go-live(0). Days 0..9 build; go-live on day 10.
    const s = computeSchedule([task('Build', 10), task('GoLive', 0, [fs('Build')])]);
    expect(s.timings.get('GoLive')).toMatchObject({
      earlyStart: 10,
      lateStart: 10,
      totalSlack: 0,
      critical: true,
    });
    expect(s.finish).toBe(11);
    expect(s.timings.get('Build')!.totalSlack).toBe(0);
    expect(s.criticalPaths).toEqual([['Build', 'GoLive']]);
  });

  it('a milestone on the same day a parallel task ends is critical too (slack 0, not 1)', () => {
    // T1(10) → M; T2(11) alone. T2's last day is day 10, M's day is day 10.
    const s = computeSchedule([task('T1', 10), task('M', 0, [fs('T1')]), task('T2', 11)]);
    expect(s.finish).toBe(11);
    expect(s.timings.get('M')!.totalSlack).toBe(0);
    expect(s.timings.get('T1')!.totalSlack).toBe(0);
    expect(s.criticalPaths).toEqual([['T1', 'M'], ['T2']]);
  });

  it('a milestone between tasks: slack 0 on the chain, and the slack of a branch that can wait', () => {
    // A(5) → Sign-off(0) → B(5);  A → C(2) → B
    const s = computeSchedule([
      task('A', 5),
      task('SignOff', 0, [fs('A')]),
      task('C', 2, [fs('A')]),
      task('B', 5, [fs('SignOff'), fs('C', -2)]),
    ]);
    expect(s.finish).toBe(10);
    expect(s.timings.get('SignOff')).toMatchObject({ earlyStart: 5, totalSlack: 0 });
    expect(s.timings.get('C')).toMatchObject({ earlyStart: 5, earlyFinish: 7, totalSlack: 0 });
    expect(s.criticalPaths).toEqual([
      ['A', 'SignOff', 'B'],
      ['A', 'C', 'B'],
    ]);
  });

  it('two independent chains of the same length are both reported', () => {
    const s = computeSchedule([
      task('A1', 3),
      task('A2', 4, [fs('A1')]),
      task('B1', 5),
      task('B2', 2, [fs('B1')]),
      task('X', 2),
    ]);
    expect(s.finish).toBe(7);
    // the chain whose last task starts last comes first
    expect(s.criticalPaths).toEqual([
      ['B1', 'B2'],
      ['A1', 'A2'],
    ]);
    expect(s.timings.get('X')!.totalSlack).toBe(5);
  });
});
