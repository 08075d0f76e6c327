import { existsSync, readFileSync } from 'node:fs';
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
});
