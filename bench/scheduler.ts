import { reschedule } from '../domain/delivery/plan.js';
import type { Task } from '../domain/delivery/project.js';
import { computeSchedule, type PlanTask } from '../domain/delivery/schedule.js';
import { ms, percentile } from './support.js';

// The scheduling engine alone (domain, no I/O): a project of n tasks and 2.5·n dependencies of
// all four types, scheduled by CPM (forward and backward pass, critical path) and turned into
// business-day dates. Growth from 200 to 2,000 tasks should be linear in tasks + dependencies.

function network(n: number, seed = 7): PlanTask[] {
  let x = seed;
  const rand = () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
  const types = ['FS', 'SS', 'FF', 'SF'] as const;
  const tasks: PlanTask[] = Array.from({ length: n }, (_, i) => ({
    id: `t${i}`,
    durationDays: Math.floor(rand() * 10),
    dependencies: [],
  }));
  let edges = 0;
  for (let i = 1; edges < Math.round(n * 2.5); i = (i % (n - 1)) + 1) {
    const pred = Math.max(0, i - 1 - Math.floor(rand() * 20));
    const t = tasks[i]!;
    if (t.dependencies.some((d) => d.predecessorId === `t${pred}`)) continue;
    t.dependencies.push({
      predecessorId: `t${pred}`,
      type: types[Math.floor(rand() * 4)]!,
      lagDays: Math.floor(rand() * 7) - 2,
    });
    edges++;
  }
  return tasks;
}

function asTasks(plan: PlanTask[]): Task[] {
  return plan.map((p) => ({
    id: p.id,
    projectId: 'prj_bench',
    title: p.id,
    kind: p.durationDays ? 'task' : 'milestone',
    status: 'todo',
    durationDays: p.durationDays,
    startDate: '2030-01-07',
    dueDate: '2030-01-07',
    dependencies: p.dependencies,
    checklist: [],
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
    version: 1,
  }));
}

function time(fn: () => void, runs: number): number {
  for (let i = 0; i < 5; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    samples.push(performance.now() - s);
  }
  return percentile(samples, 50);
}

export async function scheduler(): Promise<string> {
  const rows: string[] = [];
  const results: { n: number; cpm: number; dated: number }[] = [];
  const frame = {
    kickoffDate: '2030-01-07',
    calendar: { workingDays: [1, 2, 3, 4, 5], holidays: ['2030-05-01', '2030-12-25'] },
  };
  for (const n of [200, 500, 1000, 2000]) {
    const plan = network(n);
    const tasks = asTasks(plan);
    const cpm = time(() => computeSchedule(plan), 40);
    const dated = time(() => reschedule(frame, tasks), 40);
    results.push({ n, cpm, dated });
    const edges = plan.reduce((k, t) => k + t.dependencies.length, 0);
    rows.push(`| ${n} | ${edges} | ${ms(cpm)} | ${ms(dated)} |`);
  }
  const small = results[0]!;
  const big = results.at(-1)!;
  return `## Scheduling engine (domain only)

p50 of 40 runs. CPM: topological order, forward and backward pass, slack, critical path. Dated: the same,
plus every task's start and due date on a calendar with holidays (what a reschedule computes).

| tasks | dependencies | CPM | CPM + business-day dates |
| --- | --- | --- | --- |
${rows.join('\n')}

Growth from 200 to 2,000 tasks (10× the tasks and dependencies): CPM ×${(big.cpm / small.cpm).toFixed(1)},
dated ×${(big.dated / small.dated).toFixed(1)}, i.e. linear (goal: linear in tasks + dependencies).`;
}
