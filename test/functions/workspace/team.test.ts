import { beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../../functions/lib/services.js';
import { localClient } from '../../../infra/local/dynamodb-local.js';
import { users } from '../../support/api.js';
import { crmApi, deliveryApi, eventsOf, itemCount, signIn } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// The team directory on DynamoDB Local: everyone who signed in is listed; an owner, assignee
// or routing target must be a known, active user (422 naming them, nothing written); a
// deactivated person's open deals and tasks wait in the managers' follow-ups for reassignment.

let table: TestTable;
let api: ReturnType<typeof crmApi>;
let delivery: ReturnType<typeof deliveryApi>;

const nextAction = { summary: 'Call back', dueAt: '2031-02-01T09:00:00Z' };
const deal = (extra: Record<string, unknown> = {}) => ({
  title: 'Renewal',
  value: { amount: 5_000, currency: 'EUR' },
  nextAction,
  ...extra,
});

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
  delivery = deliveryApi(table);
  await signIn(api, users.admin, users.manager, users.alice, users.bob, users.dana);
});

describe('the team', () => {
  it('lists everyone who has signed in, with roles and whether they are active', async () => {
    const team = await api('GET /users', { as: users.alice });
    expect(team.status).toBe(200);
    expect(team.body.items.map((u: { id: string }) => u.id)).toEqual(
      ['u-admin', 'u-alice', 'u-bob', 'u-dana', 'u-manager'].sort(),
    );
    expect(team.body.items.find((u: { id: string }) => u.id === 'u-alice')).toMatchObject({
      email: 'alice@example.com',
      roles: ['sales'],
      timeZone: 'UTC',
      active: true,
    });
    const one = await api('GET /users/{id}', { params: { id: 'u-bob' }, as: users.alice });
    expect(one.body).toMatchObject({ id: 'u-bob', active: true });
    expect((await api('GET /users/{id}', { params: { id: 'u-ghost' } })).status).toBe(404);
  });

  it('roles follow the groups of the token: a promotion shows once a fresh function instance sees them', async () => {
    const promoted = { ...users.bob, groups: ['manager'] };
    // a fresh instance (a new handler and its services), as after a deploy or a scale-out
    const fresh = crmApi({
      ...table,
      services: createServices({ client: table.client, tableName: table.tableName }),
    });
    expect((await fresh('GET /me', { as: promoted })).body).toMatchObject({
      id: 'u-bob',
      roles: ['manager'],
    });
    expect((await api('GET /users/{id}', { params: { id: 'u-bob' } })).body.roles).toEqual(['manager']);
    // that instance knows bob now: it does not look again
    await fresh('GET /me', { as: users.bob });
    expect((await api('GET /users/{id}', { params: { id: 'u-bob' } })).body.roles).toEqual(['manager']);
    const another = crmApi({
      ...table,
      services: createServices({ client: table.client, tableName: table.tableName }),
    });
    await another('GET /me', { as: users.bob });
    expect((await api('GET /users/{id}', { params: { id: 'u-bob' } })).body.roles).toEqual(['sales']);
  });

  it("a fresh instance reads a known caller's profile beside their first request and writes nothing; someone new is written once", async () => {
    const client = localClient(table.endpoint);
    const commands: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(String(context.commandName).replace(/Command$/, ''));
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );
    // a fresh CRM function instance (its own services and client), as after a deploy or a scale-out
    const fresh = crmApi({ ...table, client });
    expect((await fresh('GET /deals', { as: users.alice })).status).toBe(200);
    // the list's Query and alice's profile's GetItem: no write for someone already known
    expect(commands.sort()).toEqual(['GetItem', 'Query']);
    commands.length = 0;
    await fresh('GET /deals', { as: users.alice });
    expect(commands).toEqual(['Query']); // known to this instance now: not read again

    const newcomer = { sub: 'u-newcomer', email: 'newcomer@example.com', groups: ['sales'] };
    const refused = await fresh('GET /deals/{id}', {
      params: { id: 'deal_01J00000000000000000000000' },
      as: newcomer,
    });
    expect(refused.status).toBe(404);
    expect((await api('GET /users/{id}', { params: { id: 'u-newcomer' } })).status).toBe(404);
    commands.length = 0;
    expect((await fresh('GET /deals', { as: newcomer })).status).toBe(200);
    expect(commands.sort()).toEqual(['GetItem', 'Query', 'TransactWriteItems']);
    expect((await api('GET /users/{id}', { params: { id: 'u-newcomer' } })).body).toMatchObject({
      id: 'u-newcomer',
      roles: ['sales'],
    });
    client.destroy();
  });

  it('refuses an owner nobody knows, on create and change, and writes nothing', async () => {
    await api('GET /pipelines'); // the default pipeline is made on first use
    const before = await itemCount(table);
    const created = await api('POST /deals', { as: users.manager, body: deal({ ownerId: 'nobody-xyz' }) });
    expect(created.status).toBe(422);
    expect(created.body.errors).toEqual([
      {
        path: 'ownerId',
        message: 'nobody-xyz is not a known user (people appear in GET /users once they have signed in)',
      },
    ]);
    expect(await itemCount(table)).toBe(before);

    const mine = await api('POST /deals', { as: users.alice, body: deal({ ownerId: 'u-alice' }) });
    expect(mine.status, JSON.stringify(mine.body)).toBe(201);
    const reassigned = await api('PATCH /deals/{id}', {
      as: users.manager,
      params: { id: mine.body.id },
      body: { ownerId: 'zed' },
    });
    expect(reassigned.status).toBe(422);
    expect(reassigned.body.errors[0]).toMatchObject({ path: 'ownerId' });
    expect((await api('GET /deals/{id}', { params: { id: mine.body.id } })).body).toMatchObject({
      ownerId: 'u-alice',
      version: 1,
    });
  });
});

describe('deactivating someone who left', () => {
  let aliceDeal: string;
  let aliceTask: string;
  let projectId: string;

  beforeAll(async () => {
    aliceDeal = (
      await api('POST /deals', { as: users.alice, body: deal({ title: 'Alice’s lead', ownerId: 'u-alice' }) })
    ).body.id;
    const project = await delivery('POST /projects', {
      as: users.manager,
      body: { name: 'Rollout', kickoffDate: '2031-03-03' },
    });
    expect(project.status, JSON.stringify(project.body)).toBe(201);
    projectId = project.body.id;
    const task = await delivery('POST /projects/{id}/tasks', {
      as: users.manager,
      params: { id: projectId },
      body: { title: 'Training', durationDays: 2, assigneeId: users.alice.sub },
    });
    expect(task.status, JSON.stringify(task.body)).toBe(201);
    aliceTask = task.body.id;
  });

  it('is for admins, and never yourself', async () => {
    expect(
      (
        await api('PATCH /users/{id}', {
          as: users.manager,
          params: { id: 'u-alice' },
          body: { active: false },
        })
      ).status,
    ).toBe(403);
    const self = await api('PATCH /users/{id}', { params: { id: 'u-admin' }, body: { active: false } });
    expect(self.status).toBe(409);
    const done = await api('PATCH /users/{id}', { params: { id: 'u-alice' }, body: { active: false } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: 'u-alice', active: false, version: 2 });
    expect(done.body.deactivatedAt).toBeDefined();
    const events = await eventsOf(table, 'ProfileUpdated');
    expect(events.at(-1)!.detail.data).toMatchObject({
      profile: { id: 'u-alice', active: false },
      changed: ['active'],
    });
    const active = await api('GET /users', { query: { active: 'true' } });
    expect(active.body.items.map((u: { id: string }) => u.id)).not.toContain('u-alice');
    const gone = await api('GET /users', { query: { active: 'false' } });
    expect(gone.body.items.map((u: { id: string }) => u.id)).toEqual(['u-alice']);
  });

  it('no deal, task or routing rule can name them any more', async () => {
    const before = await itemCount(table);
    const created = await api('POST /deals', { as: users.manager, body: deal({ ownerId: 'u-alice' }) });
    expect(created.status).toBe(422);
    expect(created.body.errors).toEqual([
      { path: 'ownerId', message: 'u-alice is deactivated; choose an active user (GET /users?active=true)' },
    ]);
    const routing = await api('PUT /lead-routing', {
      body: {
        rules: [
          { name: 'Web', match: { leadSources: ['web'] }, assign: { type: 'fixed', ownerId: 'u-alice' } },
        ],
      },
    });
    expect(routing.status).toBe(422);
    expect(routing.body.errors[0]).toMatchObject({ path: 'rules.0.assign' });
    const task = await delivery('POST /projects/{id}/tasks', {
      as: users.manager,
      params: { id: projectId },
      body: { title: 'Docs', durationDays: 1, assigneeId: 'u-alice' },
    });
    expect(task.status).toBe(422);
    expect(task.body.errors[0]).toMatchObject({ path: 'assigneeId' });
    expect(await itemCount(table)).toBe(before);
  });

  it('their open deals and tasks wait in the managers’ follow-ups until reassigned', async () => {
    const team = await api('GET /followups', {
      as: users.manager,
      query: { team: 'true', kind: 'needs-reassignment' },
    });
    expect(team.status).toBe(200);
    expect(team.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ record: 'deal', recordId: aliceDeal, ownerId: 'u-alice' }),
        expect.objectContaining({ record: 'task', recordId: aliceTask, projectId, ownerId: 'u-alice' }),
      ]),
    );
    // a sales rep's own list never carries them
    const bobs = await api('GET /followups', { as: users.bob });
    expect(bobs.body.items.filter((f: { kind: string }) => f.kind === 'needs-reassignment')).toEqual([]);

    const current = await api('GET /deals/{id}', { params: { id: aliceDeal } });
    const moved = await api('PATCH /deals/{id}', {
      as: users.manager,
      params: { id: aliceDeal },
      body: { ownerId: 'u-bob' },
      headers: { 'if-match': current.headers?.etag ?? `"${current.body.version}"` },
    });
    expect(moved.status).toBe(200);
    const after = await api('GET /followups', {
      as: users.manager,
      query: { team: 'true', kind: 'needs-reassignment' },
    });
    const waiting = after.body.items.map((f: { recordId: string }) => f.recordId);
    expect(waiting).toContain(aliceTask);
    expect(waiting).not.toContain(aliceDeal);
  });

  it('brought back, they can be given work again', async () => {
    const back = await api('PATCH /users/{id}', { params: { id: 'u-alice' }, body: { active: true } });
    expect(back.body).toMatchObject({ active: true, version: 3 });
    expect(back.body.deactivatedAt).toBeUndefined();
    const created = await api('POST /deals', { as: users.manager, body: deal({ ownerId: 'u-alice' }) });
    expect(created.status).toBe(201);
  });
});
