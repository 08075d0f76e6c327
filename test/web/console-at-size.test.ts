import { mkdtempSync, readFileSync } from 'node:fs';
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
import { seedOpenDeals } from '../support/seed-open-deals.js';

// The console at a company's size (issue 26), in chromium on the local runtime: a board whose
// columns read a page at a time and hold only the cards in view, the deals list (filters, sort,
// columns, cursors, views saved and opened again, an export downloaded), a bulk reassign where
// one deal refuses, an import with its column mapping and its report, and the keyboard
// shortcuts. A few hundred deals are enough to page and to scroll; the 10,000 of the budget are
// bench/console-load.ts's.

const DEALS = Number(process.env.AT_SIZE_DEALS ?? 300);
const STAGES = ['st_lead', 'st_qualified', 'st_proposal', 'st_negotiation'];

let local: RunningLocal;
let browser: FileBrowser;
let page: Page;
let shots: string;
type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;
let mia: Call;

const as = async (user: string, groups: string[]): Promise<Call> => {
  const token = await local.token({ user, groups });
  return (method, path, body) => local.api(method, path, { token, ...(body === undefined ? {} : { body }) });
};

beforeAll(async () => {
  [local, browser] = await Promise.all([
    startLocal({
      args: ['--seed'],
      warm: ['CrmApi', 'WorkspaceApi', 'TransferApi', 'ReportsApi', 'OutboxRelay'],
    }),
    launchBrowser(),
  ]);
  shots = screenshotDir(mkdtempSync(join(tmpdir(), 'handoff-at-size-')));
  mia = await as('mia', ['manager']);
  const ada = await as('ada', ['admin']);
  // a deal custom field, for a view on it (segments filter on custom fields; GET /deals does not)
  const tier = await ada('POST', '/custom-fields', {
    entity: 'deal',
    key: 'tier',
    label: 'Tier',
    type: 'select',
    options: ['gold', 'silver'],
  });
  expect(tier.status, JSON.stringify(tier.body)).toBe(201);
  // written straight into the table as the deal repository writes them (test/support/seed-open-deals.ts):
  // 300 POSTs were about 30 s of this file's set-up; the API's create is proven elsewhere
  const by = (userId: string) => ({ userId, roles: ['sales' as const] });
  await seedOpenDeals(
    local,
    'pl_default',
    Array.from({ length: DEALS }, (_, i) => {
      const owner = i % 2 === 0 ? 'alice' : 'bob';
      return {
        by: by(owner),
        body: {
          title: `Sized ${String(i).padStart(4, '0')}`,
          value: { amount: ((i * 37) % 200) * 1_000_00 + 1_000_00, currency: 'EUR' },
          ownerId: owner,
          pipelineId: 'pl_default',
          stageId: STAGES[i % STAGES.length],
          expectedCloseDate: `2031-${String((i % 12) + 1).padStart(2, '0')}-15`,
          leadSource: i % 3 === 0 ? 'website' : 'referral',
          tags: i % 10 === 1 ? ['handover'] : [],
          customFields: { tier: i % 4 === 0 ? 'gold' : 'silver' },
          nextAction: {
            summary: 'Follow up',
            dueAt: new Date(Date.now() + (i + 1) * 3_600_000).toISOString(),
          },
        },
      };
    }),
  );
  ({ page } = await signedIn(browser, local.consoleUrl, 'mia', ['manager']));
  await page.locator('[data-ready="true"]').waitFor({ timeout: 60_000 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
});

function watch() {
  onTestFailed(async ({ task }) => {
    const file = join(shots, `failed-${task.name.replace(/\W+/g, '-').slice(0, 60)}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.error(`the page when "${task.name}" failed: ${file}`);
  });
}

const open = (screen: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: screen, exact: true }).click();
const dealsTable = () => page.locator('table[aria-label="Deals"]');
const listed = async () => {
  await dealsTable().and(page.locator('[data-ready="true"]')).waitFor();
  return dealsTable().locator('tbody td[data-col="title"]').allTextContents();
};
/** Picks a person in a picker by typing part of their name. */
async function pick(scope: Page | ReturnType<Page['locator']>, label: string, name: string) {
  await scope.getByRole('combobox', { name: label }).fill(name);
  await page.getByRole('option', { name: new RegExp(`^${name}`) }).click();
}

describe('the board of a few hundred deals', () => {
  it('reads each column a page at a time, counts from the report, and only the cards in view are in the page; scrolling a column reads its next page', async () => {
    watch();
    const report = (await mia('GET', '/reports/pipeline?pipelineId=pl_default')).body;
    for (const stage of report.stages.filter((s: any) => STAGES.includes(s.stageId))) {
      const heading = page.locator(`[data-stage-id="${stage.stageId}"] header p`);
      // the columns are ready before the report answers ("25+ … so far" until it does)
      await expect
        .poll(() => heading.textContent(), { timeout: 15_000 })
        .toMatch(new RegExp(`^${stage.openDeals} · `));
      expect(stage.openDeals).toBeGreaterThan(50);
    }
    const lead = page.locator('[data-stage-id="st_lead"]');
    expect(await lead.getAttribute('data-loaded')).toBe('25');
    const cards = await page.locator('.deal-card').count();
    expect(cards).toBeGreaterThan(4);
    expect(cards).toBeLessThan(80);
    expect(await page.getByText(/Cards sorted by: newest in the stage first/).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);

    await lead.locator('.stage-cards').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await expect
      .poll(async () => Number(await lead.getAttribute('data-loaded')), { timeout: 15_000 })
      .toBe(50);
    // the cards read are not all in the page: the column still holds the ones in view
    expect(await lead.locator('.deal-card').count()).toBeLessThan(30);
    expect(await page.locator('*').count()).toBeLessThan(5_000);
  }, 90_000);
});

describe('the deals list', () => {
  it('filters by owner and value, sorts by value, and lists what the API lists, in its order', async () => {
    watch();
    await open('Deals');
    await listed();
    await pick(page.getByRole('form', { name: 'Filters' }), 'Owner', 'Bob');
    await page.getByLabel('Value at least').fill('100000');
    await page.getByLabel('Currency', { exact: true }).fill('EUR');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByLabel('Sort').selectOption('-value');
    const expected = (
      await mia('GET', '/deals?ownerId=bob&valueMin=10000000&currency=EUR&sort=-value&limit=25')
    ).body.items.map((d: any) => d.title);
    expect(expected.length).toBe(25);
    await expect.poll(listed, { timeout: 15_000 }).toEqual(expected);
    expect(await dealsTable().locator('th[aria-sort="descending"]').textContent()).toContain('Value');
    expect(await seriousViolations(page)).toEqual([]);
    await documentScreen(page, 'deals-list', { fullPage: true });
  }, 60_000);

  it('a reversed close range is refused and said at the filter, in plain words', async () => {
    watch();
    await page.getByLabel('Closing from').fill('2031-06-01');
    await page.getByLabel('Closing by').fill('2031-03-01');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const said = page.locator('[data-field-error="expectedCloseTo"]');
    await said.waitFor();
    expect(await said.textContent()).toBe('Must be on or after the “Closing from” date.');
    await page.getByRole('alert').filter({ hasText: 'Could not load the deals' }).waitFor();
    await page.getByLabel('Closing by').fill('2031-09-30');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await said.waitFor({ state: 'detached' });
  }, 60_000);

  it("pages with the API's cursors: next shows the second page, previous the first again", async () => {
    watch();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Sort').selectOption('expectedCloseDate');
    const first = (await mia('GET', '/deals?sort=expectedCloseDate&limit=25')).body;
    const second = (
      await mia(
        'GET',
        `/deals?sort=expectedCloseDate&limit=25&cursor=${encodeURIComponent(first.nextCursor)}`,
      )
    ).body;
    await expect.poll(listed, { timeout: 15_000 }).toEqual(first.items.map((d: any) => d.title));
    const pager = page.getByRole('navigation', { name: 'Pages of deals' });
    await pager.getByRole('button', { name: 'Next →' }).click();
    await expect.poll(listed, { timeout: 15_000 }).toEqual(second.items.map((d: any) => d.title));
    expect(await pager.textContent()).toContain('Page 2');
    await pager.getByRole('button', { name: '← Previous' }).click();
    await expect.poll(listed, { timeout: 15_000 }).toEqual(first.items.map((d: any) => d.title));
  }, 60_000);

  it('saves the filter as a view, and the view opens again from the list of views', async () => {
    watch();
    await pick(page.getByRole('form', { name: 'Filters' }), 'Owner', 'Alice');
    await page.getByLabel('Lead source').fill('website');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByLabel('View name').fill("Alice's web leads");
    await page.getByRole('button', { name: 'Save as a new view' }).click();
    await page.getByRole('heading', { name: "Deals: Alice's web leads" }).waitFor();
    const saved = (await mia('GET', '/segments')).body.items.find((s: any) => s.name === "Alice's web leads");
    expect(saved).toMatchObject({ entity: 'deal', filter: { ownerId: 'alice', leadSource: 'website' } });

    await open('Pipeline');
    await page.locator('[data-ready="true"]').waitFor();
    await open('Deals');
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('link', { name: "Alice's web leads" })
      .click();
    await page.getByRole('heading', { name: "Deals: Alice's web leads" }).waitFor();
    // the heading comes with the view's name; its filter fills the form a moment after
    await expect.poll(() => page.getByLabel('Lead source').inputValue()).toBe('website');
    // the order it was saved in (by expected close, chosen before) is the view's too
    await expect.poll(() => page.getByLabel('Sort').inputValue()).toBe('expectedCloseDate');
    const members = (
      await mia('GET', '/deals?ownerId=alice&leadSource=website&sort=expectedCloseDate&limit=25')
    ).body.items;
    await expect.poll(listed, { timeout: 15_000 }).toEqual(members.map((d: any) => d.title));
  }, 60_000);

  it('a filter on a custom field runs as a saved view (its members), and the view exports to a CSV that downloads', async () => {
    watch();
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'All deals' }).click();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('form', { name: 'Filters' }).getByLabel('gold').check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('status').filter({ hasText: 'Save the view to see its deals' }).waitFor();
    await page.getByLabel('View name').fill('Gold tier');
    await page.getByRole('button', { name: 'Save as a new view' }).click();
    await page.getByRole('heading', { name: 'Deals: Gold tier' }).waitFor();
    const view = (await mia('GET', '/segments')).body.items.find((s: any) => s.name === 'Gold tier');
    expect(view.filter).toEqual({ customFields: { tier: 'gold' } });
    const members = (await mia('GET', `/segments/${view.id}/members?limit=25`)).body.items;
    await expect.poll(listed, { timeout: 15_000 }).toEqual(members.map((d: any) => d.title));

    const download = page.waitForEvent('download', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Export to CSV' }).click();
    const file = await (await download).path();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toContain('title');
    expect(lines[0]).toContain('custom.tier');
    // the seed's open deals are not gold: the view holds every fourth deal made here
    expect(lines.length - 1).toBe(Math.ceil(DEALS / 4));
    await page
      .getByRole('status')
      .filter({ hasText: /Exported \d+ rows of the deals/ })
      .waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  }, 90_000);
});

describe('bulk actions', () => {
  it('reassigns the chosen deals one call each; the one someone changed meanwhile is refused (412), the others change', async () => {
    watch();
    await open('Deals');
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'All deals' }).click();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await pick(page.getByRole('form', { name: 'Filters' }), 'Owner', 'Bob');
    await page.getByRole('textbox', { name: 'Tags' }).fill('handover');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const handover = (await mia('GET', '/deals?ownerId=bob&tag=handover&limit=100')).body.items as any[];
    expect(handover.length).toBeGreaterThan(5);
    await expect
      .poll(async () => (await listed()).length, { timeout: 15_000 })
      .toBe(Math.min(25, handover.length));
    const rows = await listed();
    // a click on the first and a shift-click on the sixth choose the six between
    const choose = (title: string) => dealsTable().getByRole('checkbox', { name: `Choose ${title}` });
    await choose(rows[0]!).click();
    await choose(rows[5]!).click({ modifiers: ['Shift'] });
    await page.getByRole('heading', { name: '6 deals chosen' }).waitFor();
    const chosen = rows.slice(0, 6).map((t) => handover.find((d) => d.title === t)!);
    // someone changes one of them after the list was read
    const changed = chosen[2]!;
    const renamed = await local.api('PATCH', `/deals/${changed.id}`, {
      token: await local.token({ user: 'bob', groups: ['sales'] }),
      headers: { 'if-match': `"${changed.version}"` },
      body: { leadSource: 'event' },
    });
    expect(renamed.status).toBe(200);

    await pick(page.getByRole('form', { name: 'Reassign' }), 'New owner', 'Alice');
    await page.getByRole('button', { name: 'Reassign 6 deals' }).click();
    await page.getByRole('status').filter({ hasText: '5 reassigned, 1 not' }).waitFor({ timeout: 30_000 });
    const failed = page.locator('[data-outcome="failed"]');
    expect(await failed.count()).toBe(1);
    expect(await failed.textContent()).toContain(
      `${changed.title}: not reassigned: someone changed this meanwhile`,
    );
    for (const d of chosen) {
      const now = (await mia('GET', `/deals/${d.id}`)).body;
      expect(now.ownerId, d.title).toBe(d.id === changed.id ? 'bob' : 'alice');
    }
    // the refused deal stays chosen, to try again
    await page.getByRole('heading', { name: '1 deal chosen' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await documentScreen(page, 'bulk', { fullPage: true });
  }, 90_000);
});

describe('bulk actions on the board', () => {
  it('a manager chooses a range of cards in a column and moves them in one go', async () => {
    watch();
    await open('Pipeline');
    await page.locator('[data-ready="true"]').waitFor();
    const lead = page.locator('[data-stage-id="st_lead"]');
    const ids = await lead
      .locator('[data-deal-id]')
      .evaluateAll((cards) =>
        cards.slice(0, 3).map((c) => (c as unknown as { dataset: { dealId: string } }).dataset.dealId),
      );
    const titles = await Promise.all(ids.map(async (id) => (await mia('GET', `/deals/${id}`)).body.title));
    await lead.getByRole('checkbox', { name: `Choose ${titles[0]}` }).click();
    await lead.getByRole('checkbox', { name: `Choose ${titles[2]}` }).click({ modifiers: ['Shift'] });
    await page.getByRole('heading', { name: '3 deals chosen' }).waitFor();
    await page
      .getByRole('form', { name: 'Move' })
      .getByLabel('Move to stage')
      .selectOption({ label: 'Proposal' });
    await page.getByRole('button', { name: 'Move 3 deals' }).click();
    await page.getByRole('status').filter({ hasText: '3 moved, 0 not' }).waitFor({ timeout: 30_000 });
    for (const id of ids) expect((await mia('GET', `/deals/${id}`)).body.stageId).toBe('st_proposal');
    for (const id of ids)
      await page.locator(`[data-stage-id="st_proposal"] [data-deal-id="${id}"]`).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  }, 60_000);
});

describe('imports and exports on screen', () => {
  it('shows how the columns map before anything is written, refuses a file without a required column, and reports the rejected and duplicate rows', async () => {
    watch();
    await open('Import and export');
    await page.getByRole('heading', { name: 'Import a CSV file' }).waitFor();
    const file = page.getByLabel('CSV file (UTF-8, a header row first)');
    await file.setInputFiles({
      name: 'no-names.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Surname,E-mail\nLovelace,ada@analytical.example\n'),
    });
    const problem = page.locator('[data-mapping-problem]');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('The file needs a column for First name (firstName)');
    expect(await page.getByRole('button', { name: 'Start the import' }).isDisabled()).toBe(true);
    expect((await local.busEvents('ImportFinished')).length).toBe(0);

    const csv = [
      'First Name,Surname,E-mail,Shoe size',
      'Ada,Lovelace,ada@analytical.example,38',
      'Charles,Babbage,charles@analytical.example,44',
      'Grace,Hopper,not-an-email,39',
      'Ada,King,ada@analytical.example,38',
      'Alan,Turing,alan@bletchley.example,43',
    ].join('\n');
    await file.setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.locator('tr[data-column="First Name"]').waitFor();
    const mapping = page.getByRole('table', { name: 'Column mapping' });
    expect(await mapping.getByLabel('Where “First Name” goes').inputValue()).toBe('firstName');
    expect(await mapping.getByLabel('Where “E-mail” goes').inputValue()).toBe('email');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('“Surname”, “Shoe size”');
    expect(await seriousViolations(page)).toEqual([]);
    await mapping.getByLabel('Where “Surname” goes').selectOption('lastName');
    await mapping.getByLabel('Where “Shoe size” goes').selectOption('');
    await problem.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Start the import' }).click();

    await page.locator('[data-import-status="completed"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-count="created"]').textContent()).toBe('3');
    expect(await page.locator('[data-count="rejected"]').textContent()).toBe('1');
    expect(await page.locator('[data-count="skipped"]').textContent()).toBe('1');
    const rejected = page.getByRole('table', { name: /^Rejected rows/ });
    await rejected.locator('tbody tr').first().waitFor();
    const [row, field] = await rejected.locator('tbody tr').first().locator('td').allTextContents();
    expect([row, field]).toEqual(['4', 'email']);
    const skipped = page.getByRole('table', { name: /^Skipped rows/ });
    await skipped.locator('tbody tr').first().waitFor();
    expect(await skipped.locator('tbody').textContent()).toContain('same email as row 2');
    expect(await seriousViolations(page)).toEqual([]);
    await documentScreen(page, 'import', { fullPage: true });
    // the surname column landed as the last name; the shoe size was left out
    const ada = (await mia('GET', '/contacts?email=ada@analytical.example')).body.items;
    expect(ada.map((c: any) => [c.firstName, c.lastName])).toEqual([['Ada', 'Lovelace']]);
  }, 120_000);
});

describe('keyboard shortcuts', () => {
  it("? lists them; j and k move through the rows and Enter opens one; / finds the page's search, else the header's; n opens a new deal; none while typing", async () => {
    watch();
    await open('Deals');
    const rows = await listed();
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('New deal');
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toBe(rows[0]);
    await page.keyboard.press('j');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toBe(rows[1]);

    await page.keyboard.press('/');
    const search = page.getByLabel('Search titles');
    expect(await search.evaluate((el) => el === (globalThis as any).document.activeElement)).toBe(true);
    await page.keyboard.type('jn');
    expect(await search.inputValue()).toBe('jn');
    expect(page.url()).toContain('/deals');
    await search.fill('');

    await page.keyboard.press('Escape');
    await dealsTable().getByRole('link', { name: rows[1] }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: rows[1] }).waitFor();

    await page.keyboard.press('n');
    const dialog2 = page.getByRole('dialog', { name: 'New deal' });
    await dialog2.waitFor();
    expect(new URL(page.url()).pathname).toBe('/pipeline');
    await page.keyboard.press('Escape');
    await dialog2.waitFor({ state: 'hidden' });
    // the board has no search of its own: `/` is the header's search of everything
    await page.keyboard.press('/');
    const everything = page.getByRole('combobox', { name: 'Search deals, contacts and companies' });
    await expect
      .poll(() => everything.evaluate((el) => el === (globalThis as any).document.activeElement))
      .toBe(true);
    expect(new URL(page.url()).pathname).toBe('/pipeline');
  }, 60_000);
});
