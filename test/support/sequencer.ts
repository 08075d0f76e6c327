import { readFileSync } from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The order the test files start in: vitest's own (the longest first, by the last run's
// durations, or the largest first on a fresh clone), changed for the synthesis the global setup
// runs in the background (about 26 s on a fresh clone, mostly on one core: global-setup.ts). The
// files that run the synthesized stack wait for it, so the larger half of the files that do not
// go first and both workers have work meanwhile; the smaller half go last, so that the two
// workers finish together rather than one waiting on the other's last long file.

/** A file that runs the synthesized stack: the local runtime, or its template. */
const RUNS_THE_STACK = /support\/local-runtime\.js|support\/template\.js|synthesizeIfChanged/;

export class StackAfterSynthesisSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const runsTheStack = (spec: TestSpecification) =>
      RUNS_THE_STACK.test(readFileSync(spec.moduleId, 'utf8'));
    const stack = sorted.filter(runsTheStack);
    const others = sorted.filter((spec) => !runsTheStack(spec));
    const half = Math.ceil(others.length / 2);
    return [...others.slice(0, half), ...stack, ...others.slice(half)];
  }
}
