import { createHash } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../support/api.js';
import { crmApi, deliveryApi, eventsOf, itemCount, outbox, portalApi } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// The customer portal on DynamoDB Local, through the delivery API (the team shares a project) and
// the portal API (the customer reads and decides): a session reads its own project and nothing
// else, a revoked or expired link stops at once, wrong tokens are refused and throttled per
// source, forged and truncated tokens never open anything, and bad input writes nothing.

let table: TestTable;
let team: ReturnType<typeof deliveryApi>;
let crm: ReturnType<typeof crmApi>;
let portal: ReturnType<typeof portalApi>;
const lead = { sub: 'u-lead', groups: ['delivery'], email: 'lead@example.com' };
const other = { sub: 'u-other', groups: ['delivery'], email: 'other@example.com' };
const ids: Record<string, string> = {};
let ip = 0;
/** A fresh source address: each test's wrong tokens are its own. */
const nextIp = () => `10.0.${Math.floor(++ip / 250)}.${ip % 250}`;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const tokenOf = (url: string) => url.slice(url.indexOf('#') + 1);

async function shareWith(projectId: string, contactId: string, extra: Record<string, unknown> = {}) {
  const made = await team('POST /projects/{id}/portal-links', {
    as: lead,
    params: { id: projectId },
    body: { contactId, ...extra },
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return made.body as { id: string; url: string; expiresAt: string };
}

async function sessionFor(token: string, at?: string) {
  const started = await portal('POST /portal/sessions', {
    as: null,
    body: { token },
    sourceIp: nextIp(),
    ...(at ? { at } : {}),
  });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  return started.body.accessToken as string;
}

async function scanAll(): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await table.services.store.doc.send(
      new ScanCommand({ TableName: table.tableName, ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}) }),
    );
    out.push(...((page.Items ?? []) as Record<string, unknown>[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return out;
}

/** Everything but the counts of wrong tokens (which a refused token adds to, by design). */
const writtenBesideFailures = async () =>
  (await scanAll()).filter((i) => !String(i.pk).startsWith('PORTAL-FAILURES#')).length;

beforeAll(async () => {
  table = await testTable();
  team = deliveryApi(table);
  crm = crmApi(table);
  portal = portalApi(table);
  for (const u of [lead, other, users.alice]) await crm('GET /pipelines', { as: u });
  const acme = (await crm('POST /companies', { body: { name: 'Acme' } })).body;
  const beta = (await crm('POST /companies', { body: { name: 'Beta' } })).body;
  const contact = async (firstName: string, companyId: string) =>
    (
      await crm('POST /contacts', {
        body: {
          firstName,
          lastName: 'Client',
          companyId,
          emails: [`${firstName.toLowerCase()}@client.test`],
        },
      })
    ).body.id as string;
  Object.assign(ids, {
    acme: acme.id,
    beta: beta.id,
    carol: await contact('Carol', acme.id),
    dave: await contact('Dave', acme.id),
    eve: await contact('Eve', beta.id),
  });
  const template = await team('POST /templates', {
    as: lead,
    body: {
      name: 'Rollout',
      tasks: [
        { key: 'build', title: 'Build', durationDays: 5 },
        { key: 'golive', title: 'Go-live', durationDays: 0, milestone: true },
      ],
      dependencies: [{ predecessor: 'build', successor: 'golive' }],
    },
  });
  expect(template.status, JSON.stringify(template.body)).toBe(201);
  const project = async (name: string, companyId: string, stakeholder: string) => {
    const made = await team('POST /projects', {
      as: lead,
      body: {
        name,
        templateId: template.body.id,
        kickoffDate: '2030-03-04',
        promisedDueDate: '2030-03-15',
        customer: { companyId, mainStakeholderContactId: stakeholder },
        budget: { hours: 120 },
      },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return made.body as { id: string; tasks: { id: string; key: string }[] };
  };
  const a = await project('Acme rollout', acme.id, ids.carol!);
  const b = await project('Beta rollout', beta.id, ids.eve!);
  const task = async (projectId: string, body: Record<string, unknown>) => {
    const added = await team('POST /projects/{id}/tasks', { as: lead, params: { id: projectId }, body });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    return added.body.id as string;
  };
  Object.assign(ids, {
    a: a.id,
    b: b.id,
    aGoLive: a.tasks.find((t) => t.key === 'golive')!.id,
    bGoLive: b.tasks.find((t) => t.key === 'golive')!.id,
    plan: await task(a.id, {
      title: 'Approve the plan',
      durationDays: 1,
      approval: { approverContactId: ids.carol },
    }),
    daves: await task(a.id, {
      title: 'Approve the budget',
      durationDays: 1,
      approval: { approverContactId: ids.dave },
    }),
    secret: await task(a.id, { title: 'Margin review', durationDays: 1, internal: true }),
    evesPlan: await task(b.id, {
      title: 'Approve the Beta plan',
      durationDays: 1,
      approval: { approverContactId: ids.eve },
    }),
  });
});

describe('sharing a project with its customer', () => {
  it('a link for the main stakeholder: its URL carries the secret in the fragment, the table only its hash', async () => {
    const link = await shareWith(ids.a!, ids.carol!);
    expect(link.url).toMatch(/\/portal#plk_[0-9A-Z]{26}\.[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(link.url);
    const secret = token.split('.')[1]!;
    const items = JSON.stringify(await scanAll());
    expect(items).not.toContain(secret);
    expect(items).toContain(createHash('sha256').update(secret).digest('hex'));
    const [created] = (await eventsOf(table, 'PortalLinkCreated')).filter(
      (e) => e.detail.data.linkId === link.id,
    );
    expect(created!.detail.data).toMatchObject({
      projectId: ids.a,
      contactId: ids.carol,
      createdBy: lead.sub,
    });
    expect(JSON.stringify(created)).not.toContain(secret);
    const listed = await team('GET /projects/{id}/portal-links', { as: users.alice, params: { id: ids.a! } });
    expect(listed.body.items).toContainEqual(expect.objectContaining({ id: link.id, status: 'active' }));
    expect(JSON.stringify(listed.body)).not.toContain('secretHash');
  });

  it('refuses a contact of another customer (422 naming contactId), a rep (403), another owner (403): nothing written', async () => {
    const before = await itemCount(table);
    const stranger = await team('POST /projects/{id}/portal-links', {
      as: lead,
      params: { id: ids.a! },
      body: { contactId: ids.eve },
    });
    expect(stranger.status).toBe(422);
    expect(stranger.body.errors).toEqual([expect.objectContaining({ path: 'contactId' })]);
    for (const who of [users.alice, other]) {
      const refused = await team('POST /projects/{id}/portal-links', {
        as: who,
        params: { id: ids.a! },
        body: { contactId: ids.carol },
      });
      expect(refused.status, who.sub).toBe(403);
    }
    const tooLong = await team('POST /projects/{id}/portal-links', {
      as: lead,
      params: { id: ids.a! },
      body: { contactId: ids.carol, expiresAt: '2099-01-01T00:00:00.000Z' },
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.errors).toEqual([expect.objectContaining({ path: 'expiresAt' })]);
    // this function runs without DIGEST_FROM_EMAIL: a deployment that sends no mail
    const unsent = await team('POST /projects/{id}/portal-links', {
      as: lead,
      params: { id: ids.a! },
      body: { contactId: ids.carol, send: true },
    });
    expect(unsent.status).toBe(409);
    expect(unsent.body.detail).toContain('sends no mail');
    expect(await itemCount(table)).toBe(before);
  });

  it('an approval for a contact who is not of the customer is refused (422), nothing written', async () => {
    const before = await itemCount(table);
    const refused = await team('POST /projects/{id}/tasks', {
      as: lead,
      params: { id: ids.a! },
      body: { title: 'Sign', durationDays: 1, approval: { approverContactId: ids.eve } },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'approval.approverContactId' })]);
    expect(await itemCount(table)).toBe(before);
  });
});

describe('what the customer sees', () => {
  it('promise beside the plan, milestones, progress, what waits on them; nothing internal; PortalViewed once a session', async () => {
    const access = await sessionFor(tokenOf((await shareWith(ids.a!, ids.carol!)).url));
    const seen = await portal('GET /portal/project', { as: null, headers: bearer(access) });
    expect(seen.status, JSON.stringify(seen.body)).toBe(200);
    expect(seen.body.project).toMatchObject({ id: ids.a, name: 'Acme rollout' });
    expect(seen.body.you).toEqual({ contactId: ids.carol, name: 'Carol Client' });
    expect(seen.body.promise).toMatchObject({ promisedDate: '2030-03-15', state: expect.any(String) });
    expect(seen.body.percentComplete).toBe(0);
    expect(seen.body.milestones).toEqual([
      expect.objectContaining({ taskId: ids.aGoLive, title: 'Go-live', status: 'upcoming' }),
    ]);
    // Carol's approval, not Dave's
    expect(seen.body.waitingOnYou.map((w: { taskId: string }) => w.taskId)).toEqual([ids.plan]);
    const text = JSON.stringify(seen.body);
    for (const hidden of [
      'Margin review',
      ids.secret!,
      'budget',
      'hours',
      'cost',
      'ownerId',
      'Approve the budget',
    ])
      expect(text, hidden).not.toContain(hidden);
    await portal('GET /portal/project', { as: null, headers: bearer(access) });
    const views = (await eventsOf(table, 'PortalViewed')).filter(
      (e) => e.detail.data.contactId === ids.carol,
    );
    expect(views).toHaveLength(1);
  });

  it('a session reads exactly one project: another project’s approvals and milestones are 404, nothing written', async () => {
    const carol = await sessionFor(tokenOf((await shareWith(ids.a!, ids.carol!)).url));
    const eve = await sessionFor(tokenOf((await shareWith(ids.b!, ids.eve!)).url));
    const evesView = await portal('GET /portal/project', { as: null, headers: bearer(eve) });
    expect(evesView.body.project.id).toBe(ids.b);
    expect(JSON.stringify(evesView.body)).not.toContain('Acme');
    const before = await itemCount(table);
    const cross = [
      ['POST /portal/approvals/{taskId}', ids.evesPlan, { decision: 'approved' }],
      ['POST /portal/approvals/{taskId}', ids.secret, { decision: 'approved' }],
      ['POST /portal/milestones/{taskId}/comments', ids.bGoLive, { body: 'hi' }],
      ['POST /portal/milestones/{taskId}/comments', ids.secret, { body: 'hi' }],
    ] as const;
    for (const [routeKey, taskId, body] of cross) {
      const refused = await portal(routeKey, {
        as: null,
        headers: bearer(carol),
        params: { taskId: taskId! },
        body,
      });
      expect(refused.status, `${routeKey} ${taskId}`).toBe(404);
    }
    // Dave's approval, in Carol's own project: someone else's to decide
    const daves = await portal('POST /portal/approvals/{taskId}', {
      as: null,
      headers: bearer(carol),
      params: { taskId: ids.daves! },
      body: { decision: 'approved' },
    });
    expect(daves.status).toBe(403);
    expect(await itemCount(table)).toBe(before);
  });

  it('a portal token opens no route of the team, and a portal route needs a session (401)', async () => {
    const carol = await sessionFor(tokenOf((await shareWith(ids.a!, ids.carol!)).url));
    const staff = await team('GET /projects/{id}', {
      as: null,
      headers: bearer(carol),
      params: { id: ids.a! },
    });
    expect(staff.status).toBe(401);
    const none = await portal('GET /portal/project', { as: null, sourceIp: nextIp() });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
  });
});

describe('the customer acts', () => {
  it('rejecting needs a comment (422, nothing written); approving is the team’s approval, as the contact, on the timeline', async () => {
    const carol = await sessionFor(tokenOf((await shareWith(ids.a!, ids.carol!)).url));
    const before = await itemCount(table);
    const bare = await portal('POST /portal/approvals/{taskId}', {
      as: null,
      headers: bearer(carol),
      params: { taskId: ids.plan! },
      body: { decision: 'rejected' },
    });
    expect(bare.status).toBe(422);
    expect(bare.body.errors).toEqual([expect.objectContaining({ path: 'comment' })]);
    expect(await itemCount(table)).toBe(before);

    const approved = await portal('POST /portal/approvals/{taskId}', {
      as: null,
      headers: bearer(carol),
      params: { taskId: ids.plan! },
      body: { decision: 'approved', comment: 'Looks right' },
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ taskId: ids.plan, decision: 'approved', taskStatus: 'done' });
    const decided = (await eventsOf(table, 'ApprovalDecided')).find((e) => e.detail.data.taskId === ids.plan);
    expect(decided!.detail.data).toMatchObject({ decision: 'approved', decidedBy: `contact:${ids.carol}` });
    const given = (await eventsOf(table, 'CustomerApprovalGiven')).find(
      (e) => e.detail.data.taskId === ids.plan,
    );
    expect(given!.detail.data).toMatchObject({
      contactId: ids.carol,
      projectOwnerId: lead.sub,
      comment: 'Looks right',
    });
    const timeline = await team('GET /projects/{id}/timeline', { as: lead, params: { id: ids.a! } });
    expect(timeline.body.items[0]).toMatchObject({
      kind: 'approval-decided',
      by: `contact:${ids.carol}`,
      contactName: 'Carol Client',
      taskId: ids.plan,
    });
    const again = await portal('POST /portal/approvals/{taskId}', {
      as: null,
      headers: bearer(carol),
      params: { taskId: ids.plan! },
      body: { decision: 'approved' },
    });
    expect(again.status).toBe(409);
    const seen = await portal('GET /portal/project', { as: null, headers: bearer(carol) });
    expect(seen.body.waitingOnYou).toEqual([]);
    expect(seen.body.approvedByYou).toEqual([
      expect.objectContaining({ taskId: ids.plan, comment: 'Looks right' }),
    ]);
  });

  it('a comment on a milestone reaches the team’s task as the contact', async () => {
    const carol = await sessionFor(tokenOf((await shareWith(ids.a!, ids.carol!)).url));
    const said = await portal('POST /portal/milestones/{taskId}/comments', {
      as: null,
      headers: bearer(carol),
      params: { taskId: ids.aGoLive! },
      body: { body: 'Can we go live a day early?' },
    });
    expect(said.status, JSON.stringify(said.body)).toBe(201);
    const commented = (await eventsOf(table, 'TaskCommented')).find(
      (e) => e.detail.data.comment.id === said.body.id,
    );
    expect(commented!.detail.data.comment).toMatchObject({ authorId: `contact:${ids.carol}` });
    const seen = await portal('GET /portal/project', { as: null, headers: bearer(carol) });
    expect(seen.body.milestones[0].comments).toEqual([
      expect.objectContaining({ by: 'Carol Client', body: 'Can we go live a day early?' }),
    ]);
  });
});

describe('links that stop', () => {
  it('a revoked link and every session opened with it stop at once (401)', async () => {
    const link = await shareWith(ids.a!, ids.carol!);
    const access = await sessionFor(tokenOf(link.url));
    const revoked = await team('DELETE /projects/{id}/portal-links/{linkId}', {
      as: lead,
      params: { id: ids.a!, linkId: link.id },
    });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    const read = await portal('GET /portal/project', {
      as: null,
      headers: bearer(access),
      sourceIp: nextIp(),
    });
    expect(read.status).toBe(401);
    expect(read.body.detail).toContain('revoked');
    const exchange = await portal('POST /portal/sessions', {
      as: null,
      body: { token: tokenOf(link.url) },
      sourceIp: nextIp(),
    });
    expect(exchange.status).toBe(401);
    expect((await eventsOf(table, 'PortalLinkRevoked')).map((e) => e.detail.data.linkId)).toContain(link.id);
    const twice = await team('DELETE /projects/{id}/portal-links/{linkId}', {
      as: lead,
      params: { id: ids.a!, linkId: link.id },
    });
    expect(twice.status).toBe(409);
  });

  it('an expired link, and a session past its 15 minutes, are 401', async () => {
    const soon = new Date(Date.now() + 60 * 60_000).toISOString();
    const link = await shareWith(ids.a!, ids.carol!, { expiresAt: soon });
    const access = await sessionFor(tokenOf(link.url));
    const later = Date.now() + 20 * 60_000;
    const ended = await portal('GET /portal/project', { as: null, headers: bearer(access), at: later });
    expect(ended.status).toBe(401);
    expect(ended.body.detail).toContain('ended');
    const afterExpiry = Date.now() + 2 * 60 * 60_000;
    const expired = await portal('POST /portal/sessions', {
      as: null,
      body: { token: tokenOf(link.url) },
      at: afterExpiry,
      sourceIp: nextIp(),
    });
    expect(expired.status).toBe(401);
    expect(expired.body.detail).toContain('expired');
  });
});

describe('wrong tokens', () => {
  it('are throttled per source: after 10 in a quarter hour even the right token waits (429), other sources do not', async () => {
    const token = tokenOf((await shareWith(ids.a!, ids.carol!)).url);
    const source = nextIp();
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (let i = 0; i < 10; i++) {
      const refused = await portal('POST /portal/sessions', {
        as: null,
        body: { token: wrong },
        sourceIp: source,
      });
      expect(refused.status).toBe(401);
    }
    const throttled = await portal('POST /portal/sessions', { as: null, body: { token }, sourceIp: source });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    const elsewhere = await portal('POST /portal/sessions', {
      as: null,
      body: { token },
      sourceIp: nextIp(),
    });
    expect(elsewhere.status).toBe(201);
  });

  it('forged and truncated link and session tokens never open anything, and write nothing but their count (fuzz)', async () => {
    const linkToken = tokenOf((await shareWith(ids.a!, ids.carol!)).url);
    const sessionToken = await sessionFor(linkToken);
    const writtenBefore = await writtenBesideFailures();
    const eventsBefore = (await outbox(table)).length;
    const mutations = (real: string) =>
      fc.oneof(
        fc.string({ maxLength: 120 }),
        fc.nat({ max: real.length - 1 }).map((n) => real.slice(0, n)),
        fc
          .tuple(fc.nat({ max: real.length - 1 }), fc.constantFrom(...'AZaz09-_.'))
          .map(([i, c]) => real.slice(0, i) + c + real.slice(i + 1))
          .filter((t) => t !== real),
        fc
          .string({ minLength: 43, maxLength: 43 })
          .map((s) => `${real.split('.').slice(0, -1).join('.')}.${s}`),
      );
    await fc.assert(
      fc.asyncProperty(mutations(linkToken), async (forged) => {
        const answer = await portal('POST /portal/sessions', {
          as: null,
          body: { token: forged },
          sourceIp: nextIp(),
        });
        // an empty token is bad input; anything else is simply not a link
        expect([401, 422]).toContain(answer.status);
      }),
      { numRuns: 40 },
    );
    await fc.assert(
      fc.asyncProperty(mutations(sessionToken), async (forged) => {
        const answer = await portal('GET /portal/project', {
          as: null,
          headers: { authorization: `Bearer ${forged}` },
          sourceIp: nextIp(),
        });
        expect(answer.status).toBe(401);
      }),
      { numRuns: 40 },
    );
    expect(await writtenBesideFailures()).toBe(writtenBefore);
    expect((await outbox(table)).length).toBe(eventsBefore);
  });

  it('bad input to the exchange is a 422 naming the field, nothing written', async () => {
    const before = await itemCount(table);
    for (const body of [{}, { token: '' }, { token: 'x', extra: 1 }, { token: 'x'.repeat(600) }]) {
      const refused = await portal('POST /portal/sessions', { as: null, body, sourceIp: nextIp() });
      expect(refused.status, JSON.stringify(body)).toBe(422);
    }
    expect(await itemCount(table)).toBe(before);
  });
});
