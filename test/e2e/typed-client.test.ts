import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHandoffClient,
  type HandoffClient,
  problemOf,
  type Schemas,
} from '../../clients/typescript/index.js';
import { type RunningLocal, startLocal } from '../support/local-runtime.js';
import { assertDocumented } from '../support/openapi-contract.js';

// An integrator's path: the document the API serves is the one published; the client generated
// from it (openapi-typescript + openapi-fetch, compiled with the project's strict settings, no
// casts) drives the README's walkthrough on the local runtime, and every answer it gets is one
// the document describes.

let local: RunningLocal;
let alice: HandoffClient;
let mia: HandoffClient;

beforeAll(async () => {
  local = await startLocal();
  const aliceToken = await local.token({ user: 'alice', groups: ['sales'] });
  const miaToken = await local.token({ user: 'mia', groups: ['manager'] });
  // every answer the typed client gets is checked against the document, as the suite's others are
  const checked: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const res = await fetch(request);
    const text = await res.clone().text();
    assertDocumented({
      method: request.method,
      path: new URL(request.url).pathname,
      status: res.status,
      headers: res.headers,
      body: text ? JSON.parse(text) : undefined,
    });
    return res;
  };
  alice = createHandoffClient({ baseUrl: local.apiUrl, token: () => aliceToken, fetch: checked });
  mia = createHandoffClient({ baseUrl: local.apiUrl, token: () => miaToken, fetch: checked });
}, 180_000);

afterAll(async () => {
  await local?.stop();
});

describe('the typed client on the local runtime', () => {
  it('the API serves the document that is published in docs/openapi.json', async () => {
    const { data, response } = await alice.GET('/openapi.json');
    expect(response.status).toBe(200);
    expect(data).toEqual(
      JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8')),
    );
  });

  it("drives the README's walkthrough: contact, a refused deal, a deal, a move, a refused win, a win, its project, a report", async () => {
    const contact = await alice.POST('/contacts', {
      body: { firstName: 'Grace', lastName: 'Hopper', emails: ['grace@acme.example'], title: 'CTO' },
    });
    expect(contact.response.status).toBe(201);
    const contactId = contact.data!.id;

    const refused = await alice.POST('/deals', {
      // what the walkthrough sends to show the refusal: the document says nextAction is required
      body: { title: 'Acme rollout', value: { amount: 4_800_000, currency: 'EUR' } } as never,
    });
    expect(refused.response.status).toBe(422);
    expect(problemOf(refused.error)?.errors?.map((e) => e.path)).toEqual(['ownerId', 'nextAction']);

    const deal = await alice.POST('/deals', {
      body: {
        title: 'Acme rollout',
        value: { amount: 4_800_000, currency: 'EUR' },
        ownerId: 'alice',
        contactId,
        nextAction: { summary: 'Send the proposal', dueAt: '2030-01-10T09:00:00Z' },
      },
    });
    expect(deal.data).toMatchObject({ stageId: 'st_lead', status: 'open', version: 1 });
    const dealId = deal.data!.id;

    const moved = await alice.POST('/deals/{id}/move', {
      params: { path: { id: dealId } },
      body: { stageId: 'st_proposal' },
    });
    expect(moved.response.headers.get('etag')).toBe('"2"');

    const incomplete = await alice.POST('/deals/{id}/won', {
      params: { path: { id: dealId } },
      body: { handoff: { scopeSummary: 'Roll out to 3 sites' } } as never,
    });
    expect(incomplete.response.status).toBe(422);
    expect(problemOf(incomplete.error)?.type).toBe('/problems/handoff-incomplete');

    const won = await alice.POST('/deals/{id}/won', {
      params: { path: { id: dealId }, header: { 'If-Match': '"2"' } },
      body: {
        handoff: {
          scopeSummary: 'Roll out to 3 sites',
          promisedTimeline: { dueDate: '2030-03-31' },
          keyConstraints: ['on-premises only'],
          mainStakeholderContactId: contactId,
          kickoffDate: '2030-02-03',
        },
      },
    });
    expect(won.data).toMatchObject({ status: 'won', wins: 1, version: 3 });

    let project: Schemas['ProjectWithTasks'] | undefined;
    const until = Date.now() + 15_000;
    while (!project && Date.now() < until) {
      const res = await alice.GET('/deals/{id}/project', { params: { path: { id: dealId } } });
      project = res.data;
      if (!project) await new Promise((r) => setTimeout(r, 100));
    }
    expect(project).toMatchObject({ kickoffDate: '2030-02-03', dealId });
    expect(project!.tasks).toHaveLength(6);

    const pipeline = await mia.GET('/reports/pipeline', { params: { query: {} } });
    expect(pipeline.response.status).toBe(200);
    expect(pipeline.data?.stages.length).toBeGreaterThan(0);
  });
});
