import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  type FileBrowser,
  launchBrowser,
  screenshotDir,
  seriousViolations,
  signedIn,
} from '../support/browser.js';
import { type RunningLocal, startLocal } from '../support/local-runtime.js';
import { pdfText } from '../support/pdf.js';

// Products, line items, quotes and the project's budget in a real browser against the local
// runtime (the CRM API's bundle as deployed, its fonts beside it; the local S3 and SES), as a
// sales admin uses them: a product added in Admin, lines added from it and typed free with their
// totals live, a quote made, its PDF downloaded and read back, sent, accepted; then the deal won
// through the API and the project's budget by line read on its page; another deal's quote
// declined with the customer's reason, through an API that fails once. Each step checked in the API.

let local: RunningLocal;
let browser: FileBrowser;
let page: Page;
let shots: string;
let ada: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;
let dealId: string;
let contactId: string;
let productId: string;

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000 });

beforeAll(async () => {
  [local, browser] = await Promise.all([
    startLocal({ args: ['--seed'], warm: ['CrmApi', 'WorkspaceApi', 'DeliveryApi', 'OutboxRelay'] }),
    launchBrowser(),
  ]);
  shots = screenshotDir(mkdtempSync(join(tmpdir(), 'handoff-quotes-')));
  const token = await local.token({ user: 'ada', groups: ['sales', 'admin'] });
  ada = (method, path, body) => local.api(method, path, { token, ...(body === undefined ? {} : { body }) });
  const company = (await ada('POST', '/companies', { name: 'Søndergaard & Co' })).body;
  const contact = await ada('POST', '/contacts', {
    firstName: 'Zoë',
    lastName: 'Иванова',
    emails: ['zoe@sondergaard.example'],
    companyId: company.id,
  });
  expect(contact.status).toBe(201);
  contactId = contact.body.id;
  const deal = await ada('POST', '/deals', {
    title: 'Fleet portal',
    value: { amount: 100_000, currency: 'EUR' },
    ownerId: 'ada',
    companyId: company.id,
    contactId,
    nextAction: { summary: 'Send the quote', dueAt: new Date(Date.now() + 7 * DAY).toISOString() },
  });
  expect(deal.status).toBe(201);
  dealId = deal.body.id;
  ({ page } = await signedIn(browser, local.consoleUrl, 'ada', ['sales', 'admin'], '/admin'));
}, 240_000);

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

describe('a sales admin, with products and quotes', () => {
  it('adds a product to the catalog in Admin', async () => {
    watch();
    const form = page.locator('form.product-form');
    await form.getByLabel('Product name').fill('Build');
    await form.getByLabel('Unit', { exact: true }).selectOption('hour');
    await form.getByLabel('Price').fill('100');
    await form.getByLabel('Tax %').fill('19');
    await form.getByRole('button', { name: 'Add the product' }).click();
    await page.getByRole('button', { name: 'Retire Build' }).waitFor();
    const products = (await ada('GET', '/products')).body.items;
    productId = products[0]?.id;
    expect(products).toEqual([
      expect.objectContaining({
        name: 'Build',
        unit: 'hour',
        unitPrice: { amount: 10_000, currency: 'EUR' },
      }),
    ]);
    expect(await seriousViolations(page)).toEqual([]);
  }, 60_000);

  it('prices the deal with lines from the catalog and typed free, the totals live before saving', async () => {
    watch();
    await page.goto(`${local.consoleUrl}/deals/${dealId}`);
    await page.getByRole('heading', { name: 'Line items' }).waitFor();
    await page.getByLabel('Add from the catalog').selectOption(productId);
    await page.getByLabel('Line 1 quantity').fill('2.5');
    await page.getByLabel('Line 1 discount').fill('10');
    // 2.5 × 100.00 − 10 % = 225.00 net; + 19 % = 267.75
    await poll(() => page.getByTestId('lines-net').textContent()).toContain('225.00');
    await poll(() => page.getByTestId('lines-total').textContent()).toContain('267.75');
    await page.getByRole('button', { name: 'Add a free line' }).click();
    await page.getByLabel('Line 2 name').fill('Launch party 🚀 東京 김민준');
    await page.getByLabel('Line 2 unit price').fill('50');
    await poll(() => page.getByTestId('lines-net').textContent()).toContain('275.00');
    await page.getByRole('button', { name: 'Save the line items' }).click();
    await poll(async () => (await ada('GET', `/deals/${dealId}`)).body.value).toEqual({
      amount: 27_500,
      currency: 'EUR',
    });
    const lines = (await ada('GET', `/deals/${dealId}/line-items`)).body;
    expect(lines.totals).toMatchObject({ net: 27_500, tax: 4_275, total: 31_775 });
    expect(await seriousViolations(page)).toEqual([]);
  }, 60_000);

  it('makes a quote, downloads its PDF and reads it, sends it, and records the acceptance', async () => {
    watch();
    await page.getByLabel('Scope').fill('The fleet portal, built and launched');
    await page.getByRole('button', { name: 'Make a quote' }).click();
    const first = page.getByTestId('quote-1');
    await poll(() => first.textContent()).toContain('draft');
    const quote = (await ada('GET', `/deals/${dealId}/quotes`)).body.items[0];
    const label = `${quote.number} v1`;

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: `PDF of ${label}` }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${quote.number}-v1.pdf`);
    const { pages } = await pdfText(readFileSync((await download.path())!));
    const text = pages.join('\n');
    expect(text).toContain(`Quote ${quote.number}`);
    expect(text).toMatch(/Launch party\s+🚀/);
    // drawn by the CJK fonts the deployed function ships beside its bundle (not U+FFFD)
    expect(text).toMatch(/東\s*京\s+김\s*민\s*준/u);
    expect(text).not.toContain('\ufffd');
    expect(text).toContain('Zoë Иванова');
    expect(text).toMatch(/EUR\s+317\.75/);

    await page.getByRole('button', { name: `Send ${label}` }).click();
    await poll(() => first.textContent()).toContain('sent to zoe@sondergaard.example');
    const mails = readdirSync(join(local.localDir, 'mail')).filter((f) => f.endsWith('.json'));
    const mailed = mails.map((f) => JSON.parse(readFileSync(join(local.localDir, 'mail', f), 'utf8')));
    expect(mailed).toContainEqual(
      expect.objectContaining({
        to: ['zoe@sondergaard.example'],
        attachments: [expect.objectContaining({ fileName: `${quote.number}-v1.pdf` })],
      }),
    );

    await page.getByRole('button', { name: `Accept ${label}` }).click();
    await poll(() => first.textContent()).toContain('accepted');
    await page.getByText(`Fixed by the accepted quote ${label}`).waitFor();
    expect((await ada('GET', `/quotes/${quote.id}`)).body.status).toBe('accepted');
    expect(await seriousViolations(page)).toEqual([]);
  }, 90_000);

  it("shows the won project's budget by line, over budget once more time is logged than was sold", async () => {
    watch();
    const won = await ada('POST', `/deals/${dealId}/won`, {
      handoff: {
        promisedTimeline: { dueDate: isoDay(Date.now() + 60 * DAY) },
        keyConstraints: ['Hosted in the EU'],
        mainStakeholderContactId: contactId,
        kickoffDate: isoDay(Date.now() - 7 * DAY),
      },
    });
    expect(won.status, JSON.stringify(won.body)).toBe(200);
    let project: any;
    const until = Date.now() + 60_000;
    while (!project) {
      const found = await ada('GET', `/deals/${dealId}/project`);
      if (found.status === 200) project = found.body;
      else if (Date.now() > until) throw new Error('the handoff made no project within a minute');
      else await new Promise((r) => setTimeout(r, 250));
    }
    const build = project.budgetLines.find((l: { name: string }) => l.name === 'Build');
    const logged = await ada('POST', `/tasks/${project.tasks[0].id}/time-entries`, {
      date: isoDay(Date.now()),
      minutes: 180,
      budgetLineId: build.id,
    });
    expect(logged.status, JSON.stringify(logged.body)).toBe(201);
    await page.goto(`${local.consoleUrl}/projects/${project.id}`);
    const table = page.getByRole('table', { name: 'Budget by line' });
    await table.waitFor();
    await page.getByText('Over budget: more time was logged than was sold on a line.').waitFor();
    const row = table.getByRole('row', { name: /Build/ });
    await poll(() => row.textContent()).toContain('120 % (over)');
    expect(await seriousViolations(page)).toEqual([]);
  }, 120_000);

  it("records a customer's no with the reason typed in the page; with the API down the reason is kept, said, and recorded when tried again", async () => {
    watch();
    const deal = await ada('POST', '/deals', {
      title: 'Depot tablets',
      value: { amount: 20_000, currency: 'EUR' },
      ownerId: 'ada',
      contactId,
      nextAction: { summary: 'Hear back on the quote', dueAt: new Date(Date.now() + 3 * DAY).toISOString() },
    });
    expect(deal.status, JSON.stringify(deal.body)).toBe(201);
    const lines = await local.api('PUT', `/deals/${deal.body.id}/line-items`, {
      token: await local.token({ user: 'ada', groups: ['sales', 'admin'] }),
      body: { lineItems: [{ name: 'Tablet', quantity: 4, unitPrice: { amount: 5_000, currency: 'EUR' } }] },
    });
    expect(lines.status, JSON.stringify(lines.body)).toBe(200);
    const quote = (
      await ada('POST', `/deals/${deal.body.id}/quotes`, {
        scopeSummary: 'Four tablets for the depot',
        validUntil: isoDay(Date.now() + 30 * DAY),
      })
    ).body;
    const label = `${quote.number} v1`;
    await page.goto(`${local.consoleUrl}/deals/${deal.body.id}`);
    await page.getByRole('button', { name: `Decline ${label}` }).click();
    const form = page.getByRole('form', { name: `Decline ${label}` });
    await form.getByLabel(`Why did the customer decline ${label}?`).fill('Bought refurbished ones — cheaper');
    expect(await seriousViolations(page)).toEqual([]);
    await local.stopApi();
    try {
      await form.getByRole('button', { name: 'Record the decline' }).click();
      await form
        .getByRole('alert')
        .filter({ hasText: 'Not recorded: Handoff could not be reached.' })
        .waitFor();
      expect(await form.getByLabel(`Why did the customer decline ${label}?`).inputValue()).toBe(
        'Bought refurbished ones — cheaper',
      );
    } finally {
      await local.restartApi();
    }
    await form.getByRole('alert').getByRole('button', { name: 'Try again' }).click();
    await poll(() => page.getByTestId('quote-1').textContent()).toContain(
      'declined: Bought refurbished ones — cheaper',
    );
    expect(await form.count()).toBe(0);
    expect((await ada('GET', `/quotes/${quote.id}`)).body).toMatchObject({
      status: 'declined',
      declineReason: 'Bought refurbished ones — cheaper',
    });
  }, 90_000);
});
