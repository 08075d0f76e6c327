import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDeal } from '../../../domain/crm/deal.commands.js';
import { NewDeal } from '../../../domain/crm/deal.js';
import { defaultPipeline } from '../../../domain/crm/pipeline.js';
import { parse } from '../../../domain/shared/validation.js';
import { sweepOverdue } from '../../../functions/followup/use-cases/flag-overdue.js';
import { dealItem } from '../../../functions/lib/table/entities/deal.js';
import { context } from '../../domain/support.js';
import { users } from '../../support/api.js';
import { crmApi, deliveryApi, eventsOf } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// The overdue sweep against DynamoDB Local, as of chosen instants: what is late is flagged
// once; a re-run flags nothing; a rescheduled next action is flagged again when late again.

let table: TestTable;
let api: ReturnType<typeof crmApi>;
const sweep = (at: string) => sweepOverdue(table.services.store, table.services.followups, at);

beforeAll(async () => {
  table = await testTable();
  api = crmApi(table);
});

async function openDeal(dueAt: string, at = '2030-01-01T09:00:00Z') {
  const res = await api('POST /deals', {
    as: users.alice,
    at,
    body: {
      title: `Deal due ${dueAt}`,
      value: { amount: 1, currency: 'EUR' },
      ownerId: users.alice.sub,
      nextAction: { summary: 'Call back', dueAt },
    },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; version: number };
}

const flaggedFor = async (dealId: string) =>
  (await eventsOf(table, 'NextActionOverdue')).filter((e) => e.detail.data.dealId === dealId);

describe('late next actions', () => {
  it('are flagged once each, at the instant they are late, and never twice', async () => {
    const deal = await openDeal('2030-01-31T23:30:00Z');
    await sweep('2030-01-31T23:29:00Z');
    expect(await flaggedFor(deal.id)).toHaveLength(0);
    await sweep('2030-01-31T23:31:00Z');
    const flagged = await flaggedFor(deal.id);
    expect(flagged).toHaveLength(1);
    expect(flagged[0]!.detail.data).toMatchObject({
      ownerId: users.alice.sub,
      minutesLate: 1,
      nextAction: { dueAt: '2030-01-31T23:30:00.000Z' },
    });
    expect(flagged[0]!.detail.occurredAt).toBe('2030-01-31T23:31:00.000Z');
    await sweep('2030-02-01T00:10:00Z');
    await Promise.all([sweep('2030-02-01T00:15:00Z'), sweep('2030-02-01T00:15:00Z')]);
    expect(await flaggedFor(deal.id)).toHaveLength(1);
  });

  it('a logged late call (due in the past at creation) is flagged at the next sweep', async () => {
    const deal = await openDeal('2029-12-01T10:00:00Z');
    await sweep('2030-01-01T09:05:00Z');
    expect((await flaggedFor(deal.id))[0]!.detail.data.minutesLate).toBe(44_585);
  });

  it('rescheduling re-arms; completing or closing takes it out of the due index', async () => {
    const deal = await openDeal('2030-03-01T09:00:00Z');
    await sweep('2030-03-01T10:00:00Z');
    await api('PUT /deals/{id}/next-action', {
      as: users.alice,
      at: '2030-03-01T11:00:00Z',
      params: { id: deal.id },
      body: { summary: 'Try again', dueAt: '2030-03-02T09:00:00Z', completeCurrent: true },
    });
    await sweep('2030-03-01T12:00:00Z');
    expect(await flaggedFor(deal.id)).toHaveLength(1);
    await sweep('2030-03-02T09:30:00Z');
    expect((await flaggedFor(deal.id)).map((e) => e.detail.data.nextAction.summary)).toEqual([
      'Call back',
      'Try again',
    ]);
    await api('POST /deals/{id}/lost', {
      as: users.alice,
      at: '2030-03-03T00:00:00Z',
      params: { id: deal.id },
      body: { reason: 'no budget' },
    });
    const { items } = await table.services.followups.dueBy('2031-01-01T00:00:00Z');
    expect(items.deals.map((d) => d.id)).not.toContain(deal.id);
  });

  it('a snooze silences the flag until it ends; a snooze without reason or in the past is a 422', async () => {
    const deal = await openDeal('2030-04-01T09:00:00Z');
    const noReason = await api('POST /deals/{id}/snooze', {
      as: users.alice,
      at: '2030-04-01T10:00:00Z',
      params: { id: deal.id },
      body: { until: '2030-04-05T00:00:00Z' },
    });
    expect(noReason.status).toBe(422);
    const past = await api('POST /deals/{id}/snooze', {
      as: users.alice,
      at: '2030-04-01T10:00:00Z',
      params: { id: deal.id },
      body: { until: '2030-03-01T00:00:00Z', reason: 'x' },
    });
    expect(past.status).toBe(422);
    expect(past.body.errors).toEqual([{ path: 'until', message: 'must be in the future' }]);
    const ok = await api('POST /deals/{id}/snooze', {
      as: users.alice,
      at: '2030-04-01T08:00:00Z',
      params: { id: deal.id },
      body: { until: '2030-04-05T00:00:00Z', reason: 'customer on holiday' },
    });
    expect(ok.body.snooze).toMatchObject({
      until: '2030-04-05T00:00:00.000Z',
      reason: 'customer on holiday',
      by: users.alice.sub,
    });
    expect((await eventsOf(table, 'DealSnoozed')).at(-1)!.detail.data).toMatchObject({
      dealId: deal.id,
      reason: 'customer on holiday',
    });
    await sweep('2030-04-02T00:00:00Z');
    expect(await flaggedFor(deal.id)).toHaveLength(0);
    await sweep('2030-04-05T00:05:00Z');
    expect(await flaggedFor(deal.id)).toHaveLength(1);
  });
});

describe('stalled deals', () => {
  it('are flagged once per stage entry, found by when they entered the stage', async () => {
    const deal = await openDeal('2031-12-01T00:00:00Z', '2030-05-01T09:00:00Z');
    await sweep('2030-05-14T09:00:00Z');
    const stalls = async () =>
      (await eventsOf(table, 'DealStalled')).filter((e) => e.detail.data.dealId === deal.id);
    expect(await stalls()).toHaveLength(0);
    await sweep('2030-05-16T09:00:00Z');
    await sweep('2030-05-17T09:00:00Z');
    expect((await stalls()).map((e) => e.detail.data)).toEqual([
      expect.objectContaining({
        stageId: 'st_lead',
        rotAfterDays: 14,
        daysInStage: 15,
        enteredAt: '2030-05-01T09:00:00.000Z',
      }),
    ]);
    await api('POST /deals/{id}/move', {
      as: users.alice,
      at: '2030-05-18T09:00:00Z',
      params: { id: deal.id },
      body: { stageId: 'st_qualified' },
    });
    await sweep('2030-05-20T09:00:00Z');
    await sweep('2030-06-02T09:00:00Z');
    expect((await stalls()).map((e) => e.detail.data.stageId)).toEqual(['st_lead', 'st_qualified']);
  });
});

describe('late tasks', () => {
  it('are flagged once after their due date; done tasks leave the due index', async () => {
    const delivery = deliveryApi(table);
    const project = await delivery('POST /projects', {
      as: users.admin,
      at: '2030-06-01T00:00:00Z',
      body: { name: 'P', kickoffDate: '2030-06-03' },
    });
    const discovery = project.body.tasks.find((t: { key: string }) => t.key === 'discovery');
    expect(discovery.dueDate).toBe('2030-06-07');
    await sweep('2030-06-07T23:00:00Z');
    const late = async () =>
      (await eventsOf(table, 'TaskOverdue')).filter((e) => e.detail.data.taskId === discovery.id);
    expect(await late()).toHaveLength(0);
    await sweep('2030-06-08T06:00:00Z');
    await sweep('2030-06-09T06:00:00Z');
    expect((await late()).map((e) => e.detail.data)).toEqual([
      expect.objectContaining({ dueDate: '2030-06-07', minutesLate: 360 }),
    ]);
  });
});

// 400 at once: about 100 in each of the four shards, flagged in parallel by one sweep. The
// sweep's cost at 1,000 and 100,000 open deals is measured by `npm run bench -- sweep-scale`
// (docs/benchmarks.md), not here: each flag is a transaction, slow on DynamoDB Local.
const BULK = 400;

describe('four hundred due at the same instant', () => {
  it('are all flagged, across the four shards, each exactly once', async () => {
    const pipeline = defaultPipeline('2029-01-01T00:00:00.000Z');
    const dueAt = '2030-07-01T12:00:00.000Z';
    const ctx = context({ userId: 'u-bulk', roles: ['admin'] }, '2030-06-01T00:00:00.000Z');
    const items = Array.from({ length: BULK }, (_, i) =>
      dealItem(
        createDeal(
          parse(NewDeal, {
            title: `Bulk ${i}`,
            value: { amount: 1, currency: 'EUR' },
            ownerId: 'u-bulk',
            nextAction: { summary: 'Call', dueAt },
          }),
          pipeline,
          ctx,
        ).deal,
      ),
    );
    for (let i = 0; i < items.length; i += 25) {
      await table.services.store.doc.send(
        new BatchWriteCommand({
          RequestItems: {
            [table.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
          },
        }),
      );
    }
    const first = await sweep('2030-07-01T12:00:01Z');
    expect(first.flagged.nextActions).toBeGreaterThanOrEqual(BULK);
    const bulk = async () =>
      (await eventsOf(table, 'NextActionOverdue')).filter((e) => e.detail.data.ownerId === 'u-bulk');
    const flagged = await bulk();
    expect(flagged).toHaveLength(BULK);
    expect(new Set(flagged.map((e) => e.detail.data.dealId)).size).toBe(BULK);
    const again = await sweep('2030-07-01T12:05:00Z');
    expect(again.flagged.nextActions).toBe(0);
    expect(await bulk()).toHaveLength(BULK);
  }, 300_000); // 400 transactions: generous, so a busy machine does not fail it
});
