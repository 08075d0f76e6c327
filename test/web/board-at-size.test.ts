import { tmpdir } from 'node:os';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import {
  type FileBrowser,
  launchBrowser,
  pickUpWithKeyboard,
  seriousViolations,
  signedIn,
} from '../support/browser.js';
import { type RunningLocal, startLocal } from '../support/local-runtime.js';
import { seedOpenDeals } from '../support/seed-open-deals.js';

// The board at a real company's size: 2,000 open deals and an empty stage an admin added at the
// end of the pipeline ("Contract sent"). Each column reads a page at a time and holds only the
// cards in view (test/web/console-at-size.test.ts scrolls one for its next page). Moves land
// where they are dropped, by mouse and by keyboard, whatever the columns' lengths (the deal's
// stageHistory is read back through the API); a move the API cannot answer (its server
// stopped) goes back and says so.

const OPEN_DEALS = Number(process.env.BOARD_DEALS ?? 2_000);
const STAGES = ['st_lead', 'st_qualified', 'st_proposal', 'st_negotiation'];

let local: RunningLocal;
let browser: FileBrowser;
let page: Page;
let alice: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;
/** Alice's deals to move, one in each stage, the last to enter it (at the top of its column). */
const movers: Record<string, { id: string; title: string }> = {};

beforeAll(async () => {
  [local, browser] = await Promise.all([
    startLocal({ args: ['--seed'], warm: ['CrmApi', 'WorkspaceApi', 'OutboxRelay'] }),
    launchBrowser(),
  ]);
  const as = async (user: string, groups: string[]) => {
    const token = await local.token({ user, groups });
    return (method: string, path: string, body?: unknown) =>
      local.api(method, path, { token, ...(body === undefined ? {} : { body }) });
  };
  alice = await as('alice', ['sales']);
  const admin = await as('ada', ['admin']);
  const pipeline = (await admin('GET', '/pipelines/pl_default')).body;
  const added = await local.api('PATCH', '/pipelines/pl_default', {
    token: await local.token({ user: 'ada', groups: ['admin'] }),
    headers: { 'if-match': `"${pipeline.version}"` },
    body: {
      stages: [
        ...pipeline.stages.map((s: any) => ({
          id: s.id,
          name: s.name,
          probability: s.probability,
          rotAfterDays: s.rotAfterDays,
        })),
        { name: 'Contract sent', probability: 90, rotAfterDays: null },
      ],
    },
  });
  expect(added.status).toBe(200);
  const dueIn = (days: number, hour: number) =>
    new Date(Date.now() + days * 86_400_000 + hour * 3_600_000).toISOString();
  // the bulk of the board is written straight into the table, as the deal repository writes it
  // (test/support/seed-open-deals.ts: an import of the same 1,996 deals was this file's 120 s)
  const alice_ = { userId: 'alice', roles: ['sales' as const] };
  await seedOpenDeals(
    local,
    'pl_default',
    Array.from({ length: OPEN_DEALS - STAGES.length }, (_, i) => ({
      by: alice_,
      body: {
        title: `Deal ${String(i).padStart(4, '0')}`,
        value: { amount: (i % 97) * 1_000_00 + 500_00, currency: 'EUR' },
        ownerId: 'alice',
        pipelineId: 'pl_default',
        stageId: STAGES[i % STAGES.length],
        nextAction: { summary: 'Follow up', dueAt: dueIn(2 + (i % 30), 0) },
      },
    })),
  );
  // the movers last: a column lists the deal that entered its stage last first, so each is on top
  for (const [i, stageId] of STAGES.entries()) {
    const made = await alice('POST', '/deals', {
      title: `Mover ${stageId.slice(3)}`,
      value: { amount: 1_000_00, currency: 'EUR' },
      ownerId: 'alice',
      pipelineId: 'pl_default',
      stageId,
      nextAction: { summary: 'Call back', dueAt: dueIn(0, 1 + i) },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    movers[stageId] = { id: made.body.id, title: made.body.title };
  }
  ({ page } = await signedIn(browser, local.consoleUrl, 'alice', ['sales']));
  await page.locator('[data-ready="true"]').waitFor({ timeout: 60_000 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
});

const stageOf = async (id: string) => (await alice('GET', `/deals/${id}`)).body;
const card = (id: string) => page.locator(`[data-deal-id="${id}"]`);
const said = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text }).first().waitFor();

describe('the board with 2,000 open deals and an empty stage', () => {
  // what the person would have seen, when a test fails (printed with the failure)
  beforeEach(() => {
    onTestFailed(async ({ task }) => {
      const file = `${tmpdir()}/board-failed-${task.name.replace(/\W+/g, '-').slice(0, 50)}.png`;
      await page.screenshot({ path: file });
      console.error(`the board when "${task.name}" failed: ${file}`);
      console.error(await page.getByRole('status').allTextContents());
    });
  });

  it('shows the first page of each column, only the cards in view in the page, the empty stage as an empty column, and passes axe', async () => {
    for (const stageId of STAGES) {
      const column = page.locator(`[data-stage-id="${stageId}"]`);
      expect(Number(await column.getAttribute('data-loaded'))).toBe(25);
      // a sales rep reads only their own report: the heading counts what is read so far
      expect(await column.locator('header p').textContent()).toMatch(/^25\+ · .* so far/);
    }
    const cards = await page.locator('.deal-card').count();
    expect(cards).toBeGreaterThan(STAGES.length);
    expect(cards).toBeLessThan(100);
    for (const mover of Object.values(movers)) await card(mover.id).waitFor();
    const empty = page.locator('section.stage-column', {
      has: page.getByRole('heading', { name: 'Contract sent' }),
    });
    expect(await empty.locator('.deal-card').count()).toBe(0);
    expect(await empty.locator('header p').textContent()).toMatch(/^0 · –/);
    expect(await seriousViolations(page)).toEqual([]);
  }, 120_000);

  it('a keyboard move of a Lead card lands in Qualified, and says so before the drop', async () => {
    const mover = movers.st_lead!;
    await pickUpWithKeyboard(page, card(mover.id).getByRole('button', { name: `Move ${mover.title}` }));
    await said(`${mover.title} will land in Lead`);
    await page.keyboard.press('ArrowRight');
    await said(`${mover.title} will land in Qualified`);
    await page.keyboard.press('Space');
    await expect
      .poll(async () => (await stageOf(mover.id)).stageId, { timeout: 15_000 })
      .toBe('st_qualified');
    const history = (await stageOf(mover.id)).stageHistory.map((v: any) => v.stageId);
    expect(history).toEqual(['st_lead', 'st_qualified']);
    await page.locator(`[data-stage-id="st_qualified"] [data-deal-id="${mover.id}"]`).waitFor();
  }, 60_000);

  it('a mouse drag from Proposal to Negotiation lands in Negotiation, not in the empty stage', async () => {
    const mover = movers.st_proposal!;
    const grip = card(mover.id).getByRole('button', { name: `Move ${mover.title}` });
    await grip.scrollIntoViewIfNeeded();
    const from = (await grip.boundingBox())!;
    const to = (await page.locator('[data-stage-id="st_negotiation"] header').boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 15 });
    await page.mouse.up();
    await expect
      .poll(async () => (await stageOf(mover.id)).stageId, { timeout: 15_000 })
      .toBe('st_negotiation');
    expect((await stageOf(mover.id)).stageHistory.map((v: any) => v.stageId)).toEqual([
      'st_proposal',
      'st_negotiation',
    ]);
  }, 60_000);

  it('a drag onto the empty stage lands there', async () => {
    const mover = movers.st_negotiation!;
    const grip = card(mover.id).getByRole('button', { name: `Move ${mover.title}` });
    await grip.scrollIntoViewIfNeeded();
    const from = (await grip.boundingBox())!;
    const column = page.locator('section.stage-column', {
      has: page.getByRole('heading', { name: 'Contract sent' }),
    });
    const to = (await column.boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + 40, { steps: 15 });
    await page.mouse.up();
    const contractSent = (
      await (
        await local.api('GET', '/pipelines/pl_default', {
          token: await local.token({ user: 'alice', groups: ['sales'] }),
        })
      ).body.stages.find((s: any) => s.name === 'Contract sent')
    ).id;
    await expect.poll(async () => (await stageOf(mover.id)).stageId, { timeout: 15_000 }).toBe(contractSent);
  }, 60_000);

  it('with the API stopped, a move goes back and says it was not moved; once it is back, Try again moves it', async () => {
    const mover = movers.st_qualified!;
    await local.stopApi();
    try {
      await pickUpWithKeyboard(page, card(mover.id).getByRole('button', { name: `Move ${mover.title}` }));
      await said(`${mover.title} will land in Qualified`);
      await page.keyboard.press('ArrowRight');
      await said(`${mover.title} will land in Proposal`);
      await page.keyboard.press('Space');
      const alert = page.getByRole('alert').filter({ hasText: 'Not moved: Handoff could not be reached' });
      await alert.waitFor({ timeout: 15_000 });
      expect(await alert.textContent()).toContain(`“${mover.title}” is still in Qualified, not in Proposal`);
      // the card is back in its column
      await page.locator(`[data-stage-id="st_qualified"] [data-deal-id="${mover.id}"]`).waitFor();
    } finally {
      await local.restartApi();
    }
    expect((await stageOf(mover.id)).stageId).toBe('st_qualified');
    await page.getByRole('alert').getByRole('button', { name: 'Try again' }).click();
    await expect.poll(async () => (await stageOf(mover.id)).stageId, { timeout: 15_000 }).toBe('st_proposal');
    await page.locator(`[data-stage-id="st_proposal"] [data-deal-id="${mover.id}"]`).waitFor();
  }, 60_000);
});
