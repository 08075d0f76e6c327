import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  documentScreen,
  type FileBrowser,
  launchBrowser,
  screenshotDir,
  seriousViolations,
  signedIn,
} from '../support/browser.js';
import { type RunningLocal, startLocal } from '../support/local-runtime.js';

// The header of the console, in chromium on the local runtime: a search of everything (`/`,
// results as one types, folded as the API folds them, grouped, by keyboard, each opening its
// record), the badge of what is late for the person signed in with its panel, and a reminder
// when a next action falls due while the console is open (the page's clock run forward by
// Playwright; the desktop notice recorded by a stand-in for the browser's Notification, which
// headless chromium cannot show).

let local: RunningLocal;
let browser: FileBrowser;
let page: Page;
let shots: string;
type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;
let alice: Call;
const ids: Record<string, string> = {};
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

const as = async (user: string, groups: string[]): Promise<Call> => {
  const token = await local.token({ user, groups });
  return (method, path, body) => local.api(method, path, { token, ...(body === undefined ? {} : { body }) });
};

beforeAll(async () => {
  [local, browser] = await Promise.all([
    startLocal({ warm: ['CrmApi', 'WorkspaceApi', 'DeliveryApi', 'OutboxRelay'] }),
    launchBrowser(),
  ]);
  shots = screenshotDir(mkdtempSync(join(tmpdir(), 'handoff-search-notify-')));
  alice = await as('alice', ['sales']);
  const made = async (path: string, body: unknown) => {
    const res = await alice('POST', path, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  ids.company = (await made('/companies', { name: 'Müller & Söhne GmbH', domain: 'mueller-soehne.de' })).id;
  ids.contact = (
    await made('/contacts', {
      firstName: 'Jürgen',
      lastName: 'Weiß',
      emails: ['jw@mueller-soehne.de'],
      companyId: ids.company,
    })
  ).id;
  const deal = (title: string, dueAt: string) =>
    made('/deals', {
      title,
      value: { amount: 50_000_00, currency: 'EUR' },
      ownerId: 'alice',
      companyId: ids.company,
      nextAction: { summary: `Call about ${title}`, dueAt },
    });
  ids.late = (await deal('Müller Übergabe', inMinutes(-120))).id;
  ids.later = (await deal('Quarterly review', inMinutes(7 * 24 * 60))).id;
  ({ page } = await signedIn(browser, local.consoleUrl, 'alice', ['sales']));
  // the board read (its shortcuts listen from then on), however long the functions take to start
  await page.locator('[data-ready="true"]').waitFor({ timeout: 60_000 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
});

function watch(on = () => page) {
  onTestFailed(async ({ task }) => {
    const file = join(shots, `failed-${task.name.replace(/\W+/g, '-').slice(0, 60)}.png`);
    await on().screenshot({ path: file, fullPage: true });
    console.error(`the page when "${task.name}" failed: ${file}`);
  });
}

const searchBox = (p: Page) => p.getByRole('combobox', { name: 'Search deals, contacts and companies' });
const results = (p: Page) => p.getByRole('listbox', { name: 'Search deals, contacts and companies' });

describe('the search of everything', () => {
  it('/ reaches it; "mue" finds Müller as a company and in a deal\'s title, grouped', async () => {
    watch();
    await page.locator('body').click({ position: { x: 5, y: 400 } });
    await page.keyboard.press('/');
    await expect
      .poll(() => searchBox(page).evaluate((el) => el === (globalThis as any).document.activeElement))
      .toBe(true);
    await page.keyboard.type('mue');
    const companies = results(page).getByRole('group', { name: 'Companies' });
    await companies.getByRole('option', { name: /Müller & Söhne GmbH/ }).waitFor();
    expect(
      await results(page).getByRole('group', { name: 'Deals' }).getByRole('option').allTextContents(),
    ).toEqual([expect.stringContaining('Müller Übergabe')]);
    expect(await seriousViolations(page)).toEqual([]);
    await documentScreen(page, 'global-search');
  }, 60_000);

  it('"juergen" and "weiss" find Jürgen Weiß; the arrow keys and Enter open him', async () => {
    watch();
    for (const q of ['weiss', 'juergen']) {
      await searchBox(page).fill(q);
      await results(page)
        .getByRole('group', { name: 'Contacts' })
        .getByRole('option', { name: /Jürgen Weiß/ })
        .waitFor();
    }
    // the contact is the first result for "juergen": down once, Enter
    await page.keyboard.press('ArrowDown');
    expect(await results(page).getByRole('option', { selected: true }).textContent()).toContain(
      'Jürgen Weiß',
    );
    await page.keyboard.press('Enter');
    await page.waitForURL(`${local.consoleUrl}/contacts/${ids.contact}`);
    await page.getByRole('heading', { name: 'Jürgen Weiß' }).waitFor();
    expect(await searchBox(page).inputValue()).toBe('');
  }, 60_000);

  it('a company by its domain opens with a click; nothing found says so', async () => {
    watch();
    await searchBox(page).fill('mueller-s');
    await results(page)
      .getByRole('option', { name: /Müller & Söhne GmbH/ })
      .click();
    await page.waitForURL(`${local.consoleUrl}/companies/${ids.company}`);
    await searchBox(page).fill('zzqx');
    await page.getByText('Nothing found for “zzqx”.').waitFor();
    await page.keyboard.press('Escape');
    await searchBox(page).fill('');
  }, 60_000);
});

describe('the badge and its panel', () => {
  it('counts what is late for the person, as the API does, and the panel lists it with links', async () => {
    watch();
    const summary = (await alice('GET', '/followups/summary')).body;
    expect(summary).toMatchObject({ lateNextActions: 1, total: 1 });
    const badge = page.getByRole('button', {
      name: 'Late 1: 1 next actions, 0 tasks, 0 projects at risk',
    });
    await badge.waitFor();
    expect(await page.getByTestId('late-count').textContent()).toBe('1');
    await badge.click();
    const panel = page.getByRole('region', { name: 'Your follow-ups' });
    await panel.getByRole('link', { name: /Müller Übergabe: Call about Müller Übergabe/ }).waitFor();
    expect(await panel.textContent()).toContain('1 next actions late, 0 tasks late, 0 projects at risk');
    expect(await seriousViolations(page)).toEqual([]);
    await documentScreen(page, 'notification-panel');
    await panel.getByRole('link', { name: /Müller Übergabe/ }).click();
    await page.waitForURL(`${local.consoleUrl}/deals/${ids.late}`);
    expect(await panel.count()).toBe(0);
  }, 60_000);

  it('the next action done on the deal page: the badge drops at once', async () => {
    watch();
    const form = page.getByRole('form', { name: 'Set the next action' });
    await form.getByLabel(/is done/).check();
    await form.getByLabel('Next action').fill('Send the contract');
    const inThreeDays = new Date(Date.now() + 3 * 86_400_000);
    const typed = new Date(inThreeDays.getTime() - inThreeDays.getTimezoneOffset() * 60_000);
    await form.getByLabel('Due').fill(typed.toISOString().slice(0, 16));
    await form.getByRole('button', { name: 'Save next action' }).click();
    await page.getByRole('button', { name: /^Late 0:/ }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('late-count').textContent()).toBe('0');
  }, 60_000);
});

describe('a reminder when a next action falls due', () => {
  it('appears without taking the focus, links to the deal, and a desktop notice is sent when allowed', async () => {
    const due = await alice('POST', '/deals', {
      title: 'Renewal call',
      value: { amount: 1_000_00, currency: 'EUR' },
      ownerId: 'alice',
      nextAction: { summary: 'Call Jürgen about the renewal', dueAt: inMinutes(2) },
    });
    expect(due.status, JSON.stringify(due.body)).toBe(201);
    // a new window whose clock Playwright controls, where the person allowed desktop notices
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const reminded = await context.newPage();
    watch(() => reminded);
    await reminded.addInitScript(() => {
      const g = globalThis as any;
      g.__notices = [];
      g.Notification = class {
        static permission = 'granted';
        static requestPermission = async () => 'granted';
        constructor(title: string, options?: { body?: string }) {
          g.__notices.push({ title, body: options?.body });
        }
      };
    });
    await reminded.clock.install();
    await reminded.goto(`${local.consoleUrl}/pipeline`);
    await reminded.getByLabel('User').fill('alice');
    for (const role of ['sales', 'manager', 'delivery', 'admin'])
      await reminded.getByLabel(role, { exact: true }).setChecked(role === 'sales');
    await reminded.getByRole('button', { name: 'Sign in' }).click();
    await reminded.getByRole('button', { name: /^Late \d+:/ }).waitFor({ timeout: 30_000 });
    await searchBox(reminded).focus();
    expect(await reminded.getByText('Next action due now').count()).toBe(0);

    await reminded.clock.fastForward('03:00');
    const notice = reminded.getByRole('status').filter({ hasText: 'Next action due now' });
    await notice.getByRole('link', { name: 'Renewal call' }).waitFor({ timeout: 15_000 });
    expect(await notice.textContent()).toContain('Call Jürgen about the renewal');
    // it did not take the focus from where the person was
    expect(
      await searchBox(reminded).evaluate((el) => el === (globalThis as any).document.activeElement),
    ).toBe(true);
    expect(await reminded.evaluate(() => (globalThis as any).__notices)).toEqual([
      { title: 'Next action due now: Renewal call', body: 'Call Jürgen about the renewal' },
    ]);
    expect(await seriousViolations(reminded)).toEqual([]);
    await notice.getByRole('link', { name: 'Renewal call' }).click();
    await reminded.waitForURL(`${local.consoleUrl}/deals/${due.body.id}`);
    await context.close();
  }, 120_000);
});
