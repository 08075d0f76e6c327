import { describe, expect, it } from 'vitest';
import { progressOf } from '../../../domain/delivery/progress.js';
import type { Task } from '../../../domain/delivery/project.js';
import { planTask } from '../support.js';

// Progress rolled up by hand-computed plans: a parent from its children weighted by working
// days, the project from its leaves, cancelled tasks counting for nothing.

const task = (id: string, durationDays: number, extra: Partial<Task> = {}): Task =>
  planTask(`task_${id}`, durationDays, { title: id, ...extra });

describe('progress', () => {
  it('a parent rolls up its children by working days and spans their dates; the project counts leaves', () => {
    const { tasks, percentComplete } = progressOf([
      task('build', 10, { percentComplete: 40 }),
      // QA (parent) with two children: 2 days done, 6 days at 50% → (2×100 + 6×50) / 8 = 62.5
      task('qa', 1),
      task('qa-plan', 2, {
        parentId: 'task_qa',
        status: 'done',
        startDate: '2030-03-11',
        dueDate: '2030-03-12',
      }),
      task('qa-run', 6, {
        parentId: 'task_qa',
        percentComplete: 50,
        startDate: '2030-03-13',
        dueDate: '2030-03-20',
      }),
      task('golive', 0),
      task('extra', 5, {
        percentComplete: 80,
        cancelled: { at: '2030-03-01T00:00:00Z', by: 'u', reason: 'x' },
      }),
    ]);
    expect(tasks.get('task_qa')).toEqual({
      percentComplete: 63,
      span: { startDate: '2030-03-11', dueDate: '2030-03-20' },
    });
    expect(tasks.get('task_build')).toEqual({ percentComplete: 40 });
    expect(tasks.get('task_extra')).toEqual({ percentComplete: 0 });
    // leaves: build 10×40, qa-plan 2×100, qa-run 6×50, golive 1×0 → 900 / 19 = 47.4
    expect(percentComplete).toBe(47);
  });

  it('a done parent is 100 whatever its children say; nothing to do is 0', () => {
    const { tasks } = progressOf([task('p', 1, { status: 'done' }), task('c', 3, { parentId: 'task_p' })]);
    expect(tasks.get('task_p')!.percentComplete).toBe(100);
    expect(progressOf([]).percentComplete).toBe(0);
  });
});
