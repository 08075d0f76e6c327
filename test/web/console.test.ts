import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  documentScreen,
  type FileBrowser,
  launchBrowser,
  pickUpWithKeyboard,
  screenshotDir,
  seriousViolations,
  signedIn,
} from '../support/browser.js';
import { type RunningLocal, startLocal } from '../support/local-runtime.js';

// The console in a real browser against the local runtime (the stack's template, DynamoDB
// Local, the bus, the handoff function), used as people use it: sign in on the issuer's page,
// click, type, drag. Each screen is checked with axe-core as it is reached.

let local: RunningLocal;
let browser: FileBrowser;
let shots: string;
/** The page a test is on: photographed when the test fails, to see what the person would have seen. */
let current: Page | undefined;
/** The delivery project the rep's win made. */
let projectUrl: string;

beforeAll(async () => {
  [local, browser] = await Promise.all([
    startLocal({
      args: ['--seed'],
      warm: ['CrmApi', 'WorkspaceApi', 'DeliveryApi', 'ReportsApi', 'OutboxRelay'],
    }),
    launchBrowser(),
  ]);
  shots = screenshotDir(mkdtempSync(join(tmpdir(), 'handoff-console-')));
}, 180_000);

/** Photographs the page when the test fails (where: printed with the failure). */
function watch(page: Page): Page {
  current = page;
  onTestFailed(async ({ task }) => {
    const file = join(shots, `failed-${task.name.replace(/\W+/g, '-').slice(0, 60)}.png`);
    await current?.screenshot({ path: file, fullPage: true });
    console.error(`the page when "${task.name}" failed: ${file}`);
  });
  return page;
}

afterAll(async () => {
  await browser?.close();
  await local?.stop();
});

const apiAs = async (user: string, groups: string[]) => {
  const token = await local.token({ user, groups });
  return (method: string, path: string, body?: unknown) =>
    local.api(method, path, { token, ...(body === undefined ? {} : { body }) });
};

/** A screen from the main navigation. */
const open = (page: Page, screen: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: screen, exact: true }).click();

/** The working day after a YYYY-MM-DD (Monday to Friday; the test's dates have no holidays). */
function nextBusinessDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  do d.setUTCDate(d.getUTCDate() + 1);
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6);
  return d.toISOString().slice(0, 10);
}

async function expectAccessible(page: Page) {
  expect(await seriousViolations(page)).toEqual([]);
}

describe('a sales rep, in the console', () => {
  let page: Page;
  let contactId: string;
  let dealId: string;
  const title = 'Navy compiler rollout';
  const card = () => page.locator(`[data-deal-id="${dealId}"]`);
  const stageOfDeal = async () =>
    (await (await apiAs('rita', ['sales']))('GET', `/deals/${dealId}`)).body.stageId;

  it('signs in and sees the pipeline board with the late next actions flagged', async () => {
    ({ page } = await signedIn(browser, local.consoleUrl, 'rita', ['sales']));
    watch(page);
    await page.locator('[data-ready="true"]').waitFor();
    expect(await page.locator('.deal-card').count()).toBe(5);
    // the seed has two deals whose next action is late
    expect(await page.locator('.badge.late').count()).toBe(2);
    await expectAccessible(page);
    await documentScreen(page, 'board');
  }, 90_000);

  it('adds a contact; the same email again is refused with a link to the contact that has it', async () => {
    watch(page);
    await open(page, 'Contacts');
    await page.getByRole('button', { name: 'New contact' }).click();
    await page.getByLabel('First name').fill('Grace');
    await page.getByLabel('Last name').fill('Hopper');
    await page.getByLabel('Email').fill('grace@navy.example');
    await page.getByRole('button', { name: 'Add contact' }).click();
    await page.getByRole('heading', { name: 'Grace Hopper' }).waitFor();
    contactId = page.url().split('/').pop()!;
    expect(contactId).toMatch(/^ct_/);
    await expectAccessible(page);

    await page.getByRole('link', { name: '← Contacts' }).click();
    await page.getByRole('button', { name: 'New contact' }).click();
    await page.getByLabel('First name').fill('G.');
    await page.getByLabel('Email').fill('grace@navy.example');
    await page.getByRole('button', { name: 'Add contact' }).click();
    const existing = page.getByRole('link', { name: 'Open the contact with this email' });
    await existing.waitFor();
    expect(await existing.getAttribute('href')).toBe(`/contacts/${contactId}`);
  }, 60_000);

  it('creates a deal on the board; what the API refuses is said on each field', async () => {
    watch(page);
    await open(page, 'Pipeline');
    await page.getByRole('button', { name: 'New deal' }).click();
    await page.getByRole('button', { name: 'Create deal' }).click();
    for (const path of ['title', 'value.amount', 'nextAction.summary', 'nextAction.dueAt'])
      await page.locator(`[data-field-error="${path}"]`).waitFor();
    await expectAccessible(page);

    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Value').fill('120000');
    await page.getByLabel('What').fill('Send the proposal');
    await page.getByLabel('Due').fill('2030-01-10T09:00');
    await page.getByRole('button', { name: 'Create deal' }).click();
    await page.getByRole('heading', { name: title }).waitFor();
    dealId = page.url().split('/').pop()!;
    const deal = (await (await apiAs('rita', ['sales']))('GET', `/deals/${dealId}`)).body;
    expect(deal).toMatchObject({ title, ownerId: 'rita', value: { amount: 12_000_000, currency: 'EUR' } });
    expect(deal.nextAction.summary).toBe('Send the proposal');
  }, 60_000);

  it("adds a CRM task to the deal and ticks it off; logs a call; both are in the deal's history", async () => {
    watch(page);
    await page.getByLabel('Kind').selectOption('task');
    await page.getByLabel('Subject').fill('Check the security questionnaire');
    await page.getByLabel('Due', { exact: true }).last().fill('2030-01-09T12:00');
    await page.getByRole('button', { name: 'Add task' }).click();
    const task = page.locator('li', { hasText: 'Check the security questionnaire' });
    await task.getByRole('button', { name: 'Done' }).click();
    await task.getByRole('button', { name: 'Done' }).waitFor({ state: 'detached' });
    await page.getByLabel('Kind').selectOption('call');
    await page.getByLabel('Subject').fill('Intro call with Grace');
    await page.getByRole('button', { name: 'Log it' }).click();
    await page.locator('.timeline li', { hasText: 'call: Intro call with Grace' }).waitFor();
    const rita = await apiAs('rita', ['sales']);
    const activities = (await rita('GET', `/activities?dealId=${dealId}`)).body.items;
    expect(activities.map((a: any) => [a.type, a.subject, a.done]).sort()).toEqual([
      ['call', 'Intro call with Grace', true],
      ['task', 'Check the security questionnaire', true],
    ]);
  }, 60_000);

  it('drags the card to the next stage, and moves it one more with the keyboard alone', async () => {
    watch(page);
    await open(page, 'Pipeline');
    await page.locator('[data-ready="true"]').waitFor();
    const grip = card().getByRole('button', { name: `Move ${title}` });
    const from = (await grip.boundingBox())!;
    const to = (await page.locator('[data-stage-id="st_qualified"]').boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + 120, { steps: 15 });
    await page.mouse.up();
    await expect.poll(stageOfDeal, { timeout: 15_000 }).toBe('st_qualified');
    await page.locator(`[data-stage-id="st_qualified"] [data-deal-id="${dealId}"]`).waitFor();

    // what a screen reader says at each step is dnd-kit's live region, worded by the board
    const said = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text }).waitFor();
    await pickUpWithKeyboard(page, grip);
    await said(`${title} will land in Qualified`);
    await page.keyboard.press('ArrowRight');
    await said(`${title} will land in Proposal`);
    await page.keyboard.press('Space');
    await said(`${title} dropped on Proposal`);
    await expect.poll(stageOfDeal, { timeout: 15_000 }).toBe('st_proposal');
    await page.locator(`[data-stage-id="st_proposal"] [data-deal-id="${dealId}"]`).waitFor();
  }, 60_000);

  it('a card someone else moved meanwhile: not moved, the 412 is said, and the board shows the deal as it is now', async () => {
    watch(page);
    const rita = await apiAs('rita', ['sales']);
    const deal = (await rita('GET', `/deals/${dealId}`)).body;
    const moved = await local.api('POST', `/deals/${dealId}/move`, {
      token: await local.token({ user: 'rita', groups: ['sales'] }),
      body: { stageId: 'st_negotiation' },
      headers: { 'if-match': `"${deal.version}"` },
    });
    expect(moved.status).toBe(200);
    // this page still shows the card in Proposal, at the version it read
    const grip = card().getByRole('button', { name: `Move ${title}` });
    const said = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text }).waitFor();
    await pickUpWithKeyboard(page, grip);
    await said(`${title} will land in Proposal`);
    await page.keyboard.press('ArrowLeft');
    await said(`${title} will land in Qualified`);
    await page.keyboard.press('Space');
    await page
      .getByRole('alert')
      .filter({ hasText: 'Not moved: someone changed this meanwhile' })
      .filter({ hasText: 'The board now shows the deal as it is' })
      .waitFor();
    await page.locator(`[data-stage-id="st_negotiation"] [data-deal-id="${dealId}"]`).waitFor();
    expect(await stageOfDeal()).toBe('st_negotiation');
  }, 60_000);

  it('tries to win without the handoff facts and sees each one named; wins; the project appears', async () => {
    watch(page);
    await card().getByRole('link', { name: title }).click();
    await page.getByRole('heading', { name: title }).waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Win…' }).click();
    await page.getByRole('button', { name: 'Mark as won' }).click();
    for (const path of [
      'handoff.scopeSummary',
      'handoff.promisedTimeline.dueDate',
      'handoff.keyConstraints',
      'handoff.mainStakeholderContactId',
      'handoff.kickoffDate',
    ])
      await page.locator(`[data-field-error="${path}"]`).waitFor();
    await expectAccessible(page);
    expect((await (await apiAs('rita', ['sales']))('GET', `/deals/${dealId}`)).body.status).toBe('open');

    await page.getByLabel('Scope summary').fill('Compiler rollout to three fleets');
    await page.getByLabel('Promised by').fill('2031-06-30');
    await page.getByLabel('Key constraints').fill('No downtime during exercises\nOn-premises only');
    // the stakeholder is found by typing part of the name (a combobox searching the API)
    await page.getByRole('combobox', { name: 'Main stakeholder' }).fill('Grac');
    await page.getByRole('option', { name: /Grace Hopper grace@navy.example/ }).click();
    await page.getByLabel('Kickoff date').fill('2031-03-03');
    await page.getByRole('button', { name: 'Mark as won' }).click();
    const projectLink = page.locator('.handoff-done a');
    await projectLink.waitFor({ timeout: 60_000 });
    await documentScreen(page, 'deal');
    await projectLink.click();
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
  }, 90_000);

  it('opens the project timeline: the plan, the critical path and the promise, read-only for sales', async () => {
    watch(page);
    await page.getByRole('img', { name: /^Timeline from 2031-03-03/ }).waitFor();
    await page.locator('.plan tbody tr').first().waitFor();
    projectUrl = page.url();
    await page.locator('.plan .badge.critical').first().waitFor();
    expect(await page.locator('.gantt-promise').count()).toBe(1);
    await page.getByRole('link', { name: 'Discovery and detailed scope' }).click();
    expect(await page.getByLabel('Duration (business days)').isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
  }, 60_000);
});

describe('a manager, in the console', () => {
  it('reads the reports (charts with their numbers) and the team follow-ups, most late first', async () => {
    const page = watch((await signedIn(browser, local.consoleUrl, 'mia', ['manager'], '/reports')).page);
    const mia = await apiAs('mia', ['manager']);
    const report = (await mia('GET', '/reports/pipeline?pipelineId=pl_default')).body;
    const totalRow = page.locator('section[aria-labelledby="r-pipeline"] tr', { hasText: 'Total' });
    await totalRow.waitFor();
    expect(await totalRow.locator('td').first().textContent()).toBe(String(report.total.openDeals));
    await page.locator('section[aria-labelledby="r-pipeline"] svg.recharts-surface').first().waitFor();
    await expectAccessible(page);
    await documentScreen(page, 'reports', { fullPage: true });

    await open(page, 'Follow-ups');
    await page.getByRole('button', { name: "The team's" }).click();
    const team = (await mia('GET', '/followups?team=true&limit=100')).body.items as {
      minutesLate: number;
      summary?: string;
    }[];
    expect(team.length).toBeGreaterThan(1);
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 15_000 }).toBe(team.length);
    // bob's and alice's late next actions, the latest first
    const rows = await page.locator('tbody tr').allTextContents();
    expect(rows.some((r) => r.includes('Call Hank about the pilot scope') && r.includes('Bob'))).toBe(true);
    const mostLate = team.reduce((a, b) => (b.minutesLate > a.minutesLate ? b : a));
    expect(rows[0]).toContain(mostLate.summary);
    await expectAccessible(page);
    await documentScreen(page, 'followups');
  }, 90_000);
});

describe('an admin, in the console', () => {
  it('adds a company holiday to the calendar every plan uses, and edits a company', async () => {
    const page = watch((await signedIn(browser, local.consoleUrl, 'ada', ['admin'], '/admin')).page);
    await page.getByRole('heading', { name: 'Company calendar' }).waitFor();
    const holidays = page.getByLabel('Holidays (YYYY-MM-DD, one per line)');
    await holidays.fill('2031-12-24');
    await page.getByRole('button', { name: 'Save calendar' }).click();
    const ada = await apiAs('ada', ['admin']);
    await expect
      .poll(async () => (await ada('GET', '/calendar')).body.holidays, { timeout: 15_000 })
      .toEqual(['2031-12-24']);
    await expectAccessible(page);

    // lead routing is a form (test/web/admin-console.test.ts goes further); a wrong field is said at its input
    const routing = page.getByRole('form', { name: 'Lead-routing rules' });
    const rule = routing.getByRole('group', { name: 'Rule 1', exact: true });
    await routing.getByRole('button', { name: 'Add a rule' }).click();
    await rule.getByLabel('Name', { exact: true }).fill('Web leads');
    await rule.getByLabel('Lead source 1').fill('website');
    await routing.getByRole('button', { name: 'Save rules' }).click();
    await routing.locator('[data-field-error="rules.0.assign.ownerId"]').waitFor();
    await rule.getByRole('combobox', { name: 'Owner' }).fill('Bob');
    await page.getByRole('option', { name: /^Bob/ }).click();
    await routing.getByRole('button', { name: 'Save rules' }).click();
    await expect
      .poll(async () => (await ada('GET', '/lead-routing')).body.rules.map((r: any) => r.name), {
        timeout: 15_000,
      })
      .toEqual(['Web leads']);

    await open(page, 'Companies');
    await page.getByRole('link', { name: 'Initech' }).click();
    await page.getByRole('button', { name: 'Edit the company' }).click();
    await page.getByLabel('Domain').fill('initech-corp.example');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const id = page.url().split('/').pop()!;
    await expect
      .poll(async () => (await ada('GET', `/companies/${id}`)).body.domain, { timeout: 15_000 })
      .toBe('initech-corp.example');
    await expectAccessible(page);
  }, 60_000);
});

describe('a delivery lead, in the console', () => {
  it('slips a task of the new project: its dependents move on the timeline, and the page says which', async () => {
    const path = new URL(projectUrl).pathname;
    const page = watch((await signedIn(browser, local.consoleUrl, 'dora', ['delivery'], path)).page);
    await page.getByRole('img', { name: /^Timeline from 2031-03-03/ }).waitFor();
    await expectAccessible(page);
    await documentScreen(page, 'project', { fullPage: true });
    const startOf = (task: string) =>
      page.locator('.plan tbody tr', { hasText: task }).locator('[data-col="start"]').textContent();
    const approvalBefore = await startOf('Plan approved by the customer');

    await page.getByRole('link', { name: 'Discovery and detailed scope' }).click();
    const duration = page.getByLabel('Duration (business days)');
    const days = Number(await duration.inputValue());
    await duration.fill(String(days + 3));
    await page.getByRole('button', { name: 'Reschedule' }).click();
    const moved = page.locator('div.moved');
    await moved.waitFor();
    expect(await moved.textContent()).toContain('Plan approved by the customer');
    await expectAccessible(page);
    await page.keyboard.press('Escape');
    await expect
      .poll(() => startOf('Plan approved by the customer'), { timeout: 15_000 })
      .not.toBe(approvalBefore);
    // the discovery task and everything after it on the chain
    expect(await page.locator('tr.moved').count()).toBeGreaterThanOrEqual(4);

    // a task of their own, after the build: it starts the business day after the build is due
    await page.getByText('Add a task').click();
    await page.getByLabel('Task', { exact: true }).fill('Security review');
    await page.getByLabel('Business days').fill('3');
    await page.getByLabel('After').selectOption({ label: 'Build and configure' });
    await page.getByRole('button', { name: 'Add task' }).click();
    const review = page.locator('.plan tbody tr', { hasText: 'Security review' });
    await review.waitFor();
    const buildDue = await page
      .locator('.plan tbody tr', { hasText: 'Build and configure' })
      .locator('[data-col="due"]')
      .textContent();
    await expect
      .poll(() => review.locator('[data-col="start"]').textContent(), { timeout: 15_000 })
      .toBe(nextBusinessDay(buildDue!));
  }, 60_000);

  it('sees the pipeline and the deals but cannot change the CRM (and the API refuses it too)', async () => {
    const page = watch((await signedIn(browser, local.consoleUrl, 'dora', ['delivery'])).page);
    await page.locator('.deal-card').first().waitFor();
    expect(await page.getByRole('button', { name: 'New deal' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Move / }).count()).toBe(0);
    await page.locator('.deal-card a').first().click();
    await page.getByRole('heading', { name: 'Facts' }).waitFor();
    expect(await page.getByRole('button', { name: 'Win…' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Set the next action' }).count()).toBe(0);
    const dora = await apiAs('dora', ['delivery']);
    const refused = await dora('POST', '/deals', {
      title: 'Side deal',
      value: { amount: 1, currency: 'EUR' },
      nextAction: { summary: 'x', dueAt: '2030-01-01T00:00:00Z' },
    });
    expect(refused.status).toBe(403);

    // signing out ends the session at the issuer too: the next visit asks who you are
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    await page.goto(`${local.consoleUrl}/pipeline`);
    await page.getByLabel('User').waitFor();
  }, 60_000);
});

describe("the console's distribution and sign-in, locally as in the template", () => {
  it('serves app routes as index.html with the policy headers, a missing file as 403, and config.json with the local API', async () => {
    const route = await fetch(`${local.consoleUrl}/deals/deal_01NOTHING`);
    expect(route.status).toBe(200);
    expect(route.headers.get('content-type')).toContain('text/html');
    expect(await route.text()).toContain('<div id="root">');
    const csp = route.headers.get('content-security-policy')!;
    expect(csp).toContain(`connect-src 'self' ${local.apiUrl}`);
    expect(route.headers.get('x-frame-options')).toBe('DENY');
    expect((await fetch(`${local.consoleUrl}/assets/missing.js`)).status).toBe(403);
    const config = (await (await fetch(`${local.consoleUrl}/config.json`)).json()) as any;
    expect(config.apiUrl).toBe(local.apiUrl);
    const preflight = await fetch(`${local.apiUrl}/deals`, {
      method: 'OPTIONS',
      headers: { origin: local.consoleUrl, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(local.consoleUrl);
    const stranger = await fetch(`${local.apiUrl}/deals`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a return address that is not a callback URL, and a code without its PKCE verifier', async () => {
    const config = (await (await fetch(`${local.consoleUrl}/config.json`)).json()) as any;
    const authorize = new URL(config.signIn.authorizationEndpoint);
    const params = {
      client_id: config.signIn.clientId,
      response_type: 'code',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      state: 's',
    };
    authorize.search = new URLSearchParams({
      ...params,
      redirect_uri: 'https://evil.example/callback',
    }).toString();
    expect((await fetch(authorize, { redirect: 'manual' })).status).toBe(400);

    const signIn = await fetch(config.signIn.authorizationEndpoint, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({
        ...params,
        redirect_uri: `${local.consoleUrl}/callback`,
        user: 'eve',
        groups: 'admin',
      }),
    });
    expect(signIn.status).toBe(302);
    const code = new URL(signIn.headers.get('location')!).searchParams.get('code')!;
    const exchange = (verifier: string) =>
      fetch(config.signIn.tokenEndpoint, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: config.signIn.clientId,
          code,
          code_verifier: verifier,
          redirect_uri: `${local.consoleUrl}/callback`,
        }),
      });
    const wrong = await exchange('not-the-verifier-of-that-challenge-not-the-verifier');
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as any).error).toBe('invalid_grant');
    // a code is good once: the refused attempt spent it
    expect((await exchange('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).status).toBe(400);
  });
});
