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

// The console people can trust all day, on the local runtime with the demo company: what they
// type survives every failure (a refusal, a record changed meanwhile, an API that is down), the
// messages say what to do, records are edited with names (never ids), custom fields are in the
// forms the moment an admin defines them, and controls appear only where the person may act.

let local: RunningLocal;
let browser: FileBrowser;
let shots: string;
let current: Page | undefined;

beforeAll(async () => {
  [local, browser] = await Promise.all([
    startLocal({
      args: ['--seed'],
      warm: ['CrmApi', 'WorkspaceApi', 'DeliveryApi', 'ReportsApi', 'OutboxRelay'],
    }),
    launchBrowser(),
  ]);
  shots = screenshotDir(mkdtempSync(join(tmpdir(), 'handoff-trust-')));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
});

function watch(page: Page): Page {
  current = page;
  onTestFailed(async ({ task }) => {
    const file = join(shots, `failed-${task.name.replace(/\W+/g, '-').slice(0, 60)}.png`);
    await current?.screenshot({ path: file, fullPage: true });
    console.error(`the page when "${task.name}" failed: ${file}`);
  });
  return page;
}

const apiAs = async (user: string, groups: string[]) => {
  const token = await local.token({ user, groups });
  return (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    local.api(method, path, {
      token,
      ...(body === undefined ? {} : { body }),
      ...(headers ? { headers } : {}),
    });
};

const dealNamed = async (title: string) => {
  const alice = await apiAs('alice', ['sales']);
  const found = (await alice('GET', `/deals?q=${encodeURIComponent(title)}&limit=5`)).body.items;
  return found.find((d: any) => d.title === title);
};

const openDeal = async (page: Page, title: string) => {
  const deal = await dealNamed(title);
  await page.goto(`${local.consoleUrl}/deals/${deal.id}`);
  await page.getByRole('heading', { name: title }).waitFor();
  return deal;
};

describe('a sales rep whose typing is never lost', () => {
  let page: Page;

  beforeAll(async () => {
    ({ page } = await signedIn(browser, local.consoleUrl, 'alice', ['sales']));
  }, 60_000);

  it('a task without a due date is refused with what to do, and the subject and notes stay', async () => {
    watch(page);
    await openDeal(page, 'Acme platform rollout');
    await page.getByLabel('Kind').selectOption('task');
    await page.getByLabel('Subject').fill('Send the security questionnaire');
    await page.getByLabel('Notes').fill('Grace asked for the ISO 27001 annex 🙂 <b>too</b>');
    await page.getByRole('button', { name: 'Add task' }).click();
    await page.locator('[data-field-error="dueAt"]', { hasText: 'Pick a date and time.' }).waitFor();
    expect(await page.getByLabel('Subject').inputValue()).toBe('Send the security questionnaire');
    expect(await page.getByLabel('Notes').inputValue()).toBe(
      'Grace asked for the ISO 27001 annex 🙂 <b>too</b>',
    );
    expect(
      await page.getByRole('alert').filter({ hasText: 'Not saved: check what is marked.' }).count(),
    ).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);

    // a date in the past asks first; confirmed, it is saved, markup kept as text
    await page.getByLabel('Due', { exact: true }).last().fill('2020-03-02T10:00');
    await page.getByRole('button', { name: 'Add task' }).click();
    await page.getByText('That is in the past').waitFor();
    await page.getByRole('button', { name: 'Yes, save with this date' }).click();
    await page
      .locator('li', { hasText: 'Send the security questionnaire' })
      .filter({ has: page.getByRole('button', { name: 'Done' }) })
      .waitFor();
    expect(await page.getByLabel('Subject').inputValue()).toBe('');
    const deal = await dealNamed('Acme platform rollout');
    const alice = await apiAs('alice', ['sales']);
    const tasks = (await alice('GET', `/activities?dealId=${deal.id}`)).body.items.filter(
      (a: any) => a.type === 'task',
    );
    // the browser runs on this machine's clock and zone: its local 10:00 is this process's
    expect(tasks.map((t: any) => [t.subject, t.body, Date.parse(t.dueAt)])).toEqual([
      [
        'Send the security questionnaire',
        'Grace asked for the ISO 27001 annex 🙂 <b>too</b>',
        Date.parse('2020-03-02T10:00'),
      ],
    ]);
  }, 60_000);

  it('a next action set over a deal changed meanwhile keeps the text and is set once asked again', async () => {
    watch(page);
    const deal = await openDeal(page, 'Initech training');
    // meanwhile, in another tab, the deal moves on
    const alice = await apiAs('alice', ['sales']);
    const moved = await alice(
      'POST',
      `/deals/${deal.id}/move`,
      { stageId: 'st_qualified' },
      { 'if-match': `"${deal.version}"` },
    );
    expect(moved.status).toBe(200);
    await page.getByLabel('Next action', { exact: true }).fill('Book the onsite workshop');
    await page.getByLabel('Due', { exact: true }).first().fill('2031-02-03T10:00');
    await page.getByRole('button', { name: 'Save next action' }).click();
    await page.getByRole('alert').filter({ hasText: 'Not saved: someone changed this meanwhile' }).waitFor();
    expect(await page.getByLabel('Next action', { exact: true }).inputValue()).toBe(
      'Book the onsite workshop',
    );
    await page.getByRole('button', { name: 'Set mine anyway' }).click();
    await expect
      .poll(async () => (await alice('GET', `/deals/${deal.id}`)).body.nextAction.summary, {
        timeout: 15_000,
      })
      .toBe('Book the onsite workshop');
    expect((await alice('GET', `/deals/${deal.id}`)).body.stageId).toBe('st_qualified');
  }, 60_000);

  it('edits the deal with names, not ids; a 412 lists what changed and saves mine over it', async () => {
    watch(page);
    const deal = await openDeal(page, 'Initech reporting suite');
    // names everywhere: the company and the contact, the stage, the owner
    const facts = page.locator('dl.facts');
    await facts.getByRole('link', { name: 'Bill Lumbergh' }).waitFor();
    await facts.getByRole('link', { name: 'Initech' }).waitFor();
    expect(await facts.textContent()).not.toMatch(/co_|ct_|alice/);
    await page.locator('.timeline li', { hasText: 'Demo set-up created Initech reporting suite' }).waitFor();
    await page.getByRole('button', { name: 'Edit the deal' }).click();
    await page.getByLabel('Value', { exact: true }).fill('41000');
    await page.getByLabel('Expected close').fill('2031-04-30');
    await page.getByLabel('Tags').fill('priority, reporting');
    await page.getByRole('combobox', { name: 'Contact', exact: true }).fill('peter');
    await page.getByRole('option', { name: /Peter Gibbons/ }).click();
    expect(await seriousViolations(page)).toEqual([]);
    // someone renames it meanwhile
    const alice = await apiAs('alice', ['sales']);
    const renamed = await alice(
      'PATCH',
      `/deals/${deal.id}`,
      { title: 'Initech reporting suite (phase 1)' },
      {
        'if-match': `"${deal.version}"`,
      },
    );
    expect(renamed.status).toBe(200);
    await page.getByRole('button', { name: 'Save changes' }).click();
    const changed = page.getByRole('region', { name: 'Changed meanwhile' });
    // the deal is read again first, then what changed is listed
    await expect
      .poll(() => changed.textContent(), { timeout: 15_000 })
      .toContain('Title: Initech reporting suite → Initech reporting suite (phase 1)');
    // nothing typed was lost
    expect(await page.getByLabel('Value', { exact: true }).inputValue()).toBe('41000');
    await documentScreen(page, 'deal-edit', { fullPage: true });
    await page.getByRole('button', { name: 'Save mine over it' }).click();
    // saved: the form closes and the facts show the new contact by name
    await page.locator('dl.facts', { hasText: 'Peter Gibbons' }).waitFor();
    await page.getByRole('heading', { name: 'Initech reporting suite (phase 1)' }).waitFor();
    const now = (await alice('GET', `/deals/${deal.id}`)).body;
    expect(now).toMatchObject({
      title: 'Initech reporting suite (phase 1)',
      value: { amount: 4_100_000, currency: 'EUR' },
      expectedCloseDate: '2031-04-30',
      tags: ['priority', 'reporting'],
    });
    expect(now.contactId).not.toBe(deal.contactId);
  }, 60_000);

  it('the timeline says from which stage to which a deal moved', async () => {
    watch(page);
    await openDeal(page, 'Initech training');
    await page
      .locator('.timeline li', { hasText: 'moved Initech training from Lead to Qualified' })
      .waitFor();
  }, 30_000);

  it("a colleague's deal has no handles, stage select, edit, win or next-action controls", async () => {
    watch(page);
    await page.goto(`${local.consoleUrl}/pipeline`);
    await page.locator('[data-ready="true"]').waitFor();
    const bobs = await dealNamed('Globex expansion');
    expect(await page.locator(`[data-deal-id="${bobs.id}"] .grip`).count()).toBe(0);
    const mine = await dealNamed('Acme platform rollout');
    expect(await page.locator(`[data-deal-id="${mine.id}"] .grip`).count()).toBe(1);
    await openDeal(page, 'Globex expansion');
    for (const name of ['Edit the deal', 'Win…', 'Lost…', 'Save next action'])
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    expect(await page.getByRole('combobox', { name: 'Stage' }).count()).toBe(0);
  }, 30_000);

  it('a new deal with a huge title, a negative value or a fraction of a cent: each said at its field, all kept, nothing written', async () => {
    watch(page);
    await page.goto(`${local.consoleUrl}/pipeline`);
    await page.locator('[data-ready="true"]').waitFor();
    const before = (await (await apiAs('alice', ['sales']))('GET', '/deals?limit=100')).body.items.length;
    await page.getByRole('button', { name: 'New deal' }).click();
    const dialog = page.getByRole('dialog', { name: 'New deal' });
    const huge = 'Ünïcödé <script>alert(1)</script> 🚀 '.repeat(3_000).slice(0, 100_000);
    await dialog.getByLabel('Title').fill(huge);
    await dialog.getByLabel('Value', { exact: true }).fill('-5');
    await dialog.getByLabel('What').fill('Call');
    await dialog.getByLabel('Due').fill('2031-01-15T09:30');
    await dialog.getByRole('button', { name: 'Create deal' }).click();
    await dialog
      .locator('[data-field-error="title"]', { hasText: 'Keep it to 200 characters or fewer.' })
      .waitFor();
    await dialog.locator('[data-field-error="value.amount"]', { hasText: 'Must be 0 or more.' }).waitFor();
    expect((await dialog.getByLabel('Title').inputValue()).length).toBe(100_000);
    await dialog.getByLabel('Title').fill('Cent fractions');
    await dialog.getByLabel('Value', { exact: true }).fill('12.345');
    await dialog.getByRole('button', { name: 'Create deal' }).click();
    await dialog
      .locator('[data-field-error="value.amount"]', {
        hasText: 'Use at most the currency’s decimals (cents).',
      })
      .waitFor();
    expect(await dialog.getByLabel('Value', { exact: true }).inputValue()).toBe('12.345');
    expect((await (await apiAs('alice', ['sales']))('GET', '/deals?limit=100')).body.items.length).toBe(
      before,
    );
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Close' }).click();
  }, 60_000);

  it('with the API down, a new contact is not created, says so, keeps the form, and is created once when retried', async () => {
    watch(page);
    await page.goto(`${local.consoleUrl}/contacts`);
    await page.getByRole('button', { name: 'New contact' }).click();
    await page.getByLabel('First name').fill('Jürgen');
    await page.getByLabel('Last name').fill('Weiß');
    await page.getByLabel('Email').fill('juergen@acme.example');
    await local.stopApi();
    try {
      await page.getByRole('button', { name: 'Add contact' }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: 'Not created: Handoff could not be reached.' })
        .waitFor();
      expect(await page.getByLabel('First name').inputValue()).toBe('Jürgen');
      expect(await page.getByLabel('Last name').inputValue()).toBe('Weiß');
    } finally {
      await local.restartApi();
    }
    await page.getByRole('alert').getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('heading', { name: 'Jürgen Weiß' }).waitFor();
    const alice = await apiAs('alice', ['sales']);
    const found = (await alice('GET', '/contacts?email=juergen@acme.example')).body.items;
    expect(found.length).toBe(1);
  }, 60_000);
});

describe('custom fields, from Admin to a rep’s new deal', () => {
  it("an admin's new required field is in the rep's New deal form at once, required, and saved", async () => {
    const ada = await apiAs('ada', ['admin']);
    // an API instance that has served a request already (warm) must accept the field at once
    const alice = await apiAs('alice', ['sales']);
    expect((await alice('GET', '/deals?limit=1')).status).toBe(200);
    const defined = await ada('POST', '/custom-fields', {
      entity: 'deal',
      key: 'tier',
      label: 'Customer tier',
      type: 'select',
      required: true,
      options: ['gold', 'silver'],
    });
    expect(defined.status).toBe(201);
    const { page } = await signedIn(browser, local.consoleUrl, 'alice', ['sales']);
    watch(page);
    await page.locator('[data-ready="true"]').waitFor();
    await page.getByRole('button', { name: 'New deal' }).click();
    await page.getByLabel('Title').fill('Acme analytics add-on');
    await page.getByLabel('Value', { exact: true }).fill('9500.50');
    await page.getByLabel('What').fill('Send the quote');
    await page.getByLabel('Due').fill('2031-01-15T09:30');
    await page.getByRole('combobox', { name: 'Company', exact: true }).fill('acm');
    await page.getByRole('option', { name: /Acme GmbH/ }).click();
    await page.getByLabel('Expected close').fill('2031-03-31');
    await page.getByRole('button', { name: 'Create deal' }).click();
    // required, and said at the field by its label
    await page.locator('[data-field-error="customFields.tier"]', { hasText: 'Choose one.' }).waitFor();
    expect(await page.getByLabel('Title').inputValue()).toBe('Acme analytics add-on');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Customer tier').selectOption('gold');
    await page.getByRole('button', { name: 'Create deal' }).click();
    await page.getByRole('heading', { name: 'Acme analytics add-on' }).waitFor();
    const made = await dealNamed('Acme analytics add-on');
    expect(made).toMatchObject({
      customFields: { tier: 'gold' },
      value: { amount: 950_050, currency: 'EUR' },
      expectedCloseDate: '2031-03-31',
    });
    expect(made.companyId).toMatch(/^co_/);
    await page.locator('[data-custom-field="tier"]', { hasText: 'gold' }).waitFor();
    await ada('DELETE', '/custom-fields/deal/tier');
  }, 90_000);
});

describe('screens by role', () => {
  it('a rep reads the reports of their own deals without a refusal; delivery has no Reports at all', async () => {
    const { page } = await signedIn(browser, local.consoleUrl, 'alice', ['sales'], '/reports');
    watch(page);
    await page.locator('section[aria-labelledby="r-pipeline"] tr', { hasText: 'Total' }).waitFor();
    await page.getByRole('heading', { name: 'Stalled deals' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    const delivery = (await signedIn(browser, local.consoleUrl, 'dora', ['delivery'])).page;
    watch(delivery);
    expect(
      await delivery.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).count(),
    ).toBe(0);
    await delivery.goto(`${local.consoleUrl}/reports`);
    await delivery.getByRole('heading', { name: 'Not for your role' }).waitFor();
  }, 60_000);
});

describe('alerts reach the person who can act', () => {
  it('a slip past the promise is on the delivery owner’s follow-ups, and on the rep’s as the promise they made', async () => {
    const alice = await apiAs('alice', ['sales']);
    const dora = await apiAs('dora', ['delivery']);
    expect((await dora('PATCH', '/me', { name: 'Dora' })).status).toBe(200);
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const deal = (
      await alice('POST', '/deals', {
        title: 'Wayne fleet telemetry',
        value: { amount: 2_000_000, currency: 'EUR' },
        ownerId: 'alice',
        nextAction: { summary: 'Send the contract', dueAt: new Date(Date.now() + 86_400_000).toISOString() },
      })
    ).body;
    const grace = (await alice('GET', '/contacts?q=grace&limit=1')).body.items[0];
    const won = await alice('POST', `/deals/${deal.id}/won`, {
      handoff: {
        scopeSummary: 'Telemetry for the fleet',
        promisedTimeline: { dueDate: day(150) },
        keyConstraints: ['EU data only'],
        mainStakeholderContactId: grace.id,
        kickoffDate: day(7),
        deliveryOwnerId: 'dora',
      },
    });
    expect(won.status).toBe(200);
    let project: any;
    await expect
      .poll(
        async () => {
          const found = await alice('GET', `/deals/${deal.id}/project`);
          project = found.body;
          return found.status;
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe(200);
    expect(project.ownerId).toBe('dora');
    // the delivery lead slips a task by a quarter of a year: the plan now ends after the promise
    const task = project.tasks.find((t: any) => t.kind !== 'milestone' && t.durationDays > 0);
    const slipped = await dora(
      'PATCH',
      `/tasks/${task.id}`,
      { durationDays: task.durationDays + 120 },
      {
        'if-match': `"${task.version}"`,
      },
    );
    expect(slipped.status).toBe(200);

    const { page } = await signedIn(browser, local.consoleUrl, 'dora', ['delivery'], '/followups');
    watch(page);
    const mine = page.locator('tbody tr', { hasText: 'Wayne fleet telemetry' });
    await mine.waitFor({ timeout: 30_000 });
    expect(await mine.textContent()).toContain('Promise at risk');
    expect(await mine.textContent()).toContain('you deliver it; Alice made the promise');
    expect(await seriousViolations(page)).toEqual([]);

    const rep = (await signedIn(browser, local.consoleUrl, 'alice', ['sales'], '/followups')).page;
    watch(rep);
    const theirs = rep.locator('tbody tr', { hasText: 'Wayne fleet telemetry' });
    await theirs.waitFor({ timeout: 30_000 });
    expect(await theirs.textContent()).toContain('the promise you made is at risk; Dora delivers it');
  }, 120_000);
});

describe('the accessibility check these screens pass', () => {
  it('would catch text too faint to read and a field without a label on a console screen', async () => {
    const { page } = await signedIn(browser, local.consoleUrl, 'alice', ['sales']);
    watch(page);
    expect(await seriousViolations(page)).toEqual([]);
    // styled through the CSSOM: the console's Content-Security-Policy refuses inline style attributes
    await page.locator('body').evaluate((body) => {
      const make = (tag: string) => body.ownerDocument.createElement(tag);
      const faint = make('div');
      faint.textContent = 'Overdue: call back';
      faint.style.color = '#ccc';
      faint.style.background = '#fff';
      faint.append(make('input'), make('button'));
      body.prepend(faint);
    });
    const found = await seriousViolations(page);
    expect(found.some((v) => v.startsWith('color-contrast:'))).toBe(true);
    expect(found.some((v) => v.startsWith('label:'))).toBe(true);
    expect(found.some((v) => v.startsWith('button-name:'))).toBe(true);
  });
});
