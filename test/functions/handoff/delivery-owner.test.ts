import { beforeAll, describe, expect, it } from 'vitest';
import { projectIdForDeal } from '../../../domain/shared/ids.js';
import { handOff } from '../../../functions/handoff/use-cases/create-project-from-win.js';
import { users } from '../../support/api.js';
import { crmApi, deliveryApi, eventsOf, itemCount, signIn } from '../../support/crm.js';
import { asDelivered, dealReadyToWin, handoffFacts } from '../../support/handoff.js';
import { type TestTable, testTable } from '../../support/table.js';

// The delivery owner, on DynamoDB Local through the API and the handoff function's own logic:
// a won deal's project is owned by who delivers it (the person the win names, else its
// template's default owner, else the deal's owner, noted as a fallback), not by the rep who
// sold it; it is handed on with PATCH /projects/{id} by delivery people, managers and admins;
// and a deal won again keeps whoever it was handed to unless its win names someone.

let table: TestTable;
let crm: ReturnType<typeof crmApi>;
let delivery: ReturnType<typeof deliveryApi>;
const log = () => undefined;
const alice = users.alice; // the sales rep who owns the deals
const dana = users.dana; // delivery
const lea = { sub: 'u-lea', groups: ['delivery'], email: 'lea@example.com' }; // a delivery lead
const gone = { sub: 'u-gone', groups: ['delivery'], email: 'gone@example.com' }; // left the company

beforeAll(async () => {
  table = await testTable();
  crm = crmApi(table);
  delivery = deliveryApi(table);
  await signIn(crm, alice, dana, lea, gone, users.manager, users.admin);
  const off = await crm('PATCH /users/{id}', { params: { id: gone.sub }, body: { active: false } });
  expect(off.status, JSON.stringify(off.body)).toBe(200);
});

/** Wins a fresh deal of alice's with these facts (and body fields), then runs the handoff. */
async function win(facts: Record<string, unknown> = {}, body: Record<string, unknown> = {}) {
  const { api, deal, contact } = await dealReadyToWin(table);
  const won = await api('POST /deals/{id}/won', {
    as: alice,
    params: { id: deal.id },
    body: { handoff: handoffFacts(contact.id, facts), ...body },
  });
  return { deal, contact, won, projectId: projectIdForDeal(deal.id) };
}

async function handOffLatest(dealId: string) {
  const event = (await eventsOf(table, 'DealClosedWon'))
    .filter((e) => e.detail.data.deal.id === dealId)
    .at(-1)!;
  return handOff(table.services, asDelivered(event), log);
}

async function wonProject(facts: Record<string, unknown> = {}, body: Record<string, unknown> = {}) {
  const w = await win(facts, body);
  expect(w.won.status, JSON.stringify(w.won.body)).toBe(200);
  expect(await handOffLatest(w.deal.id)).toBe('created');
  const project = await delivery('GET /projects/{id}', { params: { id: w.projectId }, as: dana });
  expect(project.status).toBe(200);
  return { ...w, project: project.body };
}

const notesOf = (project: { notes: { text: string }[] }) => project.notes.map((n) => n.text);

describe('where the delivery owner comes from at a win', () => {
  it('the person the win names owns the project; the rep stays its deal owner', async () => {
    const { won, project, projectId } = await wonProject({ deliveryOwnerId: dana.sub });
    expect(won.body.handoff.deliveryOwnerId).toBe(dana.sub);
    expect(project).toMatchObject({
      ownerId: dana.sub,
      dealOwnerId: alice.sub,
      handoffs: [{ version: 1, deliveryOwnerId: dana.sub }],
    });
    expect(notesOf(project)).toContain(`delivery owner ${dana.sub}, named by the win`);
    const created = (await eventsOf(table, 'ProjectCreated')).find(
      (e) => e.detail.data.project.id === projectId,
    );
    expect(created!.detail.data.project.ownerId).toBe(dana.sub);
    // her projects list holds it; the rep's does not
    const mine = await delivery('GET /projects', { as: dana, query: { ownerId: dana.sub } });
    expect(mine.body.items.map((p: { id: string }) => p.id)).toContain(projectId);
    const reps = await delivery('GET /projects', { as: alice, query: { ownerId: alice.sub } });
    expect(reps.body.items.map((p: { id: string }) => p.id)).not.toContain(projectId);
  });

  it("without one, the kickoff template's default owner owns it", async () => {
    const template = await delivery('POST /templates', {
      as: lea,
      body: {
        name: 'Lea runs these',
        defaultOwnerId: lea.sub,
        tasks: [{ key: 'build', title: 'Build', durationDays: 5 }],
      },
    });
    expect(template.status, JSON.stringify(template.body)).toBe(201);
    expect(template.body.defaultOwnerId).toBe(lea.sub);
    const { project } = await wonProject({}, { templateId: template.body.id });
    expect(project).toMatchObject({ ownerId: lea.sub, dealOwnerId: alice.sub });
    expect(notesOf(project)).toContain(
      `delivery owner ${lea.sub}, the default owner of template Lea runs these (${template.body.id})`,
    );
    // the win's own choice comes first
    const named = await wonProject({ deliveryOwnerId: dana.sub }, { templateId: template.body.id });
    expect(named.project.ownerId).toBe(dana.sub);
  });

  it("with neither, the deal's owner keeps it, and the project's notes say it is a fallback", async () => {
    const { project } = await wonProject();
    expect(project).toMatchObject({ ownerId: alice.sub, dealOwnerId: alice.sub });
    expect(notesOf(project).join('\n')).toContain(
      `no delivery owner was named (by the win or its template): the deal's owner ${alice.sub} owns the project as a fallback`,
    );
  });

  it('a default owner deactivated after the template was saved is passed over, and noted', async () => {
    const leaver = { sub: 'u-leaver', groups: ['delivery'], email: 'leaver@example.com' };
    await signIn(crm, leaver);
    const template = await delivery('POST /templates', {
      as: users.manager,
      body: {
        name: 'Leaver',
        defaultOwnerId: leaver.sub,
        tasks: [{ key: 'a', title: 'A', durationDays: 1 }],
      },
    });
    expect(template.status).toBe(201);
    await crm('PATCH /users/{id}', { params: { id: leaver.sub }, body: { active: false } });
    const { project } = await wonProject({}, { templateId: template.body.id });
    expect(project.ownerId).toBe(alice.sub);
    expect(notesOf(project)).toContain(
      `template Leaver names ${leaver.sub} as default owner, who is deactivated`,
    );
  });

  it('a win naming someone deactivated or unknown is a 422 naming handoff.deliveryOwnerId; nothing is written', async () => {
    const { api, deal, contact } = await dealReadyToWin(table);
    const before = await itemCount(table);
    for (const [who, message] of [
      [gone.sub, `${gone.sub} is deactivated; choose an active user (GET /users?active=true)`],
      ['u-ghost', 'u-ghost is not a known user (people appear in GET /users once they have signed in)'],
    ] as const) {
      const refused = await api('POST /deals/{id}/won', {
        as: alice,
        params: { id: deal.id },
        body: { handoff: handoffFacts(contact.id, { deliveryOwnerId: who }) },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.type).toMatch(/handoff-incomplete$/);
      expect(refused.body.errors).toEqual([{ path: 'handoff.deliveryOwnerId', message }]);
    }
    expect(await itemCount(table)).toBe(before);
    const still = await api('GET /deals/{id}', { params: { id: deal.id }, as: alice });
    expect(still.body).toMatchObject({ status: 'open', version: deal.version });
    expect((await eventsOf(table, 'DealClosedWon')).filter((e) => e.detail.data.deal.id === deal.id)).toEqual(
      [],
    );
  });

  it("a malformed id is named with the win's other missing facts", async () => {
    const { api, deal, contact } = await dealReadyToWin(table);
    const refused = await api('POST /deals/{id}/won', {
      as: alice,
      params: { id: deal.id },
      body: {
        handoff: { ...handoffFacts(contact.id, { deliveryOwnerId: 'not a user' }), scopeSummary: undefined },
      },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'handoff.deliveryOwnerId',
      'handoff.scopeSummary',
    ]);
  });
});

describe("a template's default owner", () => {
  it('must be an active user when set (POST and PATCH), and null removes it', async () => {
    const tasks = [{ key: 'a', title: 'A', durationDays: 1 }];
    const before = await itemCount(table);
    const inactive = await delivery('POST /templates', {
      as: dana,
      body: { name: 'Nope', defaultOwnerId: gone.sub, tasks },
    });
    expect(inactive.status).toBe(422);
    expect(inactive.body.errors).toEqual([
      {
        path: 'defaultOwnerId',
        message: `${gone.sub} is deactivated; choose an active user (GET /users?active=true)`,
      },
    ]);
    expect(await itemCount(table)).toBe(before);
    const made = await delivery('POST /templates', { as: dana, body: { name: 'Mine', tasks } });
    const unknown = await delivery('PATCH /templates/{id}', {
      as: dana,
      params: { id: made.body.id },
      body: { defaultOwnerId: 'u-ghost' },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].path).toBe('defaultOwnerId');
    const set = await delivery('PATCH /templates/{id}', {
      as: dana,
      params: { id: made.body.id },
      body: { defaultOwnerId: lea.sub },
    });
    expect(set.body).toMatchObject({ defaultOwnerId: lea.sub, version: 2 });
    const cleared = await delivery('PATCH /templates/{id}', {
      as: dana,
      params: { id: made.body.id },
      body: { defaultOwnerId: null },
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.defaultOwnerId).toBeUndefined();
  });
});

describe('handing a project to another delivery owner', () => {
  it('delivery people, managers and admins may (ProjectUpdated names who had it); a sales rep may not', async () => {
    const { projectId, project } = await wonProject();
    const byRep = await delivery('PATCH /projects/{id}', {
      params: { id: projectId },
      as: alice,
      body: { ownerId: dana.sub },
    });
    expect(byRep.status).toBe(403);
    const byDelivery = await delivery('PATCH /projects/{id}', {
      params: { id: projectId },
      as: dana,
      body: { ownerId: lea.sub },
    });
    expect(byDelivery.status, JSON.stringify(byDelivery.body)).toBe(200);
    expect(byDelivery.body).toMatchObject({
      ownerId: lea.sub,
      dealOwnerId: alice.sub,
      version: project.version + 1,
    });
    const updated = (await eventsOf(table, 'ProjectUpdated')).filter(
      (e) => e.detail.data.project.id === projectId,
    );
    expect(updated.map((e) => e.detail.data)).toMatchObject([
      { changed: ['ownerId'], previousOwnerId: alice.sub, project: { ownerId: lea.sub } },
    ]);
    const byManager = await delivery('PATCH /projects/{id}', {
      params: { id: projectId },
      as: users.manager,
      body: { ownerId: dana.sub },
    });
    expect(byManager.body.ownerId).toBe(dana.sub);
  });

  it('to someone deactivated or unknown is a 422 naming ownerId, and nothing is written', async () => {
    const { projectId } = await wonProject({ deliveryOwnerId: dana.sub });
    const before = await itemCount(table);
    for (const who of [gone.sub, 'u-ghost']) {
      const refused = await delivery('PATCH /projects/{id}', {
        params: { id: projectId },
        as: dana,
        body: { ownerId: who },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual([{ path: 'ownerId', message: expect.stringContaining(who) }]);
    }
    expect(await itemCount(table)).toBe(before);
    expect((await table.services.projects.require(projectId)).ownerId).toBe(dana.sub);
  });
});

describe('a deal won again', () => {
  const reopenAndWin = async (deal: { id: string }, contactId: string, facts: Record<string, unknown>) => {
    const reopened = await crm('POST /deals/{id}/reopen', {
      as: alice,
      params: { id: deal.id },
      body: { nextAction: { summary: 'Talk again', dueAt: '2030-01-20T09:00:00Z' } },
    });
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    const again = await crm('POST /deals/{id}/won', {
      as: alice,
      params: { id: deal.id },
      body: { handoff: handoffFacts(contactId, facts) },
    });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    return handOffLatest(deal.id);
  };

  it("keeps the delivery owner a manager chose since, unless its win names one: then that person's", async () => {
    const { deal, contact, projectId } = await wonProject();
    await delivery('PATCH /projects/{id}', {
      params: { id: projectId },
      as: users.manager,
      body: { ownerId: lea.sub },
    });
    // won again naming nobody: neither the template's default nor the deal's owner undoes the change
    expect(await reopenAndWin(deal, contact.id, { scopeSummary: 'Roll out to 4 sites' })).toBe('updated');
    expect(await table.services.projects.require(projectId)).toMatchObject({
      ownerId: lea.sub,
      dealOwnerId: alice.sub,
    });
    // won again naming someone who left between the win and the handoff: kept, and noted
    const soon = { sub: 'u-soon-gone', groups: ['delivery'], email: 'soon@example.com' };
    await signIn(crm, soon);
    await crm('POST /deals/{id}/reopen', {
      as: alice,
      params: { id: deal.id },
      body: { nextAction: { summary: 'Again', dueAt: '2030-01-20T09:00:00Z' } },
    });
    const accepted = await crm('POST /deals/{id}/won', {
      as: alice,
      params: { id: deal.id },
      body: { handoff: handoffFacts(contact.id, { deliveryOwnerId: soon.sub }) },
    });
    expect(accepted.status).toBe(200);
    await crm('PATCH /users/{id}', { params: { id: soon.sub }, body: { active: false } });
    expect(await handOffLatest(deal.id)).toBe('updated');
    const kept = await table.services.projects.require(projectId);
    expect(kept.ownerId).toBe(lea.sub);
    expect(kept.notes.at(-1)!.text).toBe(
      `win 3 named ${soon.sub} as delivery owner, who is deactivated: ${lea.sub} stays the delivery owner`,
    );
    // won again naming dana: she takes it, and integrators hear it as any owner change
    expect(await reopenAndWin(deal, contact.id, { deliveryOwnerId: dana.sub })).toBe('updated');
    const after = await table.services.projects.require(projectId);
    expect(after.ownerId).toBe(dana.sub);
    expect(after.notes.map((n) => n.text)).toContain(
      `delivery owner ${lea.sub} → ${dana.sub}, named by win 4`,
    );
    expect(after.handoffs.map((h) => h.deliveryOwnerId)).toEqual([undefined, undefined, soon.sub, dana.sub]);
    const handed = (await eventsOf(table, 'ProjectUpdated')).filter(
      (e) => e.detail.data.project.id === projectId,
    );
    expect(handed.map((e) => [e.detail.data.previousOwnerId, e.detail.data.project.ownerId])).toEqual([
      [alice.sub, lea.sub], // the manager's hand-over
      [lea.sub, dana.sub], // the fourth win's
    ]);
  });
});
