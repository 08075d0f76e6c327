import type { Task } from './project.js';

// How far along the work is, rolled up the way a delivery lead reads a plan: a task's own
// percent complete (100 when done), a parent's from its children (weighted by their working
// days, so a 10-day child counts ten times a 1-day one), and the project's from its leaf tasks.
// A parent spans its children: its rolled-up dates are their earliest start and latest due date.
// Cancelled tasks count for nothing.

export interface TaskProgress {
  percentComplete: number;
  /** For a parent: the span of its children (their earliest start, latest due date). */
  span?: { startDate: string; dueDate: string };
}

const own = (t: Task) => (t.status === 'done' ? 100 : (t.percentComplete ?? 0));
/** A milestone weighs as one day, so a plan of milestones still has a progress. */
const weight = (t: Task) => Math.max(1, t.durationDays);

export function progressOf(tasks: Task[]): { tasks: Map<string, TaskProgress>; percentComplete: number } {
  const live = tasks.filter((t) => !t.cancelled);
  const children = new Map<string, Task[]>();
  for (const t of live) {
    if (t.parentId) children.set(t.parentId, [...(children.get(t.parentId) ?? []), t]);
  }
  const memo = new Map<string, { percent: number; weight: number; start: string; due: string }>();
  const visit = (
    t: Task,
    seen: Set<string>,
  ): { percent: number; weight: number; start: string; due: string } => {
    const known = memo.get(t.id);
    if (known) return known;
    const kids = (children.get(t.id) ?? []).filter((k) => !seen.has(k.id));
    let result: { percent: number; weight: number; start: string; due: string };
    if (kids.length === 0) {
      result = { percent: own(t), weight: weight(t), start: t.startDate, due: t.dueDate };
    } else {
      const rolled = kids.map((k) => visit(k, new Set([...seen, t.id])));
      const total = rolled.reduce((n, r) => n + r.weight, 0);
      result = {
        percent: t.status === 'done' ? 100 : rolled.reduce((n, r) => n + r.percent * r.weight, 0) / total,
        weight: total,
        // calendar dates compare as strings
        start: rolled.map((r) => r.start).sort()[0]!,
        due: rolled
          .map((r) => r.due)
          .sort()
          .at(-1)!,
      };
    }
    memo.set(t.id, result);
    return result;
  };
  const out = new Map<string, TaskProgress>();
  for (const t of tasks) {
    if (t.cancelled) {
      out.set(t.id, { percentComplete: 0 });
      continue;
    }
    const r = visit(t, new Set([t.id]));
    out.set(t.id, {
      percentComplete: Math.round(r.percent),
      ...(children.has(t.id) ? { span: { startDate: r.start, dueDate: r.due } } : {}),
    });
  }
  const leaves = live.filter((t) => !children.has(t.id));
  const total = leaves.reduce((n, t) => n + weight(t), 0);
  const percent = total === 0 ? 0 : leaves.reduce((n, t) => n + own(t) * weight(t), 0) / total;
  return { tasks: out, percentComplete: Math.round(percent) };
}
