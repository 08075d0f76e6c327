import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../infra/local/runtime.js';
import { inputsHash, LOCAL_CDK_OUT, LOCAL_CONTEXT, synthesizeIfChanged } from '../../../infra/local/synth.js';
import { readTemplate } from '../../../infra/local/template.js';

// The local runtime never runs a stale or different stack: it synthesizes with its own context
// into its own folder, which `npm run synth` (cdk.out) never touches, and synthesizes again
// when a file the stack is built from, or that context, changes.

describe('the local runtime synthesis', () => {
  it("runs its own synthesis (the local context: the digest mailer), kept apart from `npm run synth`'s cdk.out", () => {
    const { cdkOut } = synthesizeIfChanged(ROOT);
    expect(cdkOut).toBe(join(ROOT, LOCAL_CDK_OUT));
    expect(cdkOut).not.toBe(join(ROOT, 'cdk.out'));
    const app = readTemplate(cdkOut);
    expect([...app.functions.values()].map((f) => f.name)).toContain('DigestMailer');
    const marker = readFileSync(join(cdkOut, '.handoff-inputs.sha256'), 'utf8');
    expect(marker).toBe(`${inputsHash(ROOT)}:${JSON.stringify(LOCAL_CONTEXT)}`);
    // the second start reuses it: nothing changed
    expect(synthesizeIfChanged(ROOT).synthesized).toBe(false);
    expect(existsSync(join(cdkOut, 'manifest.json'))).toBe(true);
  }, 120_000);

  it('one synthesis at a time: a caller waits while a live process holds the lock, and takes over a dead one', () => {
    synthesizeIfChanged(ROOT);
    const lockFile = join(ROOT, `${LOCAL_CDK_OUT}.lock`);
    /** Takes the lock for `pid`, as a synthesizer does (waiting out one being held right now). */
    const holdFor = (pid: number) => {
      for (;;) {
        try {
          const fd = openSync(lockFile, 'wx');
          writeSync(fd, String(pid));
          closeSync(fd);
          return;
        } catch {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
        }
      }
    };
    // a holder that is not this process's child (the shell that started it is gone), so it is
    // reaped when it ends while this process waits
    const pid = Number(
      execFileSync('sh', ['-c', 'sleep 1.5 >/dev/null 2>&1 & echo $!'], { encoding: 'utf8' }),
    );
    holdFor(pid);
    const started = performance.now();
    expect(synthesizeIfChanged(ROOT).synthesized).toBe(false);
    expect(performance.now() - started).toBeGreaterThan(1000);
    expect(existsSync(lockFile)).toBe(false);
    // its holder gone (killed mid-synthesis, say), the lock is taken over
    holdFor(pid);
    expect(synthesizeIfChanged(ROOT).synthesized).toBe(false);
    expect(existsSync(lockFile)).toBe(false);
  }, 60_000);
});
