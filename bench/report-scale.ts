import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createDeal } from '../domain/crm/deal.commands.js';
import type { Deal } from '../domain/crm/deal.js';
import { NewDeal } from '../domain/crm/deal.js';
import { defaultPipeline } from '../domain/crm/pipeline.js';
import { contribution, type Totals } from '../domain/reports/totals.js';
import { parse } from '../domain/shared/validation.js';
import { httpApi } from '../functions/lib/http/http-handler.js';
import { dealItem } from '../functions/lib/table/entities/deal.js';
import { addTotals, REPORT_SHARDS } from '../functions/lib/table/entities/report-totals.js';
import { reportRoutes } from '../functions/reports/routes/reports.js';
import { rebuildReportTotals } from '../functions/reports/use-cases/rebuild-report-totals.js';
import { context } from '../test/domain/support.js';
import { apiClient, users } from '../test/support/api.js';
import { crmApi } from '../test/support/crm.js';
import { benchTable, ms, percentile } from './support.js';

// P4: reports at constant cost. 1,000 and then 100,000 deals (open, won and lost; two
// currencies; expected close dates and creation over many months; five lead sources), with
// their totals as deal commands would have left them (each deal's contribution added to a
// random one of the 8 shards), checked by a rebuild. Then the pipeline and forecast reports,
// through the reports API's own handler: items read and time. Last, what the totals add to a
// deal command's write.

const PIPELINE = defaultPipeline('2024-01-01T00:00:00.000Z');
const SOURCES = ['web', 'referral', 'events', 'partner', 'outbound'];

function dealNumber(i: number): Deal {
  const created = new Date(Date.UTC(2025, i % 24, 1 + (i % 27), 9)).toISOString();
  const ctx = context({ userId: 'u-bench', roles: ['admin'] }, created);
  const stage = PIPELINE.stages[i % 4]!;
  const { deal } = createDeal(
    parse(NewDeal, {
      title: `Deal ${i}`,
      value: { amount: 1_000 + (i % 997) * 100, currency: i % 5 ? 'EUR' : 'USD' },
      ownerId: `u-${i % 40}`,
      nextAction: { summary: 'Call', dueAt: '2031-01-01T09:00:00Z' },
      stageId: stage.id,
      leadSource: SOURCES[i % SOURCES.length],
      ...(i % 10 ? { expectedCloseDate: `2026-${String(1 + (i % 12)).padStart(2, '0')}-15` } : {}),
    }),
    PIPELINE,
    ctx,
  );
  const id = `deal_${String(i).padStart(8, '0')}`;
  const closedAt = new Date(Date.parse(created) + 20 * 86_400_000).toISOString();
  const history = [{ stageId: stage.id, enteredAt: created, ...(i % 25 < 5 ? { leftAt: closedAt } : {}) }];
  if (i % 25 < 3)
    return { ...deal, id, status: 'won', nextAction: null, closedAt, wins: 1, stageHistory: history };
  if (i % 25 < 5)
    return {
      ...deal,
      id,
      status: 'lost',
      nextAction: null,
      closedAt,
      lostReason: i % 2 ? 'Budget' : 'Timing',
      stageHistory: history,
    };
  return { ...deal, id };
}

async function seed(t: Awaited<ReturnType<typeof benchTable>>, from: number, to: number): Promise<void> {
  const shards: Totals[] = Array.from({ length: REPORT_SHARDS }, () => new Map());
  for (let start = from; start < to; start += 25 * 8) {
    const batches = [];
    for (let b = start; b < Math.min(to, start + 25 * 8); b += 25) {
      const items = [];
      for (let i = b; i < Math.min(to, b + 25); i++) {
        const deal = dealNumber(i);
        contribution(deal, shards[Math.floor(Math.random() * REPORT_SHARDS)]);
        items.push(dealItem(deal));
      }
      batches.push(
        t.services.store.doc.send(
          new BatchWriteCommand({
            RequestItems: { [t.tableName]: items.map((Item) => ({ PutRequest: { Item } })) },
          }),
        ),
      );
    }
    const out = await Promise.all(batches);
    if (out.some((o) => Object.keys(o.UnprocessedItems ?? {}).length))
      throw new Error('unprocessed items while seeding');
  }
  // the totals those deals' commands would have added, shard by shard
  for (const [shard, totals] of shards.entries()) {
    for (const [pipelineId, buckets] of totals) {
      for (const [bucket, attributes] of buckets) {
        const pending = [...attributes];
        while (pending.length) {
          await t.services.store.transact([
            addTotals(pipelineId, bucket, shard, new Map(pending.splice(0, 100))),
          ]);
        }
      }
    }
  }
}

export async function reportScale(): Promise<string> {
  const t = await benchTable();
  let itemsRead = 0;
  t.client.middlewareStack.add(
    (next) => async (args: any) => {
      const out: any = await next(args);
      if (typeof out.output?.Count === 'number') itemsRead += out.output.Count;
      else if (out.output?.Item) itemsRead += 1;
      return out;
    },
    { step: 'initialize', name: 'itemsRead' },
  );
  try {
    await t.services.pipelines.ensureDefault('2024-01-01T00:00:00.000Z');
    const reports = apiClient(
      httpApi(reportRoutes(t.services), () => ({
        cursors: t.services.cursors,
        idempotency: t.services.idempotency,
      })),
    );
    const at = '2026-01-20T12:00:00.000Z';
    const questions = {
      pipeline: () => reports('GET /reports/pipeline', { as: users.manager, at }),
      'forecast (6 months)': () =>
        reports('GET /reports/forecast', {
          as: users.manager,
          at,
          query: { from: '2026-01', to: '2026-06' },
        }),
    };
    const rows: string[] = [];
    const measured: Record<string, { read: number; p50: number }[]> = {};
    const rebuilds: string[] = [];
    let seeded = 0;
    for (const n of [1_000, 100_000]) {
      await seed(t, seeded, n);
      seeded = n;
      const started = performance.now();
      const check = await rebuildReportTotals(t.services);
      rebuilds.push(
        `${n.toLocaleString('en')} deals: ${check.differences} differences, ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      if (check.differences)
        throw new Error(`the seeded totals disagree with a rebuild: ${JSON.stringify(check.sample[0])}`);
      for (const [name, ask] of Object.entries(questions)) {
        await ask();
        itemsRead = 0;
        await ask();
        const read = itemsRead;
        const times: number[] = [];
        for (let i = 0; i < 30; i++) {
          const s = performance.now();
          const res = await ask();
          times.push(performance.now() - s);
          if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(res.body)}`);
        }
        measured[name] = [...(measured[name] ?? []), { read, p50: percentile(times, 50) }];
        rows.push(
          `| ${name} | ${n.toLocaleString('en')} | ${read} | ${ms(percentile(times, 50))} | ${ms(percentile(times, 95))} |`,
        );
      }
    }
    const ratios = Object.entries(measured)
      .map(
        ([name, [small, big]]) =>
          `${name}: items read ${(big!.read / small!.read).toFixed(2)}, time ${(big!.p50 / small!.p50).toFixed(2)}`,
      )
      .join('; ');

    // what the totals add to a deal command: the same transaction, a few more items
    const api = crmApi(t as never);
    const written: { command: string; items: number; totals: number; calls: string[] }[] = [];
    const transact = t.services.store.transact.bind(t.services.store);
    let last: { items: number; totals: number } = { items: 0, totals: 0 };
    t.services.store.transact = async (writes) => {
      last = {
        items: writes.length,
        totals: writes.filter((w) => 'update' in w && w.update.key.pk.startsWith('REPORT#')).length,
      };
      return transact(writes);
    };
    const measure = async (command: string, run: () => Promise<{ status: number; body: any }>) => {
      t.calls.length = 0;
      const res = await run();
      if (res.status >= 300) throw new Error(`${command}: ${res.status} ${JSON.stringify(res.body)}`);
      written.push({ command, ...last, calls: [...t.calls] });
      return res.body;
    };
    const contact = (await api('POST /contacts', { body: { firstName: 'Bench' } })).body;
    const body = {
      title: 'Measured',
      value: { amount: 5_000, currency: 'EUR' },
      ownerId: users.admin.sub,
      nextAction: { summary: 'Call', dueAt: '2031-01-01T09:00:00Z' },
      leadSource: 'web',
      expectedCloseDate: '2026-03-01',
      contactId: contact.id,
    };
    const deal = await measure('create', () => api('POST /deals', { body }));
    await measure('move', () =>
      api('POST /deals/{id}/move', { params: { id: deal.id }, body: { stageId: 'st_proposal' } }),
    );
    await measure('next action', () =>
      api('PUT /deals/{id}/next-action', {
        params: { id: deal.id },
        body: { summary: 'Demo', dueAt: '2031-02-01T09:00:00Z' },
      }),
    );
    await measure('won', () =>
      api('POST /deals/{id}/won', {
        params: { id: deal.id },
        body: {
          handoff: {
            scopeSummary: 'x',
            promisedTimeline: { dueDate: '2031-06-01' },
            keyConstraints: ['y'],
            mainStakeholderContactId: contact.id,
            kickoffDate: '2031-03-01',
          },
        },
      }),
    );
    const writeRows = written.map(
      (w) =>
        `| ${w.command} | ${w.calls.filter((c) => c.startsWith('TransactWrite')).length} | ${w.calls.length} | ${w.items} | ${w.totals} |`,
    );

    return `## P4: reports at 1,000 and 100,000 deals

Deals open, won and lost, in EUR and USD, created over 24 months, expected to close over 12, from 5 lead
sources; their totals as deal commands leave them (each deal's contribution in a random one of 8 shards),
checked against a rebuild from the deals (${rebuilds.join('; ')}). Each report through the reports API's
handler, 30 times after a warm-up.

| report | deals | items read | p50 | p95 |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

100,000 ÷ 1,000: ${ratios} (goal ≤ 1.1 for items read). The items are the pipeline and the
totals' shards (8 per bucket), whatever the number of deals.

**Write cost of the totals**: the same single \`TransactWriteItems\` as before (0 extra round trips), with
a few more items in it.

| deal command | transactions | DynamoDB calls in all | items in its transaction | of which report totals |
| --- | --- | --- | --- | --- |
${writeRows.join('\n')}`;
  } finally {
    await t.close();
  }
}
