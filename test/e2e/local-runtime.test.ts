import { connect } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../infra/local/jwt.js';
import { type RunningLocal, startLocal } from '../support/local-runtime.js';

// The synthesized stack on this machine, started by README's own `npm start -- --in-memory` (the
// other files start the same code bundled: test/support/runtime-bundle.ts): a real HTTP
// server, the JWT check, the functions' cdk.out bundles, DynamoDB Local, its stream, the outbox
// relay and the local bus. A sale walked through it ends as DealClosedWon on the bus.

let local: RunningLocal;

beforeAll(async () => {
  local = await startLocal({ npmStart: true });
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

  it('a client that leaves in the middle of sending a body does not stop it: the next request is answered', async () => {
    // a browser leaving a page aborts what it was sending; once, that ended the whole runtime
    const token = await local.token({ user: 'sam', groups: ['sales'] });
    const socket = connect(local.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      `POST /contacts HTTP/1.1\r\nHost: localhost\r\nauthorization: Bearer ${token}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"firstName":`,
    );
    await new Promise((r) => setTimeout(r, 200));
    socket.destroy();
    await new Promise((r) => setTimeout(r, 500));
    expect((await local.api('GET', '/health')).body).toEqual({ status: 'ok' });
  });

  it("refuses a missing, forged or expired token with API Gateway's own 401, and never invokes the function", async () => {
    const before = requestsTo('/companies');
    const missing = await local.api('GET', '/companies');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toBe('application/json');
    expect(missing.body).toEqual({ message: 'Unauthorized' });
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(missing.headers.get('apigw-requestid')).toBeTruthy();

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
    expect(refused.body).toEqual({ message: 'Unauthorized' });
    expect(refused.headers.get('www-authenticate')).toMatch(
      /^Bearer scope="" error="invalid_token" error_description=".*exp/,
    );
    expect(requestsTo('/companies')).toBe(before);
  });

  it("a role not allowed on the route is the function's 403 problem; an unknown route is API Gateway's own 404", async () => {
    const dana = await local.token({ user: 'dana', groups: ['delivery'] });
    const res = await local.api('POST', '/companies', { token: dana, body: { name: 'x' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const nowhere = await local.api('GET', '/nowhere', { token: dana });
    expect(nowhere.status).toBe(404);
    expect(nowhere.headers.get('content-type')).toBe('application/json');
    expect(nowhere.body).toEqual({ message: 'Not Found' });
  });
});

describe('tracing on the local runtime', () => {
  it("traces a request with X-Ray as Lambda would: the handler's subsegment carries the correlation id, its DynamoDB calls beneath it", async () => {
    const alice = await local.token({ user: 'alice', groups: ['sales'] });
    const created = await local.api('POST', '/companies', {
      token: alice,
      body: { name: 'Traced Ltd' },
      headers: { 'x-correlation-id': 'trace-me-1' },
    });
    expect(created.status).toBe(201);
    type Segment = {
      id: string;
      trace_id: string;
      parent_id?: string;
      name: string;
      annotations?: Record<string, unknown>;
    };
    const deadline = Date.now() + 10_000;
    let segments: Segment[] = [];
    let handler: Segment | undefined;
    while (!handler && Date.now() < deadline) {
      segments = ((await (await fetch(`${local.controlUrl}/traces`)).json()) as { segments: Segment[] })
        .segments;
      handler = segments.find((s) => s.annotations?.correlationId === 'trace-me-1');
      if (!handler) await new Promise((r) => setTimeout(r, 100));
    }
    expect(handler).toMatchObject({ name: '## index.handler', annotations: { Service: 'CrmApi' } });
    const beneath = segments.filter((s) => s.parent_id === handler!.id).map((s) => s.name);
    expect(beneath).toContain('DynamoDB');
    expect(
      segments.filter((s) => s.parent_id === handler!.id).every((s) => s.trace_id === handler!.trace_id),
    ).toBe(true);
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

describe('delivery on the local runtime', () => {
  it('template → project on a kickoff date → critical path → a slip moves dependents → a cycle refused → approval → time and burn', async () => {
    const lead = await local.token({ user: 'lead', groups: ['delivery'] });
    const pm = await local.token({ user: 'pm', groups: ['manager'] });
    await local.api('GET', '/templates', { token: pm });
    const template = await local.api('POST', '/templates', {
      token: lead,
      body: {
        name: 'Rollout',
        tasks: [
          { key: 'design', title: 'Design', durationDays: 3 },
          { key: 'approve', title: 'Approve design', durationDays: 1, approval: { approverRole: 'manager' } },
          { key: 'build', title: 'Build', durationDays: 5 },
          { key: 'golive', title: 'Go-live', durationDays: 0, milestone: true },
        ],
        dependencies: [
          { predecessor: 'design', successor: 'approve' },
          { predecessor: 'approve', successor: 'build' },
          { predecessor: 'build', successor: 'golive' },
        ],
      },
    });
    expect(template.status).toBe(201);
    const project = await local.api('POST', '/projects', {
      token: lead,
      body: {
        name: 'Acme',
        templateId: template.body.id,
        kickoffDate: '2030-02-04',
        promisedDueDate: '2030-02-20',
        budget: { hours: 2 },
      },
    });
    expect(project.status).toBe(201);
    const id = (key: string) => project.body.tasks.find((t: { key: string }) => t.key === key).id as string;
    const schedule = await local.api('GET', `/projects/${project.body.id}/schedule`, { token: lead });
    expect(schedule.body.criticalPath.map((t: { id: string }) => t.id)).toEqual([
      id('design'),
      id('approve'),
      id('build'),
      id('golive'),
    ]);
    // go-live, a milestone after build, is the project's last day
    expect(schedule.body).toMatchObject({ projectedFinish: '2030-02-15', atRisk: false });

    const slip = await local.api('PATCH', `/tasks/${id('design')}`, {
      token: lead,
      body: { startDate: '2030-02-11' },
    });
    expect(slip.status).toBe(200);
    const moved = await local.waitForEvent('TaskRescheduled', (e) => e.detail.data.taskId === id('golive'));
    expect(moved.detail.data).toMatchObject({
      to: { startDate: '2030-02-22' },
      cause: { kind: 'task-changed', taskId: id('design') },
    });

    const cycle = await local.api('POST', `/tasks/${id('design')}/dependencies`, {
      token: lead,
      body: { predecessorId: id('build') },
    });
    expect(cycle.status).toBe(422);
    expect(cycle.body.errors[0].message).toMatch(/cycle/);

    // an approval waits for what it depends on, like any other way of finishing a task
    const early = await local.api('POST', `/tasks/${id('approve')}/approval`, {
      token: pm,
      body: { decision: 'approved' },
    });
    expect(early.status).toBe(409);
    const designed = await local.api('PATCH', `/tasks/${id('design')}`, {
      token: lead,
      body: { status: 'done' },
    });
    expect(designed.status).toBe(200);
    const approved = await local.api('POST', `/tasks/${id('approve')}/approval`, {
      token: pm,
      body: { decision: 'approved' },
    });
    expect(approved.body.status).toBe('done');
    const logged = await local.api('POST', `/tasks/${id('build')}/time-entries`, {
      token: lead,
      body: { date: '2026-01-05', minutes: 150 },
    });
    expect(logged.status).toBe(201);
    const after = await local.api('GET', `/projects/${project.body.id}`, { token: lead });
    expect(after.body.burn.hours).toBe(1.25);
    await local.waitForEvent('ProjectBudgetExceeded', (e) => e.detail.data.projectId === project.body.id);
  });

  it('a slip that moves more than one transaction holds is finished by the cascade through the bus', async () => {
    const lead = await local.token({ user: 'lead', groups: ['delivery'] });
    const n = 80;
    const template = await local.api('POST', '/templates', {
      token: lead,
      body: {
        name: 'Long chain',
        tasks: Array.from({ length: n }, (_, i) => ({ key: `t${i}`, title: `Step ${i}`, durationDays: 1 })),
        dependencies: Array.from({ length: n - 1 }, (_, i) => ({
          predecessor: `t${i}`,
          successor: `t${i + 1}`,
        })),
      },
    });
    const project = await local.api('POST', '/projects', {
      token: lead,
      body: { name: 'Long', templateId: template.body.id, kickoffDate: '2030-01-07' },
    });
    const first = project.body.tasks.find((t: { key: string }) => t.key === 't0').id;
    const slip = await local.api('PATCH', `/tasks/${first}`, {
      token: lead,
      body: { startDate: '2030-01-14' },
    });
    expect(slip.body.rescheduling).toBe('in-progress');
    const last = project.body.tasks.find((t: { key: string }) => t.key === `t${n - 1}`).id;
    await local.waitForEvent('TaskRescheduled', (e) => e.detail.data.taskId === last, 20_000);
    const after = await local.api('GET', `/projects/${project.body.id}`, { token: lead });
    expect(after.body.tasks.find((t: { id: string }) => t.id === last).startDate).toBe('2030-05-03');
    // the cascade's transactions reach the bus in several PutEvents calls: wait for all of them
    const ofProject = async () =>
      (await local.busEvents('TaskRescheduled')).filter((e) => e.detail.data.projectId === project.body.id);
    const until = Date.now() + 10_000;
    while ((await ofProject()).length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const moves = await ofProject();
    expect(moves).toHaveLength(n);
    expect(new Set(moves.map((e) => e.detail.data.taskId)).size).toBe(n);
  });
});
