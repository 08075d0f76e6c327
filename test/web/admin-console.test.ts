import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
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

// The Admin screen in a real browser against the local runtime, as an admin uses it: lead
// routing, kickoff templates and custom fields edited as forms, each refusal said at its input
// and nothing saved by it, each save checked through the API.

let local: RunningLocal;
let browser: FileBrowser;
let page: Page;
let shots: string;
let token: string;
let ada: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

beforeAll(async () => {
  [local, browser] = await Promise.all([
    startLocal({ args: ['--seed'], warm: ['CrmApi', 'WorkspaceApi', 'DeliveryApi', 'OutboxRelay'] }),
    launchBrowser(),
  ]);
  shots = screenshotDir(mkdtempSync(join(tmpdir(), 'handoff-admin-')));
  token = await local.token({ user: 'ada', groups: ['admin'] });
  ada = (method, path, body) => local.api(method, path, { token, ...(body === undefined ? {} : { body }) });
  // a field to retire, defined before the screen is opened
  expect(
    (
      await ada('POST', '/custom-fields', {
        entity: 'deal',
        key: 'legacy_code',
        label: 'Legacy code',
        type: 'text',
      })
    ).status,
  ).toBe(201);
  ({ page } = await signedIn(browser, local.consoleUrl, 'ada', ['admin'], '/admin'));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
});

/** Photographs the page when the test fails. */
function watch() {
  onTestFailed(async ({ task }) => {
    const file = join(shots, `failed-${task.name.replace(/\W+/g, '-').slice(0, 60)}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.error(`the page when "${task.name}" failed: ${file}`);
  });
}

async function expectAccessible() {
  expect(await seriousViolations(page)).toEqual([]);
}

/** Chooses a person in a picker: types part of the name, clicks the option. */
async function pick(input: Locator, name: string) {
  await input.fill(name);
  await page.getByRole('option', { name: new RegExp(`^${name}`) }).click();
}

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000 });

describe('an admin, on the Admin screen', () => {
  it('adds routing rules through the form: a wrong field is named at its input and nothing is saved; fixed, saved; then reordered', async () => {
    watch();
    const routing = page.getByRole('form', { name: 'Lead-routing rules' });
    const rule = (n: number) => routing.getByRole('group', { name: `Rule ${n}`, exact: true });
    const save = routing.getByRole('button', { name: 'Save rules' });
    await routing.getByRole('button', { name: 'Add a rule' }).click();
    await rule(1).getByLabel('Name', { exact: true }).fill('Web leads');
    await rule(1).getByLabel('Lead source 1').fill('website');
    // no owner chosen: the API refuses, and says so at the owner's input
    await save.click();
    const ownerError = routing.locator('[data-field-error="rules.0.assign.ownerId"]');
    await expect.poll(() => ownerError.textContent(), { timeout: 15_000 }).toBe('Choose one.');
    await expect
      .poll(() => rule(1).getByRole('combobox', { name: 'Owner' }).getAttribute('aria-invalid'))
      .toBe('true');
    expect((await ada('GET', '/lead-routing')).body.rules).toEqual([]);
    expect(await rule(1).getByLabel('Name', { exact: true }).inputValue()).toBe('Web leads');
    await expectAccessible();

    await pick(rule(1).getByRole('combobox', { name: 'Owner' }), 'Bob');
    await routing.getByRole('button', { name: 'Add a rule' }).click();
    await rule(2).getByLabel('Name', { exact: true }).fill('Referrals');
    await rule(2).getByLabel('Lead source 1').fill('referral');
    await rule(2).getByLabel('People in turn (round-robin)').check();
    // a person chosen in the empty picker joins the list (and a new empty picker follows)
    await pick(rule(2).getByRole('combobox', { name: 'Add a person' }), 'Alice');
    await expect.poll(() => rule(2).getByRole('combobox', { name: 'Person 1' }).inputValue()).toBe('Alice');
    await pick(rule(2).getByRole('combobox', { name: 'Add a person' }), 'Mia');
    await expect.poll(() => rule(2).getByRole('combobox', { name: 'Person 2' }).inputValue()).toBe('Mia');
    await save.click();
    await poll(async () =>
      (await ada('GET', '/lead-routing')).body.rules.map((r: any) => [r.name, r.match, r.assign]),
    ).toEqual([
      ['Web leads', { leadSources: ['website'] }, { type: 'fixed', ownerId: 'bob' }],
      ['Referrals', { leadSources: ['referral'] }, { type: 'round-robin', ownerIds: ['alice', 'mia'] }],
    ]);
    await routing.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const ids = (await ada('GET', '/lead-routing')).body.rules.map((r: any) => r.id);

    // the JSON view is the same draft: it shows the form's rules, and what is typed there shows in the form
    await routing.getByText('Advanced: edit as JSON').click();
    const json = routing.getByLabel('The rules as JSON, first match wins (as PUT /lead-routing takes them)');
    const shown = JSON.parse(await json.inputValue());
    expect(shown.rules.map((r: any) => r.name)).toEqual(['Web leads', 'Referrals']);
    shown.rules[0].name = 'Website leads';
    await json.fill(JSON.stringify(shown));
    expect(await rule(1).getByLabel('Name', { exact: true }).inputValue()).toBe('Website leads');

    // first match wins: the referral rule moved first; both rules keep their ids (and turns)
    await rule(2).getByRole('button', { name: 'Move up' }).click();
    await save.click();
    await poll(async () =>
      (await ada('GET', '/lead-routing')).body.rules.map((r: any) => [r.id, r.name]),
    ).toEqual([
      [ids[1], 'Referrals'],
      [ids[0], 'Website leads'],
    ]);

    // another admin renames a rule meanwhile: the save is refused, what they changed is shown
    // beside the draft, and the draft is saved over it on request
    const theirs = (await ada('GET', '/lead-routing')).body;
    const renamed = theirs.rules.map(({ id, name, match, assign }: any) => ({
      id,
      name: name === 'Referrals' ? 'Partner referrals' : name,
      match,
      assign,
    }));
    expect(
      (
        await local.api('PUT', '/lead-routing', {
          token,
          headers: { 'If-Match': `"${theirs.version}"` },
          body: { rules: renamed },
        })
      ).status,
    ).toBe(200);
    await rule(2).getByLabel('Name', { exact: true }).fill('Website and form leads');
    await save.click();
    const conflict = routing.getByRole('region', { name: 'Changed meanwhile' });
    await conflict.getByText('Rule 1 name: Referrals → Partner referrals').waitFor();
    expect(await rule(2).getByLabel('Name', { exact: true }).inputValue()).toBe('Website and form leads');
    await conflict.getByRole('button', { name: 'Save mine over it' }).click();
    await poll(async () => (await ada('GET', '/lead-routing')).body.rules.map((r: any) => r.name)).toEqual([
      'Referrals',
      'Website and form leads',
    ]);
    await expectAccessible();
  }, 90_000);

  it('creates a kickoff template with two tasks, a dependency and a default delivery owner; renames it and clears the owner', async () => {
    watch();
    await page.getByRole('button', { name: 'New template' }).click();
    const form = page.getByRole('form', { name: 'New template' });
    const task = (n: number) => form.getByRole('group', { name: `Task ${n}`, exact: true });
    await form.getByLabel('Name', { exact: true }).fill('Website launch');
    await form.getByRole('button', { name: 'Add a checklist item' }).click();
    await form.getByLabel('Checklist item 1', { exact: true }).fill('Contract signed');
    await task(1).getByLabel('Title').fill('Design');
    await task(1).getByLabel('Duration (business days)').fill('5');
    await form.getByRole('button', { name: 'Add a task' }).click();
    await task(2).getByLabel('Title').fill('Build');
    await task(2).getByLabel('Duration (business days)').fill('10');
    await task(2).getByRole('button', { name: 'Add a predecessor' }).click();
    expect(await task(2).getByLabel('Predecessor 1', { exact: true }).inputValue()).toBe('design');
    await task(2).getByLabel('Predecessor 1 lag (business days)').fill('2');
    await pick(form.getByRole('combobox', { name: 'Default delivery owner' }), 'Mia');
    await expectAccessible();
    await form.getByRole('button', { name: 'Create template' }).click();

    const made = async () =>
      (await ada('GET', '/templates?limit=100')).body.items.find((t: any) =>
        t.name.startsWith('Website launch'),
      );
    await poll(async () => {
      const t = await made();
      return (
        t && {
          owner: t.defaultOwnerId,
          checklist: t.checklist,
          tasks: t.tasks.map((x: any) => [x.key, x.title, x.durationDays]),
          dependencies: t.dependencies,
        }
      );
    }).toEqual({
      owner: 'mia',
      checklist: [{ key: 'contract-signed', title: 'Contract signed' }],
      tasks: [
        ['design', 'Design', 5],
        ['build', 'Build', 10],
      ],
      dependencies: [{ predecessor: 'design', successor: 'build', type: 'FS', lagDays: 2 }],
    });

    await page.getByRole('button', { name: 'Edit Website launch' }).click();
    const editor = page.getByRole('form', { name: 'Edit Website launch' });
    await editor.getByLabel('Name', { exact: true }).fill('Website launch, small');
    await pick(editor.getByRole('combobox', { name: 'Default delivery owner' }), 'Nobody');
    await editor.getByRole('button', { name: 'Save template' }).click();
    await poll(async () => {
      const t = await made();
      return [t.name, t.version, t.tasks.length, t.defaultOwnerId];
    }).toEqual(['Website launch, small', 2, 2, undefined]);
  }, 60_000);

  it("edits the pipeline's stages: a refusal keeps what was typed; a stage named in the empty row is added", async () => {
    watch();
    const form = page.getByRole('form', { name: 'Stages of Sales' });
    await form.getByLabel('Stage 5 name').fill('Contract');
    await form.getByLabel('Stage 5 probability').fill('150');
    await form.getByLabel('Stage 2 stalled after days').fill('10');
    await form.getByRole('button', { name: 'Save stages' }).click();
    await form.getByRole('alert').waitFor();
    expect(await form.getByLabel('Stage 5 probability').getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByLabel('Stage 5 name').inputValue()).toBe('Contract');
    await form.getByLabel('Stage 5 probability').fill('90');
    await form.getByRole('button', { name: 'Save stages' }).click();
    const sales = async () =>
      (await ada('GET', '/pipelines')).body.items.find((p: any) => p.name === 'Sales');
    await poll(async () =>
      (await sales()).stages.map((s: any) => [s.name, s.probability, s.rotAfterDays]),
    ).toEqual([
      ['Lead', 10, 14],
      ['Qualified', 25, 10],
      ['Proposal', 50, 21],
      ['Negotiation', 75, 14],
      ['Contract', 90, null],
    ]);
  }, 60_000);

  it('defines a required deal field (a refusal said at its input first), renames it, moves it up, and retires another', async () => {
    watch();
    const form = page.getByRole('form', { name: 'New custom field' });
    await form.getByLabel('On', { exact: true }).selectOption('deal');
    await form.getByLabel('Label', { exact: true }).fill('Tier');
    await form.getByLabel('Type', { exact: true }).selectOption('select');
    await form.getByLabel('Required on new records').check();
    // a list field without its choices: refused, said beside the choices, and what was typed stays
    await form.getByRole('button', { name: 'Add field' }).click();
    await form.locator('[data-field-error="options"]').waitFor();
    expect(await form.getByLabel('Key', { exact: true }).inputValue()).toBe('tier');
    await form.getByLabel('Choice 1').fill('Gold');
    await form.getByLabel('Choice 2').fill('Silver');
    await form.getByRole('button', { name: 'Add field' }).click();
    const dealFields = async () => (await ada('GET', '/custom-fields?entity=deal')).body.fields;
    await poll(async () => (await dealFields()).find((f: any) => f.key === 'tier')).toMatchObject({
      label: 'Tier',
      type: 'select',
      required: true,
      options: ['Gold', 'Silver'],
    });

    await page.getByRole('button', { name: 'Edit Tier' }).click();
    const editor = page.getByRole('form', { name: 'Edit Tier' });
    await editor.getByLabel('Label', { exact: true }).fill('Customer tier');
    await editor.getByRole('button', { name: 'Save field' }).click();
    await poll(async () => (await dealFields()).find((f: any) => f.key === 'tier')?.label).toBe(
      'Customer tier',
    );

    // the fields in the order people see them: moved up, saved as its position
    await page.getByRole('button', { name: 'Move up: Customer tier' }).click();
    await poll(async () => (await dealFields()).map((f: any) => f.key)).toEqual(['tier', 'legacy_code']);
    // and on the screen, where the rows trade places: a click whose press and release straddle
    // the swap reaches no button (one fresh-clone run's Retire opened nothing; its screenshot
    // shows the new order, no dialog, no editor), as a person clicking mid-swap would see
    const dealRows = page.getByRole('region', { name: 'Deals' }).locator('[data-custom-field-key]');
    await poll(() =>
      dealRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-custom-field-key'))),
    ).toEqual(['tier', 'legacy_code']);
    await poll(() => page.getByRole('button', { name: 'Move down: Customer tier' }).isEnabled()).toBe(true);
    await page.getByRole('button', { name: 'Retire Legacy code' }).click();
    const dialog = page.getByRole('dialog', { name: 'Retire a deal field' });
    expect(await dialog.textContent()).toContain('Values already stored stay on their deals');
    await expectAccessible();
    await dialog.getByRole('button', { name: 'Retire the field' }).click();
    await poll(async () => (await dealFields()).map((f: any) => f.key)).toEqual(['tier']);
    await page.locator('[data-custom-field-key="legacy_code"]').waitFor({ state: 'detached' });
    await expectAccessible();
    await documentScreen(page, 'admin', { fullPage: true });
  }, 60_000);
});
