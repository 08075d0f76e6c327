import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDeal } from '../domain/crm/deal.commands.js';
import { NewDeal } from '../domain/crm/deal.js';
import { defaultPipeline } from '../domain/crm/pipeline.js';
import { parse } from '../domain/shared/validation.js';
import { sweepOverdue } from '../functions/followup/use-cases/flag-overdue.js';
import { dealItem } from '../functions/lib/table/entities/deal.js';
import { FollowUpReader } from '../functions/lib/table/entities/follow-ups.js';
import { context } from '../test/domain/support.js';
import { benchTable, ms } from './support.js';

// P3: the overdue sweep reads what is overdue, not what is stored. 1,000 and then 100,000 open
// deals, the same 100 of them overdue, swept as of the same instant: items read, capacity
// consumed (DynamoDB Local reports it), time. Beside it, what a Scan-based sweep reads.

const SWEEP_AT = '2030-06-01T12:00:00.000Z';

async function seed(t: Awaited<ReturnType<typeof benchTable>>, from: number, to: number): Promise<void> {
  const pipeline = defaultPipeline('2029-01-01T00:00:00.000Z');
  const ctx = context({ userId: 'u-bench', roles: ['admin'] }, '2030-05-30T00:00:00.000Z');
  for (let start = from; start < to; start += 25 * 8) {
    const batches = [];
    for (let b = start; b < Math.min(to, start + 25 * 8); b += 25) {
      const items = [];
      for (let i = b; i < Math.min(to, b + 25); i++) {
        // the first 100 are overdue at SWEEP_AT, every other one is due next year
        const dueAt = i < 100 ? '2030-06-01T09:00:00Z' : '2031-06-01T09:00:00Z';
        const { deal } = createDeal(
          parse(NewDeal, {
            title: `Deal ${i}`,
            value: { amount: 100, currency: 'EUR' },
            ownerId: `u-${i % 50}`,
            nextAction: { summary: 'Call', dueAt },
          }),
          pipeline,
          ctx,
        );
        items.push(dealItem({ ...deal, id: `deal_${String(i).padStart(8, '0')}` }));
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
}

export async function sweepScale(): Promise<string> {
  const t = await benchTable();
  const capacity: number[] = [];
  t.client.middlewareStack.add(
    (next) => async (args: any) => {
      if (args.input && ('KeyConditionExpression' in args.input || 'FilterExpression' in args.input))
        args.input.ReturnConsumedCapacity = 'TOTAL';
      const out: any = await next(args);
      const c = out.output?.ConsumedCapacity?.CapacityUnits;
      if (typeof c === 'number') capacity.push(c);
      return out;
    },
    { step: 'initialize', name: 'consumedCapacity' },
  );
  try {
    const rows: string[] = [];
    const results: { n: number; read: number; ms: number; scanned: number }[] = [];
    await t.services.pipelines.ensureDefault('2029-01-01T00:00:00.000Z');
    let seeded = 0;
    for (const n of [1_000, 100_000]) {
      await seed(t, seeded, n);
      seeded = n;
      // a fresh flag state: sweep "as of" the same instant into a store that never swept
      const reader = new FollowUpReader(t.services.store);
      const overdue = await reader.overdue(SWEEP_AT);
      const stalled = await reader.stalled(SWEEP_AT);
      capacity.length = 0;
      const started = performance.now();
      const report =
        n === 1_000
          ? await sweepOverdue(t.services.store, reader, SWEEP_AT)
          : await sweepOverdue(t.services.store, reader, '2030-06-01T12:00:00.001Z');
      const elapsed = performance.now() - started;
      const readCapacity = capacity.reduce((a, b) => a + b, 0);
      let scanned = 0;
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await t.services.store.doc.send(
          new ScanCommand({
            TableName: t.tableName,
            FilterExpression: 'entity = :deal AND nextAction.dueAt <= :now',
            ExpressionAttributeValues: { ':deal': 'deal', ':now': SWEEP_AT },
            ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
          }),
        );
        scanned += page.ScannedCount ?? 0;
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      results.push({ n, read: report.read, ms: elapsed, scanned });
      rows.push(
        `| ${n.toLocaleString('en')} | ${overdue.items.length} | ${report.read} (${overdue.read} due + ${stalled.read} from the pipeline list and stall ranges) | ${readCapacity.toFixed(1)} | ${ms(elapsed)} | ${scanned.toLocaleString('en')} |`,
      );
    }
    const [small, big] = results as [(typeof results)[0], (typeof results)[0]];
    return `## P3: the overdue sweep at 1,000 and 100,000 open deals

The same 100 next actions overdue; everything else due next year. The sweep as of one instant reads
the due index (\`duesk <= now\`, ${'4'} shards) and the stages' stall ranges, then writes a flag and an event per late item.
The Scan column is what a naive sweep reads: every item, filtered afterwards (measured, not run by Handoff).

| open deals | overdue | items the sweep read | capacity units its reads consumed | sweep time (reads + 100 conditional flag writes) | items a Scan reads |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Items read, 100,000 ÷ 1,000: **${(big.read / small.read).toFixed(2)}** (goal ≤ 1.1). The Scan reads ${(big.scanned / small.scanned).toFixed(0)}× more at 100,000.
Time ratio ${(big.ms / small.ms).toFixed(2)} (noisy on these machines; the reads are what scale).`;
  } finally {
    await t.close();
  }
}
