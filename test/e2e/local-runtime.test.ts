import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../infra/local/jwt.js';
import { type RunningLocal, startLocal } from '../support/local-runtime.js';

// The synthesized stack on this machine, as `npm start -- --in-memory` runs it: a real HTTP
// server, the JWT check, the functions' cdk.out bundles, DynamoDB Local, its stream, the outbox
// relay and the local bus. A sale walked through it ends as DealClosedWon on the bus.

let local: RunningLocal;

beforeAll(async () => {
  local = await startLocal();
}, 180_000);

afterAll(async () => {
  await local?.stop();
});

const requestsTo = (path: string) =>
  local
    .output()
    .split('\n')
    .filter((l) => l.includes(` ${path}`) && l.includes('CrmApi')).length;

describe('the gateway', () => {
  it('answers /health and /openapi.json without a token', async () => {
    expect((await local.api('GET', '/health')).body).toEqual({ status: 'ok' });
    const doc = await local.api('GET', '/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.paths['/deals/{id}/won']).toBeDefined();
  });

  it('refuses a missing, forged or expired token with 401 problem+json, and never invokes the function', async () => {
    const before = requestsTo('/companies');
    const missing = await local.api('GET', '/companies');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');

    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ 'cognito:groups': ['admin'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'local-1' })
      .setSubject('mallory')
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setExpirationTime('1h')
      .sign(privateKey);
    expect((await local.api('GET', '/companies', { token: forged })).status).toBe(401);

    const expired = await local.token({ user: 'alice', groups: ['sales'], ttlSeconds: -60 });
    const refused = await local.api('GET', '/companies', { token: expired });
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toMatch(/exp/);
    expect(requestsTo('/companies')).toBe(before);
  });

  it('a role not allowed on the route is a 403 problem; an unknown route is a 404 problem', async () => {
    const dana = await local.token({ user: 'dana', groups: ['delivery'] });
    const res = await local.api('POST', '/companies', { token: dana, body: { name: 'x' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const nowhere = await local.api('GET', '/nowhere', { token: dana });
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.type).toBe('/problems/route-not-found');
  });
});

describe('a sale on the local runtime', () => {
  it('token → contact → deal → move → won, and DealClosedWon arrives on the bus and is archived', async () => {
    const alice = await local.token({ user: 'alice', groups: ['sales'], email: 'alice@example.com' });
    const contact = await local.api('POST', '/contacts', {
      token: alice,
      body: { firstName: 'Grace', lastName: 'Hopper', emails: ['grace@acme.example'] },
    });
    expect(contact.status).toBe(201);
    const deal = await local.api('POST', '/deals', {
      token: alice,
      body: {
        title: 'Acme rollout',
        value: { amount: 4_800_000, currency: 'EUR' },
        ownerId: 'alice',
        contactId: contact.body.id,
        nextAction: { summary: 'Send the proposal', dueAt: '2030-01-10T09:00:00Z' },
      },
    });
    expect(deal.status).toBe(201);
    const moved = await local.api('POST', `/deals/${deal.body.id}/move`, {
      token: alice,
      body: { stageId: 'st_proposal' },
    });
    expect(moved.status).toBe(200);
    expect(moved.headers.get('etag')).toBe('"2"');
    const won = await local.api('POST', `/deals/${deal.body.id}/won`, {
      token: alice,
      body: {
        handoff: {
          scopeSummary: 'Roll out to 3 sites',
          promisedTimeline: { dueDate: '2030-03-31' },
          keyConstraints: ['on-premises only'],
          mainStakeholderContactId: contact.body.id,
          kickoffDate: '2030-02-03',
        },
      },
    });
    expect(won.status).toBe(200);

    const event = await local.waitForEvent('DealClosedWon', (e) => e.detail.data.deal.id === deal.body.id);
    expect(event).toMatchObject({
      source: 'handoff.crm',
      'detail-type': 'DealClosedWon',
      detail: {
        version: 1,
        actor: { userId: 'alice' },
        data: { win: 1, customer: { mainStakeholder: { id: contact.body.id } } },
      },
      local: { archived: true },
    });
    const created = await local.waitForEvent('DealCreated', (e) => e.detail.data.deal.id === deal.body.id);
    expect(created.detail.id).not.toBe(event.detail.id);
    // every event of the story arrived exactly once
    const ids = (await local.busEvents()).map((e) => e.detail.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
