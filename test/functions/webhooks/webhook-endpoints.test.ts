import { beforeAll, describe, expect, it } from 'vitest';
import { httpApi } from '../../../functions/lib/http/http-handler.js';
import { workspaceRoutes } from '../../../functions/workspace/routes/index.js';
import { apiClient, users } from '../../support/api.js';
import { eventsOf, itemCount } from '../../support/crm.js';
import { servicesOf, type TestTable, testTable } from '../../support/table.js';

// Webhook endpoints through the workspace API function, on DynamoDB Local, as deployed in AWS
// (no loopback allowed): admins only; a URL that is malformed, not https://, or whose host is or
// resolves to a loopback, private, link-local or reserved address is a 422 naming `url`, and
// unknown event types a 422 listing them, all in one answer that writes nothing; the secret is
// answered once (create, rotate) and never read back; every change is an event.

let table: TestTable;
let api: ReturnType<typeof apiClient>;

const PUBLIC = 'https://93.184.215.14/hooks/handoff';

beforeAll(async () => {
  table = await testTable();
  const workspace = servicesOf(table, 'WorkspaceApi');
  api = apiClient(
    httpApi(
      workspaceRoutes(workspace, () => ({})),
      () => workspace,
    ),
  );
});

async function create(body: Record<string, unknown>) {
  return api('POST /webhook-endpoints', { body });
}

describe('adding a webhook endpoint', () => {
  it('is for admins only', async () => {
    for (const as of [users.manager, users.alice, users.dana]) {
      expect(
        (await api('POST /webhook-endpoints', { as, body: { url: PUBLIC, events: ['*'] } })).status,
      ).toBe(403);
      expect((await api('GET /webhook-endpoints', { as })).status).toBe(403);
    }
  });

  it.each([
    ['not a url', 'must be an absolute URL, e.g. https://hooks.example.com/handoff'],
    ['http://93.184.215.14/hooks', 'must be an https:// URL'],
    ['ftp://93.184.215.14/hooks', 'must be an https:// URL'],
    [
      'https://user:pw@93.184.215.14/',
      'must not hold a user name or password (the signature authenticates each delivery)',
    ],
    [
      'https://127.0.0.1:8443/hooks',
      '127.0.0.1 is a loopback address (this machine): only public addresses are sent to',
    ],
    ['https://[::1]/hooks', '::1 is a loopback address (this machine): only public addresses are sent to'],
    ['https://10.0.4.2/hooks', '10.0.4.2 is a private network address: only public addresses are sent to'],
    [
      'https://192.168.1.20/hooks',
      '192.168.1.20 is a private network address: only public addresses are sent to',
    ],
    [
      'https://169.254.169.254/latest/meta-data',
      '169.254.169.254 is a link-local address (such as the instance metadata service): only public addresses are sent to',
    ],
    [
      'https://[::ffff:10.1.1.1]/',
      '10.1.1.1 is a private network address: only public addresses are sent to',
    ],
    [
      'https://100.64.0.1/',
      '100.64.0.1 is a shared (carrier-grade NAT) address: only public addresses are sent to',
    ],
    ['https://0.0.0.0/', '0.0.0.0 is an unspecified address: only public addresses are sent to'],
    [
      'https://203.0.113.7/',
      '203.0.113.7 is a reserved or special-purpose address: only public addresses are sent to',
    ],
    [
      'https://localhost:9/hooks',
      'its host localhost resolves to 127.0.0.1, a loopback address (this machine): only public addresses are sent to',
    ],
    ['https://no-such-host.invalid/hooks', 'its host no-such-host.invalid does not resolve'],
  ])('refuses %s: a 422 naming url, nothing written', async (url, message) => {
    const before = await itemCount(table);
    const res = await create({ url, events: ['DealCreated'] });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'url', message }]);
    expect(await itemCount(table)).toBe(before);
  });

  it('lists every unknown event type in the same answer as a bad url', async () => {
    const res = await create({
      url: 'http://93.184.215.14/',
      events: ['DealCreated', 'DealEaten', 'WebhookResendRequested'],
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { path: 'url', message: 'must be an https:// URL' },
      {
        path: 'events',
        message:
          'unknown event type(s): DealEaten, WebhookResendRequested (docs/events.md lists them; "*" is every one)',
      },
    ]);
    const empty = await create({ url: PUBLIC, events: [] });
    expect(empty.body.errors).toEqual([
      { path: 'events', message: 'name at least one event type, or ["*"] for every one' },
    ]);
  });

  it('answers the signing secret once; reads never show it; the event carries the origin only', async () => {
    const res = await create({
      url: PUBLIC,
      events: ['DealCreated', 'DealClosedWon', 'DealCreated'],
      description: 'Billing',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      url: PUBLIC,
      events: ['DealCreated', 'DealClosedWon'],
      description: 'Billing',
      status: 'enabled',
      disabled: null,
      failingSince: null,
      previousSecretExpiresAt: null,
      version: 1,
    });
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(res.headers.etag).toBe('"1"');
    const read = await api('GET /webhook-endpoints/{id}', { params: { id: res.body.id } });
    expect(read.status).toBe(200);
    expect(read.body.secret).toBeUndefined();
    expect(JSON.stringify(read.body)).not.toContain(res.body.secret);
    const list = await api('GET /webhook-endpoints');
    expect(list.body.items.map((e: { id: string }) => e.id)).toContain(res.body.id);
    expect(JSON.stringify(list.body)).not.toContain(res.body.secret);
    const [event] = (await eventsOf(table, 'WebhookEndpointCreated')).filter(
      (e) => e.detail.data.endpoint.id === res.body.id,
    );
    expect(event!.detail.data.endpoint).toEqual({
      id: res.body.id,
      origin: 'https://93.184.215.14',
      description: 'Billing',
      events: ['DealCreated', 'DealClosedWon'],
      status: 'enabled',
    });
    expect(JSON.stringify(await eventsOf(table, 'WebhookEndpointCreated'))).not.toContain(res.body.secret);
  });
});

describe('changing an endpoint', () => {
  it('changes events and url at its version; disabling and enabling say why; a stale If-Match is a 412', async () => {
    const { body: made } = await create({ url: PUBLIC, events: ['DealCreated'] });
    const stale = await api('PATCH /webhook-endpoints/{id}', {
      params: { id: made.id },
      headers: { 'if-match': '"7"' },
      body: { events: ['DealCreated'] },
    });
    expect(stale.status).toBe(412);
    const bad = await api('PATCH /webhook-endpoints/{id}', {
      params: { id: made.id },
      body: { url: 'https://10.0.0.9/x', events: ['Nope'] },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['url', 'events']);
    const disabled = await api('PATCH /webhook-endpoints/{id}', {
      params: { id: made.id },
      headers: { 'if-match': '"1"' },
      body: { status: 'disabled', events: ['DealCreated', '*'] },
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ status: 'disabled', events: ['*'], version: 2 });
    expect(disabled.body.disabled).toMatchObject({ reason: 'admin' });
    const enabled = await api('PATCH /webhook-endpoints/{id}', {
      params: { id: made.id },
      body: { status: 'enabled', url: 'https://93.184.215.14/other' },
    });
    expect(enabled.body).toMatchObject({
      status: 'enabled',
      disabled: null,
      url: 'https://93.184.215.14/other',
      version: 3,
    });
    const updates = (await eventsOf(table, 'WebhookEndpointUpdated')).filter(
      (e) => e.detail.data.endpoint.id === made.id,
    );
    expect(updates.map((e) => e.detail.data.changed)).toEqual([
      ['events', 'status'],
      ['url', 'status'],
    ]);
  });

  it('rotates the secret: a new one answered once, the previous signing 24 hours more', async () => {
    const { body: made } = await create({ url: PUBLIC, events: ['DealCreated'] });
    const at = '2030-03-01T10:00:00.000Z';
    const rotated = await api('POST /webhook-endpoints/{id}/rotate-secret', { params: { id: made.id }, at });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(made.secret);
    expect(rotated.body).toMatchObject({
      secretCreatedAt: at,
      previousSecretExpiresAt: '2030-03-02T10:00:00.000Z',
      version: 2,
    });
    const [event] = (await eventsOf(table, 'WebhookEndpointUpdated')).filter(
      (e) => e.detail.data.endpoint.id === made.id,
    );
    expect(event!.detail.data.changed).toEqual(['secret']);
  });

  it('a test is a WebhookTest event for that endpoint; delete ends it (404 after)', async () => {
    const { body: made } = await create({ url: PUBLIC, events: ['DealCreated'] });
    const test = await api('POST /webhook-endpoints/{id}/test', { params: { id: made.id } });
    expect(test.status).toBe(202);
    const [sent] = (await eventsOf(table, 'WebhookTest')).filter((e) => e.detail.id === test.body.deliveryId);
    expect(sent!.detail.data.endpointId).toBe(made.id);
    const gone = await api('DELETE /webhook-endpoints/{id}', { params: { id: made.id } });
    expect(gone.status).toBe(204);
    expect((await api('GET /webhook-endpoints/{id}', { params: { id: made.id } })).status).toBe(404);
    expect((await api('GET /webhook-endpoints/{id}/deliveries', { params: { id: made.id } })).status).toBe(
      404,
    );
    expect((await eventsOf(table, 'WebhookEndpointDeleted')).map((e) => e.detail.data.endpointId)).toContain(
      made.id,
    );
  });

  it('a replay needs a past window of known events, within the archive, to an enabled endpoint', async () => {
    const { body: made } = await create({ url: PUBLIC, events: ['DealCreated'] });
    const at = '2030-03-10T12:00:00.000Z';
    const refused = await api('POST /webhook-endpoints/{id}/replay', {
      params: { id: made.id },
      at,
      body: { from: '2030-03-10T13:00:00Z', to: '2030-03-10T14:00:00Z', events: ['Nope'] },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      {
        path: 'events',
        message: 'unknown event type(s): Nope (docs/events.md lists them; "*" is every one)',
      },
      { path: 'to', message: 'must not be in the future' },
    ]);
    const old = await api('POST /webhook-endpoints/{id}/replay', {
      params: { id: made.id },
      at,
      body: { from: '2028-01-01T00:00:00Z', to: '2030-03-10T11:00:00Z' },
    });
    expect(old.body.errors).toEqual([{ path: 'from', message: "must be within the archive's 365 days" }]);
    const replay = await api('POST /webhook-endpoints/{id}/replay', {
      params: { id: made.id },
      at,
      body: { from: '2030-03-10T09:00:00Z', to: '2030-03-10T11:00:00Z' },
    });
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ endpointId: made.id, status: 'requested', events: null });
    const listed = await api('GET /webhook-endpoints/{id}/replays', { params: { id: made.id } });
    expect(listed.body.items.map((r: { id: string }) => r.id)).toEqual([replay.body.id]);
    expect((await eventsOf(table, 'WebhookReplayRequested')).map((e) => e.detail.data.replay.id)).toContain(
      replay.body.id,
    );
    await api('PATCH /webhook-endpoints/{id}', { params: { id: made.id }, body: { status: 'disabled' } });
    const toDisabled = await api('POST /webhook-endpoints/{id}/replay', {
      params: { id: made.id },
      at,
      body: { from: '2030-03-10T09:00:00Z', to: '2030-03-10T11:00:00Z' },
    });
    expect(toDisabled.status).toBe(409);
  });

  it('at most 20 endpoints (409)', async () => {
    const existing = (await api('GET /webhook-endpoints')).body.items.length;
    for (let i = existing; i < 20; i++)
      expect((await create({ url: PUBLIC, events: ['*'] })).status).toBe(201);
    const more = await create({ url: PUBLIC, events: ['*'] });
    expect(more.status).toBe(409);
    expect(more.body.detail).toBe('a workspace has at most 20 webhook endpoints; delete one first');
  });
});
