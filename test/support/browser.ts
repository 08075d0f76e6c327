import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core';
import { ROOT } from '../../infra/local/runtime.js';

// A real browser for the console's tests: Debian's chromium driven by playwright-core
// (Playwright's own browser download cannot run here). Its headless shell (Debian's
// chromium-headless-shell, built from the same sources) is what Playwright itself runs for a
// headless test: the same Blink and V8 without the desktop browser around them. Over the console's
// 15 files it used 129 s of CPU where the full chromium in headless mode used 163 s, and the
// files took 209 s instead of 227 s (docs/benchmarks.md, "The test suite", 2026-12-07). .ci/run
// installs it where it is missing; without it the full chromium runs; CHROMIUM names another binary.

const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';
export const CHROMIUM =
  process.env.CHROMIUM ?? (existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : '/usr/bin/chromium');

/**
 * A test file's browser: its own contexts in its worker's chromium. Files of a worker run one
 * after another and share its modules (vitest.config.ts), so one chromium serves them all rather
 * than a launch per file (about 2 s of CPU and 1.5 s each on a 2-core machine, measured
 * 2026-12-06): contexts share nothing (cookies, storage, pages), and `close` closes this file's
 * contexts, not the browser. Playwright kills the chromium it launched when the worker exits.
 */
export interface FileBrowser {
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** Closes every context this file opened (and their pages). */
  close(): Promise<void>;
}

let workerBrowser: Promise<Browser> | undefined;

function chromiumOfThisWorker(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no chromium at ${CHROMIUM}: apt-get install chromium-headless-shell (or set CHROMIUM to a Chromium binary)`,
    );
  workerBrowser ??= chromium
    .launch({
      executablePath: CHROMIUM,
      // root in a container has no user namespace for Chromium's sandbox
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    })
    .then((browser) => {
      // a chromium that died (or was closed) is launched again for the next file
      browser.on('disconnected', () => {
        workerBrowser = undefined;
      });
      return browser;
    });
  return workerBrowser;
}

export async function launchBrowser(): Promise<FileBrowser> {
  const contexts = new Set<BrowserContext>();
  let browser = await chromiumOfThisWorker();
  return {
    async newContext(options) {
      if (!browser.isConnected()) browser = await chromiumOfThisWorker();
      const context = await browser.newContext(options);
      contexts.add(context);
      context.on('close', () => contexts.delete(context));
      return context;
    },
    async close() {
      await Promise.all([...contexts].map((c) => c.close().catch(() => undefined)));
    },
  };
}

/**
 * Opens the console at `path` in a new browser context and signs in through the local issuer's
 * page (OAuth code flow with PKCE), as a person does: type a name, tick the groups, sign in.
 */
export async function signedIn(
  browser: FileBrowser,
  consoleUrl: string,
  user: string,
  groups: string[],
  path = '/pipeline',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${consoleUrl}${path}`);
  await page.getByLabel('User').fill(user);
  for (const role of ['sales', 'manager', 'delivery', 'admin']) {
    await page.getByLabel(role, { exact: true }).setChecked(groups.includes(role));
  }
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${consoleUrl}${path}`);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  if (errors.length) throw new Error(`the console failed to start: ${errors.join('; ')}`);
  return { context, page };
}

/** The WCAG 2.x A and AA rules the console is held to. */
const WCAG_A_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * axe-core's serious and critical violations on the page as it is now (WCAG 2.x A and AA rules),
 * axe run in the page itself. Through axe-core's own API, not @axe-core/playwright: that wrapper
 * evaluates axe's 650 KB source in the page twice on every call (before it runs and again as it
 * injects into the frames), so each check re-parsed it; here it is evaluated once per loaded
 * document and run again as the page changes (axe.run clears its caches when it ends, so each
 * run reads the page as it is then). The console's eleven checks took 10.8 s with the wrapper and
 * 3.7 s this way, with the same findings (docs/benchmarks.md, "The test suite"). The console has no
 * frames (its sanitizer drops iframes), which the wrapper's frame merging was for. Reporting only
 * the violations' nodes (axe's `resultTypes`) is axe's own advice for speed.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axe.source);
  return page.evaluate(async (tags) => {
    const { axe } = globalThis as unknown as { axe: typeof import('axe-core') };
    // the whole document: axe's default context
    const results = await axe.run({
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  }, WCAG_A_AA);
}

/**
 * A main screen's picture for docs/console, taken when UPDATE_SCREENSHOTS=1 and only then: a
 * screenshot (a full-page one above all) is work for the browser that no assertion reads.
 */
export async function documentScreen(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  await page.screenshot({ path: join(ROOT, 'docs', 'console', `${name}.png`), ...options });
}

/** Where a failed test's screenshot goes: docs/console when UPDATE_SCREENSHOTS=1, else a temporary folder. */
export function screenshotDir(fallback: string): string {
  const dir = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'console') : fallback;
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Picks a card up with the keyboard (focus its handle, Space) and waits until the board takes
 * arrow keys: dnd-kit starts listening for them in a timer after the drag starts, so a key
 * pressed at once on a busy machine is lost, as it would be for a person typing that fast.
 */
export async function pickUpWithKeyboard(page: Page, handle: Locator): Promise<void> {
  await handle.focus();
  await page.keyboard.press('Space');
  await page.locator('.drag-copy').waitFor();
  await page.waitForTimeout(250);
}
