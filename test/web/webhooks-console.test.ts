import { mkdtempSync } from 'node:fs';
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
import { type Receiver, startReceiver, verify } from '../support/webhook-receiver.js';

// The Admin screen's webhooks in a real browser against the local runtime, with a real receiver
// on this machine: an admin adds an endpoint (a private address refused at the URL's input,
// nothing saved), copies its secret, shown once, sees each delivery with its attempts, and
// resends one; the receiver verifies what it gets with that secret.

let local: RunningLocal;
let browser: FileBrowser;
let page: Page;
let shots: string;
let receiver: Receiver;
let ada: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;
let alice: string;

beforeAll(async () => {
  [local, browser, receiver] = await Promise.all([
    startLocal({
      args: ['--time-scale', '0.00002'],
      warm: ['CrmApi', 'WorkspaceApi', 'DeliveryApi', 'OutboxRelay'],
    }),
    launchBrowser(),
    startReceiver(),
  ]);
  shots = screenshotDir(mkdtempSync(join(tmpdir(), 'handoff-webhooks-')));
  const token = await local.token({ user: 'ada', groups: ['admin'] });
  alice = await local.token({ user: 'alice', groups: ['sales'] });
  await local.api('GET', '/me', { token: alice });
  ada = (method, path, body) => local.api(method, path, { token, ...(body === undefined ? {} : { body }) });
  ({ page } = await signedIn(browser, local.consoleUrl, 'ada', ['admin'], '/admin'));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await local?.stop();
});

function watch() {
  onTestFailed(async ({ task }) => {
    const file = join(shots, `failed-${task.name.replace(/\W+/g, '-').slice(0, 60)}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.error(`the page when "${task.name}" failed: ${file}`);
  });
}

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000 });

describe('an admin, on the Admin screen, with webhooks', () => {
  let secret: string;

  it('adds an endpoint: a private address is refused at its input, nothing saved; then the secret is shown once', async () => {
    watch();
    const form = page.getByRole('form', { name: 'Add an endpoint' });
    await form.getByLabel('URL').fill('http://10.0.0.5/hooks');
    await form.getByLabel('Events').fill('DealCreated');
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    const urlError = form.locator('[data-field-error="url"]');
    await poll(() => urlError.textContent()).toBe(
      '10.0.0.5 is a private network address: only public addresses are sent to.',
    );
    expect(await form.getByLabel('URL').getAttribute('aria-invalid')).toBe('true');
    expect((await ada('GET', '/webhook-endpoints')).body.items).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);

    await form.getByLabel('URL').fill(receiver.url);
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    const shown = page.locator('[data-webhook-secret]');
    await shown.waitFor();
    secret = String(await shown.textContent());
    expect(secret).toMatch(/^whsec_/);
    const [endpoint] = (await ada('GET', '/webhook-endpoints')).body.items;
    expect(endpoint).toMatchObject({ url: receiver.url, events: ['DealCreated'], status: 'enabled' });
    expect(JSON.stringify(endpoint)).not.toContain(secret);
    expect(await form.getByLabel('URL').inputValue()).toBe('');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    await poll(() => page.locator('[data-webhook-secret]').count()).toBe(0);
    await page.reload();
    await page.locator(`[data-webhook-endpoint="${endpoint.id}"]`).waitFor();
    expect(await page.content()).not.toContain(secret);
  });

  it('sees each delivery with its attempts, and resends one: the receiver verifies both with the secret', async () => {
    watch();
    const deal = await local.api('POST', '/deals', {
      token: alice,
      body: {
        title: 'Signed and sent',
        value: { amount: 500, currency: 'EUR' },
        ownerId: 'alice',
        nextAction: { summary: 'Call', dueAt: '2031-01-10T09:00:00Z' },
      },
    });
    expect(deal.status).toBe(201);
    const [first] = await receiver.waitFor(1);
    expect(verify(first!, secret)).toMatchObject({ 'detail-type': 'DealCreated' });
    const webhookId = String(first!.headers['webhook-id']);

    const endpoint = page.locator('[data-webhook-endpoint]').first();
    await endpoint.getByRole('button', { name: 'Deliveries' }).click();
    const delivery = endpoint.locator(`[data-webhook-delivery="${webhookId}"]`);
    await delivery.waitFor();
    expect(await delivery.locator('summary').textContent()).toMatch(
      /DealCreated\s*delivered.*1 attempt\(s\).*last: 204/,
    );
    await delivery.locator('summary').click();
    await delivery.getByRole('table').waitFor();
    expect(await delivery.getByRole('row').count()).toBe(2);
    expect(await seriousViolations(page)).toEqual([]);

    await delivery.getByRole('button', { name: 'Resend DealCreated' }).click();
    await receiver.waitFor(2);
    expect(receiver.received[1]!.headers['webhook-id']).toBe(webhookId);
    expect(verify(receiver.received[1]!, secret)).toEqual(verify(first!, secret));
    await poll(async () => delivery.locator('summary').textContent()).toMatch(/delivered.*2 attempt\(s\)/);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('sends a test, which shows in the deliveries', async () => {
    watch();
    const endpoint = page.locator('[data-webhook-endpoint]').first();
    await endpoint.getByRole('button', { name: 'Send a test' }).click();
    await receiver.waitFor(3);
    expect(verify(receiver.received[2]!, secret)).toMatchObject({ 'detail-type': 'WebhookTest' });
    await poll(async () => endpoint.getByText('WebhookTest', { exact: true }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
