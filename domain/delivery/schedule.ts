import { ValidationFailed } from '../shared/errors.js';
import * as z from '../shared/zod.js';
import { topologicalOrder } from './graph.js';

// The critical path method over a project's dependency graph, in business-day indices.
// A task occupies days [start, finish): duration 0 is a milestone. Dependencies are
// finish-to-start, start-to-start, finish-to-finish and start-to-finish, each with a lag in
// business days (negative allowed). The forward pass gives the earliest dates every constraint
// allows; the backward pass, the latest dates that do not delay the project; total slack is
// their difference, and the critical paths are the chains of zero-slack tasks whose constraints
// bind, from the project's finish back to its start. Both passes are linear in tasks + edges.
// A milestone happens on its start day: it occupies that day for the finish and its slack.

export const DEPENDENCY_TYPES = ['FS', 'SS', 'FF', 'SF'] as const;
export const DependencyType = z.enum(DEPENDENCY_TYPES);
export type DependencyType = z.infer<typeof DependencyType>;

export const MAX_LAG_DAYS = 365;

export interface PlanDependency {
  predecessorId: string;
  type: DependencyType;
  lagDays: number;
}

export interface PlanTask {
  id: string;
  durationDays: number;
  /** "Start no earlier than", as a business-day index (anchors, pinned or slipped starts). */
  earliestStart?: number;
  dependencies: PlanDependency[];
}

export interface TaskTiming {
  earlyStart: number;
  earlyFinish: number;
  lateStart: number;
  lateFinish: number;
  totalSlack: number;
  critical: boolean;
}

export interface Schedule {
  timings: Map<string, TaskTiming>;
  /** Exclusive: the first business day after the last task ends (or after the day of the last milestone). */
  finish: number;
  /** The first critical chain (the longest-running one, ending the project). */
  criticalPath: string[];
  /** Every critical chain, from a task held only by its own start to one that ends the project (at most MAX_CRITICAL_PATHS). */
  criticalPaths: string[][];
}

/** Enumerating chains is exponential in the worst case: a report lists this many at most. */
export const MAX_CRITICAL_PATHS = 20;

/**
 * The day a task ends on, exclusive. A milestone (0 days) happens on its start day, so it
 * occupies that day for the project's finish: go-live after the last task makes the project end
 * on go-live's date, not the day before.
 */
const occupiedUntil = (start: number, durationDays: number) => start + Math.max(1, durationDays);

/** The earliest start a dependency allows its successor. */
export function dependencyBound(
  dep: PlanDependency,
  pred: { start: number; finish: number },
  succDuration: number,
): number {
  switch (dep.type) {
    case 'FS':
      return pred.finish + dep.lagDays;
    case 'SS':
      return pred.start + dep.lagDays;
    case 'FF':
      return pred.finish + dep.lagDays - succDuration;
    case 'SF':
      return pred.start + dep.lagDays - succDuration;
  }
}

export function computeSchedule(tasks: PlanTask[]): Schedule {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const edges = tasks.flatMap((t) => t.dependencies.map((d) => ({ from: d.predecessorId, to: t.id })));
  for (const e of edges) {
    if (!byId.has(e.from)) {
      throw new ValidationFailed([
        { path: 'dependencies', message: `task ${e.to} depends on ${e.from}, which is not in the project` },
      ]);
    }
  }
  const ordering = topologicalOrder(
    tasks.map((t) => t.id),
    edges,
  );
  if (!ordering.ok) {
    throw new ValidationFailed([
      { path: 'dependencies', message: `the dependencies form a cycle: ${ordering.cycle.join(' → ')}` },
    ]);
  }
  const es = new Map<string, number>();
  const ef = new Map<string, number>();
  for (const id of ordering.order) {
    const t = byId.get(id)!;
    let start = Math.max(0, t.earliestStart ?? 0);
    for (const d of t.dependencies) {
      start = Math.max(
        start,
        dependencyBound(
          d,
          { start: es.get(d.predecessorId)!, finish: ef.get(d.predecessorId)! },
          t.durationDays,
        ),
      );
    }
    es.set(id, start);
    ef.set(id, start + t.durationDays);
  }
  let finish = 0;
  for (const t of tasks) finish = Math.max(finish, occupiedUntil(es.get(t.id)!, t.durationDays));

  // the latest a task may end (exclusive; a milestone's is its latest day) without moving the finish
  const lf = new Map<string, number>(tasks.map((t) => [t.id, finish - (t.durationDays === 0 ? 1 : 0)]));
  for (let i = ordering.order.length - 1; i >= 0; i--) {
    const s = byId.get(ordering.order[i]!)!;
    const ls = lf.get(s.id)! - s.durationDays;
    for (const d of s.dependencies) {
      const p = byId.get(d.predecessorId)!;
      const bound =
        d.type === 'FS'
          ? ls - d.lagDays
          : d.type === 'SS'
            ? ls - d.lagDays + p.durationDays
            : d.type === 'FF'
              ? lf.get(s.id)! - d.lagDays
              : lf.get(s.id)! - d.lagDays + p.durationDays;
      if (bound < lf.get(p.id)!) lf.set(p.id, bound);
    }
  }

  const timings = new Map<string, TaskTiming>();
  for (const t of tasks) {
    const earlyStart = es.get(t.id)!;
    const lateFinish = lf.get(t.id)!;
    const totalSlack = lateFinish - t.durationDays - earlyStart;
    timings.set(t.id, {
      earlyStart,
      earlyFinish: ef.get(t.id)!,
      lateStart: lateFinish - t.durationDays,
      lateFinish,
      totalSlack,
      critical: totalSlack === 0,
    });
  }
  const criticalPaths = criticalChains(tasks, byId, timings, finish);
  return { timings, finish, criticalPath: criticalPaths[0] ?? [], criticalPaths };
}

/**
 * Every chain of zero-slack tasks whose constraints bind (the predecessor's bound is exactly the
 * successor's start), from a task held only by its own start to one that ends the project:
 * walked back from each task that ends it, the one that ends it last first.
 */
function criticalChains(
  tasks: PlanTask[],
  byId: Map<string, PlanTask>,
  timings: Map<string, TaskTiming>,
  finish: number,
): string[][] {
  const ends = tasks
    .filter((t) => {
      const m = timings.get(t.id)!;
      return m.critical && occupiedUntil(m.earlyStart, t.durationDays) === finish;
    })
    // the one that ends it last: a closing milestone (0 days) starts when its predecessor ends
    .sort(
      (a, b) =>
        timings.get(b.id)!.earlyStart - timings.get(a.id)!.earlyStart ||
        b.durationDays - a.durationDays ||
        a.id.localeCompare(b.id),
    );
  const drivers = (t: PlanTask) => {
    const m = timings.get(t.id)!;
    return t.dependencies
      .filter((d) => {
        const p = timings.get(d.predecessorId)!;
        return (
          p.critical &&
          dependencyBound(d, { start: p.earlyStart, finish: p.earlyFinish }, t.durationDays) === m.earlyStart
        );
      })
      .map((d) => byId.get(d.predecessorId)!);
  };
  const chains: string[][] = [];
  const walk = (t: PlanTask, after: string[]) => {
    if (chains.length >= MAX_CRITICAL_PATHS) return;
    const path = [t.id, ...after];
    const before = drivers(t);
    if (before.length === 0) chains.push(path);
    for (const p of before) walk(p, path);
  };
  for (const end of ends) walk(end, []);
  return chains;
}
