import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  documentScreen,
  type FileBrowser,
  launchBrowser,
  seriousViolations,
  signedIn,
} from '../support/browser.js';
import { type RunningLocal, startLocal } from '../support/local-runtime.js';

// The customer portal in a real browser on a phone-sized screen, against the local runtime: a
// delivery manager shares a won deal's project with the customer's main stakeholder, who opens
// the link without signing in, sees the promise beside the plan and the milestones, and approves
// the plan; the rep then sees the project's state on the deal. Another of the customer's contacts
// gets a link of their own. A revoked link stops the page.

let local: RunningLocal;
let browser: FileBrowser;
let shots: string;
let phone: BrowserContext;
let managerContext: BrowserContext;
let managerPage: Page;
let page: Page;
let projectId: string;
let dealId: string;
let linkId: string;
let approvalId: string;
let portalUrl: string;
let stakeholderId: string;
const requested: string[] = [];

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const apiAs = async (user: string, groups: string[]) => {
  const token = await local.token({ user, groups });
  return (method: string, path: string, body?: unknown) =>
    local.api(method, path, { token, ...(body === undefined ? {} : { body }) });
};

beforeAll(async () => {
  [local, browser] = await Promise.all([
    startLocal({ warm: ['CrmApi', 'WorkspaceApi', 'DeliveryApi', 'PortalApi', 'OutboxRelay'] }),
    launchBrowser(),
  ]);
  shots = mkdtempSync(join(tmpdir(), 'handoff-portal-console-'));
  const alice = await apiAs('alice', ['sales']);
  const mia = await apiAs('mia', ['manager']);
  await mia('GET', '/pipelines');
  const company = (await alice('POST', '/companies', { name: 'Initech' })).body;
  const stakeholder = (
    await alice('POST', '/contacts', {
      firstName: 'Peter',
      lastName: 'Gibbons',
      companyId: company.id,
      emails: ['peter@initech.example'],
    })
  ).body;
  stakeholderId = stakeholder.id;
  const deal = (
    await alice('POST', '/deals', {
      title: 'Initech TPS rollout',
      value: { amount: 2_000_000, currency: 'EUR' },
      ownerId: 'alice',
      companyId: company.id,
      contactId: stakeholder.id,
      nextAction: { summary: 'Send the contract', dueAt: new Date(Date.now() + 7 * DAY).toISOString() },
    })
  ).body;
  dealId = deal.id;
  let kickoff = isoDay(Date.now());
  while (new Date(`${kickoff}T00:00:00Z`).getUTCDay() !== 1) kickoff = isoDay(Date.parse(kickoff) + DAY);
  const won = await alice('POST', `/deals/${dealId}/won`, {
    handoff: {
      scopeSummary: 'TPS reports, automated',
      promisedTimeline: { dueDate: isoDay(Date.now() + 200 * DAY) },
      keyConstraints: ['No weekend work'],
      mainStakeholderContactId: stakeholder.id,
      kickoffDate: kickoff,
    },
  });
  expect(won.status, JSON.stringify(won.body)).toBe(200);
  const until = Date.now() + 60_000;
  while (!projectId) {
    const found = await alice('GET', `/deals/${dealId}/project`);
    if (found.status === 200) projectId = found.body.id;
    else if (Date.now() > until) throw new Error('the handoff made no project within a minute');
    else await new Promise((r) => setTimeout(r, 250));
  }
  // the manager shares the project from its page in the console; the URL is shown once
  ({ context: managerContext, page: managerPage } = await signedIn(
    browser,
    local.consoleUrl,
    'mia',
    ['manager'],
    `/projects/${projectId}`,
  ));
  // an approval the customer decides, and an internal task they never see
  const addTask = async (title: string, box: string) => {
    const form = managerPage.locator('details', { hasText: 'Add a task' });
    if ((await form.getAttribute('open')) === null) await form.locator('summary').click();
    await form.getByLabel('Task', { exact: true }).fill(title);
    await form.getByLabel(box).check();
    await form.getByRole('button', { name: 'Add task' }).click();
    await managerPage.locator('.plan tbody tr', { hasText: title }).waitFor();
  };
  await addTask('Approve the rollout plan', 'the customer approves it (in the portal)');
  await addTask('Margin review', 'internal (hidden from the customer)');
  const tasks = (await mia('GET', `/projects/${projectId}`)).body.tasks as {
    id: string;
    title: string;
    approval?: unknown;
    internal?: boolean;
  }[];
  const approval = tasks.find((t) => t.title === 'Approve the rollout plan')!;
  expect(approval.approval).toMatchObject({ approverContactId: stakeholder.id, status: 'pending' });
  expect(tasks.find((t) => t.title === 'Margin review')!.internal).toBe(true);
  approvalId = approval.id;
  await managerPage.getByRole('button', { name: 'Share with the main stakeholder' }).click();
  const shown = managerPage.getByLabel(/^Link for Peter Gibbons/);
  await shown.waitFor();
  const url = await shown.inputValue();
  expect(url).toMatch(/\/portal#plk_[0-9A-Z]{26}\.[A-Za-z0-9_-]{43}$/);
  expect(await seriousViolations(managerPage)).toEqual([]);
  const listed = (await mia('GET', `/projects/${projectId}/portal-links`)).body.items;
  expect(listed).toEqual([expect.objectContaining({ contactId: stakeholder.id, status: 'active' })]);
  linkId = listed[0].id;
  // the link as the customer gets it, on this machine's console
  portalUrl = `${local.consoleUrl}/portal${url.slice(url.indexOf('#'))}`;

  phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  page = await phone.newPage();
  page.on('request', (r) => requested.push(r.url()));
}, 240_000);

afterAll(async () => {
  await managerContext?.close();
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

describe('the customer portal on a phone', () => {
  it("is served with the console's policy headers; its API takes no JWT, and its tokens open no other route", async () => {
    const served = await fetch(`${local.consoleUrl}/portal`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-security-policy')).toContain(`connect-src 'self' ${local.apiUrl}`);
    expect(served.headers.get('x-frame-options')).toBe('DENY');
    // the gateway lets the exchange through to the portal function, which refuses a wrong token itself
    const wrong = await local.api('POST', '/portal/sessions', { body: { token: 'plk_x.y' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toBe('application/problem+json');
    // a portal session's token is no JWT: the gateway's authorizer refuses it on a team's route
    const token = portalUrl.slice(portalUrl.indexOf('#') + 1);
    const session = await local.api('POST', '/portal/sessions', { body: { token } });
    expect(session.status).toBe(201);
    const staff = await local.api('GET', `/projects/${projectId}`, { token: session.body.accessToken });
    expect(staff.status).toBe(401);
    expect(staff.body).toEqual({ message: 'Unauthorized' });
  });

  it('opens from the link without sign-in: the promise beside the plan, milestones, what waits on them; axe clean', async () => {
    watch();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(portalUrl);
    await page.getByRole('heading', { name: 'Initech TPS rollout', level: 1 }).waitFor();
    // the secret leaves the address bar at once
    expect(page.url()).toBe(`${local.consoleUrl}/portal`);
    await page.getByText('Hello Peter Gibbons').waitFor();
    await page.getByRole('heading', { name: 'The date' }).waitFor();
    expect(await page.locator('.portal-dates').textContent()).toMatch(/Promised[\s\S]*Planned finish/);
    expect(await page.locator('.portal-state').textContent()).toMatch(/^(On track|At risk)/);
    await page.getByRole('heading', { name: 'Milestones' }).waitFor();
    expect(await page.locator('.portal-list li[data-status]').count()).toBeGreaterThan(0);
    await page.getByRole('heading', { name: 'Approve the rollout plan' }).waitFor();
    expect(await page.getByRole('progressbar').getAttribute('value')).toBe('0');
    expect(await page.getByText('Margin review').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    // nothing but the console and the API: no third-party resources
    const origins = new Set(requested.map((u) => new URL(u).origin));
    expect([...origins].sort()).toEqual(
      [new URL(local.consoleUrl).origin, new URL(local.apiUrl).origin].sort(),
    );
    // fits a phone: nothing wider than the screen
    expect(
      await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth as number),
    ).toBeLessThanOrEqual(390);
    expect(errors).toEqual([]);
    await documentScreen(page, 'portal', { fullPage: true });
  }, 60_000);

  it('sending back needs a comment; approving records the decision as the contact', async () => {
    watch();
    await page.getByRole('button', { name: 'Send back' }).click();
    await page.getByRole('alert').filter({ hasText: 'Say what must change' }).waitFor();
    await page.getByLabel('Comment (needed to send it back)').fill('Looks good to us');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').filter({ hasText: 'Sent' }).waitFor();
    await page.getByRole('heading', { name: 'Approved by you' }).waitFor();
    await page.getByText('Nothing waits on you.').waitFor();
    const dora = await apiAs('mia', ['manager']);
    const task = (await dora('GET', `/tasks/${approvalId}`)).body;
    expect(task.approval).toMatchObject({
      status: 'approved',
      decidedBy: `contact:${stakeholderId}`,
      comment: 'Looks good to us',
    });
    expect(task.status).toBe('done');
    expect(await seriousViolations(page)).toEqual([]);
  }, 60_000);

  it('the rep sees the project on the deal: progress, the promise, the next milestone, nothing waiting on the customer', async () => {
    const rep = await signedIn(browser, local.consoleUrl, 'alice', ['sales'], `/deals/${dealId}`);
    try {
      const delivery = rep.page.getByRole('region', { name: 'Delivery' });
      await delivery.waitFor({ timeout: 30_000 });
      const text = (await delivery.textContent()) ?? '';
      expect(text).toMatch(/\d+% complete/);
      expect(text).toMatch(/On track|At risk/);
      expect(text).toMatch(/Next milestone: /);
      expect(text).toContain('Waiting on the customer: nothing');
      expect(await seriousViolations(rep.page)).toEqual([]);
    } finally {
      await rep.context.close();
    }
  }, 90_000);

  it("shares with another of the customer's contacts, picked by name: their own link, shown once and listed", async () => {
    watch();
    const alice = await apiAs('alice', ['sales']);
    const stakeholder = (await alice('GET', `/contacts/${stakeholderId}`)).body;
    const colleague = await alice('POST', '/contacts', {
      firstName: 'Michael',
      lastName: 'Bolton',
      companyId: stakeholder.companyId,
      emails: ['michael@initech.example'],
    });
    expect(colleague.status, JSON.stringify(colleague.body)).toBe(201);
    await managerPage.reload();
    const form = managerPage.getByRole('form', { name: 'Share with another contact' });
    // picked by name as it is typed (the customer's contacts are searched, never all loaded)
    await form.getByRole('combobox', { name: 'Or with another contact of the customer' }).fill('Mich');
    await managerPage.getByRole('option', { name: /^Michael Bolton/ }).click();
    await form.getByRole('button', { name: 'Make their link' }).click();
    const shown = managerPage.getByLabel(/^Link for Michael Bolton/);
    await shown.waitFor();
    expect(await shown.inputValue()).toMatch(/\/portal#plk_[0-9A-Z]{26}\.[A-Za-z0-9_-]{43}$/);
    const mia = await apiAs('mia', ['manager']);
    const listed = (await mia('GET', `/projects/${projectId}/portal-links`)).body.items;
    expect(listed).toContainEqual(
      expect.objectContaining({
        contactId: colleague.body.id,
        contactName: 'Michael Bolton',
        status: 'active',
      }),
    );
    expect(await seriousViolations(managerPage)).toEqual([]);
  }, 60_000);

  it('a link revoked in the console stops the page: reloaded, it says so', async () => {
    watch();
    await managerPage.reload();
    await managerPage.getByRole('button', { name: 'Revoke the link of Peter Gibbons' }).click();
    await managerPage.locator(`tr[data-link-id="${linkId}"]`).getByText('revoked').waitFor();
    await page.reload();
    await page
      .getByRole('alert')
      .filter({ hasText: /revoked/ })
      .waitFor();
    expect(await page.getByRole('heading', { name: 'Initech TPS rollout' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  }, 60_000);

  it('a link mailed to the contact goes through SES (on this machine, the local mail folder), its secret in the fragment', async () => {
    const mia = await apiAs('mia', ['manager']);
    const sent = await mia('POST', `/projects/${projectId}/portal-links`, {
      contactId: stakeholderId,
      send: true,
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(sent.body.mailedTo).toBe('peter@initech.example');
    const dir = join(local.localDir, 'mail');
    const mails = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
    const mail = mails.find((m) => m.to.includes('peter@initech.example'));
    expect(mail?.subject).toBe('Initech TPS rollout: follow your project');
    expect(mail.text).toContain(sent.body.url);
    expect(sent.body.url).toMatch(/\/portal#plk_/);
  });
});
