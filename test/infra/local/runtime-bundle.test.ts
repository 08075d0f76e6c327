import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../../infra/local/runtime.js';
import { bundleLocalRuntime, RuntimeBundleError } from '../../support/runtime-bundle.js';

// The runtime the e2e and browser files start is one bundled module (test/support/runtime-bundle.ts).
// Its modules find the Lambda environment's script, DynamoDB Local's launcher and the repository
// from import.meta.url, so in the bundle that address must be infra/local's, and a module
// elsewhere that reads it must stop the build rather than look in the wrong folder.

const dir = mkdtempSync(join(tmpdir(), 'handoff-runtime-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the local runtime's bundle", () => {
  it("gives the runtime's modules infra/local's address, not the bundle's", async () => {
    const out = await bundleLocalRuntime({ out: join(dir, 'start.mjs') });
    const code = readFileSync(out, 'utf8');
    expect(code).not.toMatch(/\bimport\.meta\.url\b/);
    expect(code).toContain(JSON.stringify(pathToFileURL(join(ROOT, 'infra/local/runtime.ts')).href));
  });

  it('refuses a module outside infra/local that reads import.meta, naming it', async () => {
    const entry = join(dir, 'elsewhere.ts');
    writeFileSync(entry, "export const here = new URL('.', import.meta.url).href;\n");
    const built = bundleLocalRuntime({ entry, out: join(dir, 'elsewhere.mjs') });
    await expect(built).rejects.toBeInstanceOf(RuntimeBundleError);
    await expect(built).rejects.toThrow(/elsewhere\.ts/);
  });
});
