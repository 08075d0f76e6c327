import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
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

// Email in the console, in Debian's chromium on the local runtime: mail sent over real SMTP to
// the capture address shows on the contact's and the deal's timelines; its thread opens with the
// HTML sanitized (the sender's script never runs, the tracking pixel is never fetched); an email
// written on a deal's page goes out and comes back logged; a refused one keeps what was typed.

let local: RunningLocal;
let browser: FileBrowser;
let shots: string;
let page: Page;
let alice: string;
const domain = 'crm.handoff.local';
const ids: Record<string, string> = {};
/** Requests the page made to anywhere but the console and the API (a tracking pixel would be one). */
const outside: string[] = [];

const smtp = () => {
  const runtime = JSON.parse(readFileSync(join(local.localDir, 'runtime.json'), 'utf8'));
  const [host, port] = String(runtime.smtpAddress).split(':');
  return createTransport({
    host: host!,
    port: Number(port),
    requireTLS: true,
    // the local SMTP server's certificate is self-signed (loopback only)
    tls: { rejectUnauthorized: false },
  });
};

async function onTimeline(path: string, subject: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await local.api('GET', path, { token: alice });
    const found = res.body.items.find(
      (e: { activity?: { subject: string } }) => e.activity?.subject === subject,
    );
    if (found) return found.activity;
    if (Date.now() > deadline) throw new Error(`"${subject}" never reached ${path}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  [local, browser] = await Promise.all([
    startLocal({ warm: ['CrmApi', 'WorkspaceApi', 'OutboxRelay'] }),
    launchBrowser(),
  ]);
  shots = screenshotDir(mkdtempSync(join(tmpdir(), 'handoff-email-console-')));
  alice = await local.token({ user: 'alice', groups: ['sales'], email: 'alice@example.com' });
  await local.api('GET', '/me', { token: alice });
  ids.company = (await local.api('POST', '/companies', { token: alice, body: { name: 'Initech' } })).body.id;
  ids.contact = (
    await local.api('POST', '/contacts', {
      token: alice,
      body: {
        firstName: 'Peter',
        lastName: 'Gibbons',
        emails: ['peter@initech.example'],
        companyId: ids.company,
      },
    })
  ).body.id;
  ids.deal = (
    await local.api('POST', '/deals', {
      token: alice,
      body: {
        title: 'TPS report automation',
        value: { amount: 12_000, currency: 'USD' },
        ownerId: 'alice',
        contactId: ids.contact,
        companyId: ids.company,
        nextAction: { summary: 'Send the proposal', dueAt: '2030-01-02T09:00:00Z' },
      },
    })
  ).body.id;
  // a rep BCCs the capture address: the HTML body carries a script, a handler and a tracking pixel
  await smtp().sendMail({
    from: 'Alice <alice@example.com>',
    to: 'Peter Gibbons <peter@initech.example>',
    bcc: `log@${domain}`,
    subject: 'The proposal',
    text: 'Hi Peter, the proposal is below.',
    html:
      '<p>Hi Peter, <b>the proposal</b> is below.</p>' +
      '<script>window.__emailScriptRan = true</script>' +
      '<img src="x" onerror="window.__emailScriptRan = true">' +
      '<img src="https://tracker.invalid/open.gif?id=42" width="1" height="1">' +
      '<a href="https://initech.example/proposal" onclick="window.__emailScriptRan = true">the proposal</a>',
    messageId: '<proposal-console@example.com>',
    date: new Date(Date.now() - 2 * 3_600_000),
  });
  await smtp().sendMail({
    from: 'Peter Gibbons <peter@initech.example>',
    to: 'alice@example.com',
    cc: `deal-${ids.deal}@${domain}`,
    subject: 'Re: The proposal',
    text: 'Looks good. Yeah, if you could send it over, that would be great.',
    inReplyTo: '<proposal-console@example.com>',
    references: ['<proposal-console@example.com>'],
    date: new Date(Date.now() - 3_600_000),
  });
  await onTimeline(`/deals/${ids.deal}/timeline`, 'Re: The proposal');
  ({ page } = await signedIn(browser, local.consoleUrl, 'alice', ['sales']));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!['localhost', '127.0.0.1'].includes(url.hostname)) outside.push(request.url());
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
});

function watch(p: Page): Page {
  onTestFailed(async ({ task }) => {
    const file = join(shots, `failed-${task.name.replace(/\W+/g, '-').slice(0, 60)}.png`);
    await p.screenshot({ path: file, fullPage: true });
    console.error(`the page when "${task.name}" failed: ${file}`);
  });
  return p;
}

describe('email in the console', () => {
  it('the email is on the contact’s and the deal’s timelines', async () => {
    watch(page);
    await page.goto(`${local.consoleUrl}/contacts/${ids.contact}`);
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.getByText('The proposal', { exact: true }).waitFor();
    expect(await timeline.getByText('from Alice to Peter Gibbons').count()).toBe(1);
    await page.goto(`${local.consoleUrl}/deals/${ids.deal}`);
    const deal = page.getByRole('region', { name: 'Timeline' });
    await deal.getByText('Re: The proposal', { exact: true }).waitFor();
    await deal.getByText('The proposal', { exact: true }).waitFor();
  }, 60_000);

  it('its thread opens: both emails in order, the HTML sanitized (no script ran, the tracking pixel was not fetched), axe finds nothing serious', async () => {
    watch(page);
    await page.goto(`${local.consoleUrl}/deals/${ids.deal}`);
    await page.getByRole('button', { name: 'Open the thread of “The proposal”' }).click();
    const dialog = page.getByRole('dialog', { name: 'The proposal' });
    await dialog.getByRole('article').first().waitFor();
    const articles = dialog.getByRole('article');
    expect(await articles.count()).toBe(2);
    expect(await articles.nth(0).getAttribute('aria-label')).toBe(
      'The proposal, from Alice <alice@example.com>',
    );
    await articles.nth(1).getByText('Yeah, if you could send it over').waitFor();
    const html = articles.nth(0).locator('.email-html');
    await html.getByText('the proposal', { exact: true }).first().waitFor();
    expect(await html.locator('script, [onerror], [onclick], iframe, form').count()).toBe(0);
    expect(await html.locator('img[src]').count()).toBe(0);
    await articles.nth(0).getByText('2 remote images not loaded').waitFor();
    expect(await html.getByRole('link', { name: 'the proposal' }).getAttribute('rel')).toBe(
      'noopener noreferrer nofollow',
    );
    await page.waitForTimeout(300);
    expect(
      await page.evaluate(() => (globalThis as { __emailScriptRan?: boolean }).__emailScriptRan),
    ).toBeUndefined();
    expect(outside).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await documentScreen(page, 'email-thread');
    await dialog.getByRole('button', { name: 'Close' }).click();
  }, 60_000);

  it('an email written on the deal’s page is sent and appears on its timeline once logged', async () => {
    watch(page);
    await page.goto(`${local.consoleUrl}/deals/${ids.deal}`);
    await page.locator('code', { hasText: `deal-${ids.deal}@${domain}` }).waitFor();
    await page.getByRole('button', { name: 'Write an email' }).click();
    const form = page.getByRole('form', { name: 'Write an email' });
    expect(await form.getByLabel('To').inputValue()).toBe('peter@initech.example');
    await form.getByLabel('Subject').fill('Kickoff on Monday?');
    await form.getByLabel('Message').fill('Peter, does Monday at 10 work for the kickoff?');
    expect(await seriousViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Send' }).click();
    await page.getByText('“Kickoff on Monday?” is on the timeline.').waitFor({ timeout: 30_000 });
    await page
      .getByRole('region', { name: 'Timeline' })
      .getByText('Kickoff on Monday?', { exact: true })
      .waitFor();
    const logged = await onTimeline(`/deals/${ids.deal}/timeline`, 'Kickoff on Monday?');
    expect(logged.email).toMatchObject({ direction: 'sent', from: { address: 'alice@example.com' } });
  }, 60_000);

  it('a refused email keeps what was typed, the problem said at its field', async () => {
    watch(page);
    await page.goto(`${local.consoleUrl}/contacts/${ids.contact}`);
    await page.getByRole('button', { name: 'Write an email' }).click();
    const form = page.getByRole('form', { name: 'Write an email' });
    await form.getByLabel('To').fill('peter at initech');
    await form.getByLabel('Subject').fill('Lunch');
    await form.getByLabel('Message').fill('Thursday?');
    await form.getByRole('button', { name: 'Send' }).click();
    await form.locator('[data-field-error="to"]').waitFor();
    expect(await form.getByLabel('Subject').inputValue()).toBe('Lunch');
    expect(await form.getByLabel('Message').inputValue()).toBe('Thursday?');
    expect(await form.getByLabel('To').inputValue()).toBe('peter at initech');
    expect(await seriousViolations(page)).toEqual([]);
  }, 60_000);

  it('someone in a rep’s mail who is not a contact waits in the follow-ups; creating the contact puts the email on their timeline', async () => {
    watch(page);
    await smtp().sendMail({
      from: 'alice@example.com',
      to: 'Michael Bolton <michael@initech.example>',
      bcc: `log@${domain}`,
      subject: 'Welcome aboard',
      text: 'Glad to have you on the project.',
    });
    await page.goto(`${local.consoleUrl}/followups`);
    const review = page.getByRole('region', { name: 'People in your emails who are not contacts' });
    await review.getByText('Michael Bolton <michael@initech.example>').waitFor({ timeout: 30_000 });
    expect(await seriousViolations(page)).toEqual([]);
    await review.getByRole('button', { name: 'Create the contact michael@initech.example' }).click();
    await review.getByText('is a contact now; 1 email is on their timeline.').waitFor();
    await review.getByRole('link', { name: 'Michael Bolton' }).click();
    await page.getByRole('heading', { name: 'Michael Bolton' }).waitFor();
    await page
      .getByRole('region', { name: 'Timeline' })
      .getByText('Welcome aboard', { exact: true })
      .waitFor();
  }, 60_000);
});
