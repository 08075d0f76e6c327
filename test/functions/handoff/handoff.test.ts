import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectIdForDeal } from '../../../domain/shared/ids.js';
import { handOff } from '../../../functions/handoff/use-cases/create-project-from-win.js';
import { UnreadableEvent } from '../../../functions/lib/bus/incoming-event.js';
import { ProjectRepository } from '../../../functions/lib/table/entities/project.js';
import { templateItem, templateKey } from '../../../functions/lib/table/entities/template.js';
import { Store } from '../../../functions/lib/table/store.js';
import { users } from '../../support/api.js';
import { deliveryApi, eventsOf } from '../../support/crm.js';
import { asDelivered, dealReadyToWin, handoffFacts } from '../../support/handoff.js';
import { type TestTable, testTable } from '../../support/table.js';

// The handoff function's logic against DynamoDB Local: DealClosedWon → exactly one complete,
// correctly dated project, under duplicates, concurrency, replays, re-wins and crashes.

let table: TestTable;
const warnings: string[] = [];
const log = (message: string) => void warnings.push(message);

beforeAll(async () => {
  table = await testTable();
});

async function winDeal(
  extraDeal: Record<string, unknown> = {},
  facts: Record<string, unknown> = {},
  body: Record<string, unknown> = {},
) {
  const { api, deal, contact, company } = await dealReadyToWin(table, extraDeal);
  const won = await api('POST /deals/{id}/won', {
    as: users.alice,
    params: { id: deal.id },
    body: { handoff: handoffFacts(contact.id, facts), ...body },
  });
  expect(won.status).toBe(200);
  const event = (await eventsOf(table, 'DealClosedWon')).find(
    (e) => e.detail.data.deal.id === deal.id && e.detail.data.win === won.body.wins,
  )!;
  return { api, deal: won.body, contact, company, event: asDelivered(event) };
}

describe('the handoff', () => {
  it('creates the project from the default template, dated from the kickoff, linked both ways', async () => {
    const { deal, contact, company, event } = await winDeal();
    expect(await handOff(table.services, event, log)).toBe('created');
    const project = await deliveryApi(table)('GET /deals/{id}/project', {
      params: { id: deal.id },
      as: users.dana,
    });
    expect(project.status).toBe(200);
    expect(project.body).toMatchObject({
      id: projectIdForDeal(deal.id),
      dealId: deal.id,
      name: 'Rollout',
      status: 'planned',
      ownerId: users.alice.sub,
      kickoffDate: '2030-02-04',
      promisedDueDate: '2030-06-28',
      customer: { companyId: company.id, mainStakeholderContactId: contact.id },
      handoffs: [
        {
          version: 1,
          win: 1,
          scopeSummary: 'Roll out to 3 sites',
          keyConstraints: ['on-premises only'],
          kickoffDate: '2030-02-04',
        },
      ],
      template: { id: 'tpl_default' },
      schedule: { atRisk: false, shortfallDays: 0 },
    });
    const kickoff = project.body.tasks.find((t: { key: string }) => t.key === 'kickoff');
    expect(kickoff).toMatchObject({ startDate: '2030-02-04', kind: 'milestone' });
    expect(project.body.checklist.map((c: { key: string }) => c.key)).toEqual([
      'contract-signed',
      'team-staffed',
      'kickoff-booked',
    ]);
    const linked = await table.services.deals.require(deal.id);
    expect(linked.projectId).toBe(project.body.id);
    expect(linked.version).toBe(deal.version + 1);
    const created = (await eventsOf(table, 'ProjectCreated')).filter((e) => e.detail.data.dealId === deal.id);
    expect(created).toHaveLength(1);
  });

  it('links the project on the deal as every list shows it: by tag too, at the same version', async () => {
    const tag = `handoff-${Math.random().toString(36).slice(2, 8)}`;
    const { api, deal, event } = await winDeal({ tags: [tag] });
    await handOff(table.services, event, log);
    const one = await api('GET /deals/{id}', { params: { id: deal.id } });
    const byTag = await api('GET /deals', { query: { tag } });
    expect(byTag.body.items).toEqual([one.body]);
    expect(one.body).toMatchObject({ projectId: projectIdForDeal(deal.id), version: deal.version + 1 });
  });

  it("keeps a user's change made while the handoff runs, and links the project all the same", async () => {
    const { api, deal, event } = await winDeal({ tags: ['before'] });
    const [outcome, patched] = await Promise.all([
      handOff(table.services, event, log),
      api('PATCH /deals/{id}', { params: { id: deal.id }, body: { tags: ['after'] } }),
    ]);
    expect(outcome).toBe('created');
    expect(patched.status).toBe(200);
    const now = (await api('GET /deals/{id}', { params: { id: deal.id } })).body;
    expect(now).toMatchObject({
      projectId: projectIdForDeal(deal.id),
      tags: ['after'],
      version: deal.version + 2,
    });
    expect((await api('GET /deals', { query: { tag: 'after' } })).body.items).toContainEqual(now);
    expect(
      (await api('GET /deals', { query: { tag: 'before' } })).body.items.map((d: { id: string }) => d.id),
    ).not.toContain(deal.id);
  });

  it('is exactly once under 20 concurrent deliveries of the same event, and a replay later', async () => {
    const { deal, event } = await winDeal();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => handOff(table.services, event, log)));
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'exists')).toHaveLength(19);
    expect(await handOff(table.services, event, log)).toBe('exists');
    expect(
      (await eventsOf(table, 'ProjectCreated')).filter((e) => e.detail.data.dealId === deal.id),
    ).toHaveLength(1);
    expect((await table.services.projects.load(projectIdForDeal(deal.id))).tasks).toHaveLength(6);
  });

  it('marks the project at risk when the plan ends after the promised date, telling both owners', async () => {
    const { deal, event } = await winDeal({}, { promisedTimeline: { dueDate: '2030-02-20' } });
    await handOff(table.services, event, log);
    const project = await table.services.projects.require(projectIdForDeal(deal.id));
    expect(project.schedule).toMatchObject({
      atRisk: true,
      promisedDueDate: '2030-02-20',
      projectedFinish: '2030-03-12',
      shortfallDays: 14,
    });
    const risk = (await eventsOf(table, 'HandoffTimelineAtRisk')).find(
      (e) => e.detail.data.dealId === deal.id,
    )!;
    expect(risk.detail.data).toMatchObject({
      dealOwnerId: users.alice.sub,
      projectOwnerId: users.alice.sub,
      shortfallDays: 14,
    });
  });

  it('a reopened deal won again updates its project with a new handoff snapshot, never a second project', async () => {
    const { api, deal, contact, event } = await winDeal();
    await handOff(table.services, event, log);
    const reopened = await api('POST /deals/{id}/reopen', {
      as: users.alice,
      params: { id: deal.id },
      body: { nextAction: { summary: 'Renegotiate scope', dueAt: '2030-01-20T09:00:00Z' } },
    });
    expect(reopened.body).toMatchObject({ status: 'open', wins: 1, projectId: projectIdForDeal(deal.id) });
    // the first win's event delivered again while the deal is open: nothing to do
    expect(await handOff(table.services, event, log)).toBe('ignored');
    const again = await api('POST /deals/{id}/won', {
      as: users.alice,
      params: { id: deal.id },
      body: { handoff: handoffFacts(contact.id, { scopeSummary: 'Roll out to 5 sites' }) },
    });
    expect(again.body.wins).toBe(2);
    const second = asDelivered(
      (await eventsOf(table, 'DealClosedWon')).find(
        (e) => e.detail.data.deal.id === deal.id && e.detail.data.win === 2,
      )!,
    );
    expect(await handOff(table.services, second, log)).toBe('updated');
    expect(await handOff(table.services, second, log)).toBe('exists');
    const project = await table.services.projects.require(projectIdForDeal(deal.id));
    expect(project.handoffs.map((h) => [h.version, h.scopeSummary])).toEqual([
      [1, 'Roll out to 3 sites'],
      [2, 'Roll out to 5 sites'],
    ]);
    expect(project.notes.at(-1)!.text).toContain('snapshot v2 changes scopeSummary');
    expect(
      (await eventsOf(table, 'ProjectCreated')).filter((e) => e.detail.data.dealId === deal.id),
    ).toHaveLength(1);
    expect(
      (await eventsOf(table, 'ProjectHandoffUpdated')).filter((e) => e.detail.data.dealId === deal.id),
    ).toHaveLength(1);
  });

  it('ignores a stale or forged event (no such deal, not won at that win) without failing', async () => {
    const { event } = await winDeal();
    const detail = event.detail as any;
    const forged = {
      ...event,
      detail: {
        ...detail,
        data: { ...detail.data, deal: { ...detail.data.deal, id: 'deal_01FORGED000000000000000000' } },
      },
    };
    expect(await handOff(table.services, forged, log)).toBe('ignored');
    const stale = { ...event, detail: { ...detail, data: { ...detail.data, win: 7 } } };
    expect(await handOff(table.services, stale, log)).toBe('ignored');
    expect(
      await table.services.projects.get(projectIdForDeal('deal_01FORGED000000000000000000')),
    ).toBeUndefined();
    expect(warnings.some((w) => w.includes('stale or forged'))).toBe(true);
  });

  it('refuses an event of a version it does not read, with the reason (to the dead-letter queue)', async () => {
    const { event } = await winDeal();
    const v2 = { ...event, detail: { ...(event.detail as object), version: 2 } };
    await expect(handOff(table.services, v2, log)).rejects.toThrow(UnreadableEvent);
    await expect(handOff(table.services, v2, log)).rejects.toThrow(
      /version 2 is not one this function reads/,
    );
  });

  it("uses the default template when the deal's template no longer exists, and notes it", async () => {
    // the template existed when the deal was won (a win naming a missing one is refused), and
    // was gone by the time the handoff ran: its item is removed directly, no route deletes one
    await table.services.templates.ensureDefault(new Date().toISOString());
    const gone = { ...(await table.services.templates.requireDefault()), id: 'tpl_01GONE' };
    await table.services.store.doc.send(
      new PutCommand({ TableName: table.tableName, Item: templateItem(gone) }),
    );
    const { deal, event } = await winDeal({}, {}, { templateId: 'tpl_01GONE' });
    await table.services.store.doc.send(
      new DeleteCommand({ TableName: table.tableName, Key: templateKey('tpl_01GONE') }),
    );
    await handOff(table.services, event, log);
    const project = await table.services.projects.require(projectIdForDeal(deal.id));
    expect(project.template?.id).toBe('tpl_default');
    expect(project.notes.map((n) => n.text)).toContain(
      'template tpl_01GONE no longer exists; the default template was used',
    );
  });
});

describe('a crash after each write step of a large plan', () => {
  it('is finished by the retry: exactly one complete project', async () => {
    const delivery = deliveryApi(table);
    const big = await delivery('POST /templates', {
      as: users.admin,
      body: {
        name: 'Big',
        tasks: Array.from({ length: 150 }, (_, i) => ({ key: `t${i}`, title: `Step ${i}`, durationDays: 1 })),
        dependencies: Array.from({ length: 149 }, (_, i) => ({
          predecessor: `t${i}`,
          successor: `t${i + 1}`,
        })),
      },
    });
    const { deal, event } = await winDeal(
      {},
      { promisedTimeline: { dueDate: '2031-12-31' } },
      { templateId: big.body.id },
    );
    // 150 tasks: a pending head, two task chunks, the completion: four writes, crash after each of the first three
    for (const crashAfter of [1, 2, 3]) {
      class CrashingStore extends Store {
        calls = 0;
        override async transact(writes: Parameters<Store['transact']>[0]) {
          if (++this.calls > crashAfter) throw new Error(`injected crash after write ${crashAfter}`);
          return super.transact(writes);
        }
      }
      const store = new CrashingStore(table.client, table.tableName);
      const crashing = { ...table.services, store, projects: new ProjectRepository(store) };
      await expect(handOff(crashing, event, log)).rejects.toThrow('injected crash');
      expect(await table.services.projects.get(projectIdForDeal(deal.id))).toBeUndefined();
    }
    expect(await handOff(table.services, event, log)).toBe('created');
    const loaded = await table.services.projects.load(projectIdForDeal(deal.id));
    expect(loaded.tasks).toHaveLength(150);
    expect(
      (await eventsOf(table, 'ProjectCreated')).filter((e) => e.detail.data.dealId === deal.id),
    ).toHaveLength(1);
    expect((await table.services.deals.require(deal.id)).projectId).toBe(loaded.project.id);
  });
});
