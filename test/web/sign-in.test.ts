import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../domain/shared/context.js';
import { freePortLayout } from '../../infra/local/ports.js';
import { type FileBrowser, launchBrowser, seriousViolations, signedIn } from '../support/browser.js';
import { type RunningLocal, startLocal } from '../support/local-runtime.js';

// The local sign-in page in a real browser: it ticks no group for you (a manager who signs in
// without looking is a manager, not sales + manager), a person in no group gets a session with
// no role that says so, and a tab left on the page signs in after `npm start` was restarted
// (the page keeps its address: --port's layout).

const localDir = mkdtempSync(join(tmpdir(), 'handoff-sign-in-'));
let port: number;
let local: RunningLocal | undefined;
let browser: FileBrowser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  port = await freePortLayout();
  [local, browser] = await Promise.all([startLocal({ port, localDir }), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await local?.stop();
  rmSync(localDir, { recursive: true, force: true });
});

async function signInPage() {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${local!.consoleUrl}/pipeline`);
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  return page;
}

describe('the local sign-in page', () => {
  it('ticks no group: a manager who ticks manager alone signs in as a manager, not also as sales', async () => {
    const page = await signInPage();
    expect(new URL(page.url()).origin).toBe(local!.issuerUrl);
    for (const role of ROLES) expect(await page.getByLabel(role, { exact: true }).isChecked()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('User').fill('mia');
    await page.getByLabel('manager', { exact: true }).check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${local!.consoleUrl}/pipeline`);
    await expect.poll(() => page.locator('.who').textContent()).toContain('(manager)');
  });

  it('with no group ticked, signs in with no role: the console says so, and why the board is empty', async () => {
    const { context, page } = await signedIn(browser, local!.consoleUrl, 'nobody', []);
    contexts.push(context);
    expect(await page.locator('.who').textContent()).toContain('(no role)');
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('Could not load the pipeline: you may not do this.');
    expect(await refusal.textContent()).toContain(
      `Your token carries none of the roles ${ROLES.join(', ')}; ask an admin to add you to a group.`,
    );
  });

  it('a tab left on the sign-in page signs in after npm start was restarted: the page kept its address', async () => {
    const page = await signInPage();
    const left = page.url();
    await local!.stop({ keepDir: true });
    local = undefined;
    local = await startLocal({ port, localDir });
    expect(new URL(left).origin).toBe(local.issuerUrl);
    await page.getByLabel('User').fill('rita');
    await page.getByLabel('sales', { exact: true }).check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${local.consoleUrl}/pipeline`);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await expect.poll(() => page.locator('.who').textContent()).toContain('(sales)');
  }, 240_000);
});
