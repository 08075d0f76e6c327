import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STANDARD_CALENDAR } from '../../../domain/delivery/calendar.js';
import { reschedule } from '../../../domain/delivery/plan.js';
import type { Task } from '../../../domain/delivery/project.js';
import { ValidationFailed } from '../../../domain/shared/errors.js';
import { planTask } from '../support.js';

// Subtasks, hand-computed on a Mon-Fri calendar from Mon 2030-03-04: a parent is a summary that
// spans its subtasks; its start constraint and dependencies hold for every subtask under it, and
// a task depending on it waits for all of them.

const task = planTask;
const fs = (predecessorId: string) => ({ predecessorId, type: 'FS' as const, lagDays: 0 });
const frame = { kickoffDate: '2030-03-04', calendar: STANDARD_CALENDAR };
const dates = (tasks: Task[]) => Object.fromEntries(tasks.map((t) => [t.id, `${t.startDate}..${t.dueDate}`]));

describe('subtasks', () => {
  it('a parent spans its subtasks, which start no earlier than it may', () => {
    // QA may start Mon 03-11; its own 9 days do not count: plan (2) then run (3)
    const { tasks, summary } = reschedule(frame, [
      task('qa', 9, { earliestStart: '2030-03-11' }),
      task('plan', 2, { parentId: 'qa' }),
      task('run', 3, { parentId: 'qa', dependencies: [fs('plan')] }),
    ]);
    expect(dates(tasks)).toEqual({
      qa: '2030-03-11..2030-03-15',
      plan: '2030-03-11..2030-03-12',
      run: '2030-03-13..2030-03-15',
    });
    expect(summary.projectedFinish).toBe('2030-03-15');
  });

  it("a dependency on a parent waits for all its subtasks; the parent's own dependencies hold for each", () => {
    const { tasks } = reschedule(frame, [
      task('design', 3),
      task('build', 1, { dependencies: [fs('design')] }),
      task('api', 4, { parentId: 'build' }),
      task('ui', 2, { parentId: 'build' }),
      task('release', 0, { dependencies: [fs('build')] }),
    ]);
    // design 03-04..06; api 03-07..12 and ui 03-07..08 (both after design); release after api: Wed 03-13
    expect(dates(tasks)).toMatchObject({
      build: '2030-03-07..2030-03-12',
      api: '2030-03-07..2030-03-12',
      ui: '2030-03-07..2030-03-08',
      release: '2030-03-13..2030-03-13',
    });
  });

  it('a subtask depending on its own parent is a cycle, refused', () => {
    expect(() =>
      reschedule(frame, [task('p', 1), task('c', 1, { parentId: 'p', dependencies: [fs('p')] })]),
    ).toThrow(ValidationFailed);
  });

  it('property: over random plans with subtasks, every parent spans its subtasks and every link holds', () => {
    const plans = fc
      .array(
        fc.record({
          duration: fc.integer({ min: 0, max: 6 }),
          parentBack: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
          predsBack: fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { maxLength: 3 }),
        }),
        { minLength: 1, maxLength: 25 },
      )
      .map((rows) =>
        rows.map((r, i) =>
          task(`t${i}`, r.duration, {
            ...(r.parentBack !== undefined && i - r.parentBack >= 0
              ? { parentId: `t${i - r.parentBack}` }
              : {}),
            dependencies: r.predsBack.filter((b) => i - b >= 0).map((b) => fs(`t${i - b}`)),
          }),
        ),
      );
    fc.assert(
      fc.property(plans, (plan) => {
        let out: ReturnType<typeof reschedule>;
        try {
          out = reschedule(frame, plan);
        } catch (error) {
          // only a link from a subtask to one of its own ancestors (or through one) closes a cycle
          expect(error).toBeInstanceOf(ValidationFailed);
          return;
        }
        const byId = new Map(out.tasks.map((t) => [t.id, t]));
        const kids = (id: string) => out.tasks.filter((t) => t.parentId === id);
        const leaves = (id: string): string[] =>
          kids(id).length ? kids(id).flatMap((k) => leaves(k.id)) : [id];
        for (const t of out.tasks) {
          const under = leaves(t.id).map((l) => byId.get(l)!);
          if (kids(t.id).length) {
            expect(t.startDate).toBe(under.map((u) => u.startDate).sort()[0]);
            expect(t.dueDate).toBe(
              under
                .map((u) => u.dueDate)
                .sort()
                .at(-1),
            );
          }
          // a finish-to-start link holds for every subtask under both ends
          for (const d of t.dependencies) {
            for (const pred of leaves(d.predecessorId).map((l) => byId.get(l)!)) {
              for (const succ of under) {
                const predEnds = pred.durationDays === 0 ? pred.startDate : pred.dueDate;
                if (pred.durationDays === 0) expect(succ.startDate >= predEnds).toBe(true);
                else expect(succ.startDate > predEnds).toBe(true);
              }
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
