import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDeal } from '../../domain/crm/deal.commands.js';
import { type Deal, NewDeal } from '../../domain/crm/deal.js';
import { type Totals, totalsDelta } from '../../domain/reports/totals.js';
import { getOrInsert } from '../../domain/shared/collections.js';
import type { Actor } from '../../domain/shared/context.js';
import { newEventId, newId } from '../../domain/shared/ids.js';
import { createServices } from '../../functions/lib/services.js';
import { addTotals, reportTotalPatterns } from '../../functions/lib/table/entities/report-totals.js';
import { UnitOfWork } from '../../functions/lib/table/unit-of-work.js';
import { localClient } from '../../infra/local/dynamodb-local.js';
import type { RunningLocal } from './local-runtime.js';

// A board at a company's size needs its thousands of open deals in the table before the browser
// opens it. Made through the API or an import, each is a 13-item transaction and an event that
// goes round the relay, the bus and the webhook sender: 2,000 of them cost about 120 s of CPU on
// a 2-core machine, the suite's longest set-up (docs/benchmarks.md, "The test suite"). The board
// reads only what the deal repository writes (the deal, its copies, due entries, history and the
// report totals), so this writes exactly those items, made by the same domain command and
// repository, in batches of 25, without the events: nothing listens for a fixture. What a deal
// made through the API does is proven by the files that make them so; this is only for size.
// By hand: no library turns a repository's unit of work into batch writes.

/** Where a running local stack keeps its table (its runtime.json; the runtime has one table). */
async function tableOf(local: RunningLocal): Promise<{ endpoint: string; tableName: string }> {
  const { dynamoEndpoint } = JSON.parse(readFileSync(join(local.localDir, 'runtime.json'), 'utf8'));
  const client = localClient(dynamoEndpoint);
  const { TableNames = [] } = await client.send(new ListTablesCommand({}));
  client.destroy();
  if (TableNames.length !== 1)
    throw new Error(`expected the stack's one table, found ${TableNames.join(', ')}`);
  return { endpoint: dynamoEndpoint, tableName: TableNames[0]! };
}

/**
 * Writes these open deals in `pipelineId`, each as `by` made it with this POST /deals body, with
 * the items the API's create writes except its events; returns them in order.
 */
export async function seedOpenDeals(
  local: RunningLocal,
  pipelineId: string,
  bodies: { by: Actor; body: unknown }[],
): Promise<Deal[]> {
  const { endpoint, tableName } = await tableOf(local);
  const client = localClient(endpoint);
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const s = createServices({ client, tableName });
  const pipeline = await s.pipelines.get(pipelineId);
  if (!pipeline) throw new Error(`no pipeline ${pipelineId}`);
  const deals: Deal[] = [];
  const puts: Record<string, unknown>[] = [];
  // the report totals are counters (ADD): summed here, one update per bucket rather than per deal
  const totals: Totals = new Map();
  // a millisecond apart, in the order given, as deals made one after another are
  const first = Date.now() - bodies.length;
  for (const [i, { by, body }] of bodies.entries()) {
    const now = new Date(first + i).toISOString();
    const ctx = { now, actor: by, correlationId: newId('deal'), newId, newEventId };
    const { deal, events } = createDeal(NewDeal.parse(body), pipeline, ctx);
    const uow = s.deals.create(new UnitOfWork(), deal, events[0]!);
    for (const write of uow.writes) {
      if ('put' in write) puts.push(write.put);
      else if (write.pattern !== reportTotalPatterns.reportTotalsAdded)
        throw new Error(`a deal's create wrote ${Object.keys(write).join(', ')}: seed it through the API`);
    }
    for (const [inPipeline, buckets] of totalsDelta(null, deal))
      for (const [bucket, attributes] of buckets) {
        const sum = getOrInsert(
          getOrInsert(totals, inPipeline, () => new Map()),
          bucket,
          () => new Map(),
        );
        for (const [attribute, n] of attributes) sum.set(attribute, (sum.get(attribute) ?? 0) + n);
      }
    deals.push(deal);
  }
  for (let i = 0; i < puts.length; i += 25) {
    let items: Record<string, unknown>[] = puts.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    // DynamoDB may leave some unprocessed under load: write those again until none is left
    while (items.length) {
      const out = await documents.send(
        new BatchWriteCommand({ RequestItems: { [tableName]: items as never } }),
      );
      items = (out.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
    }
  }
  for (const [inPipeline, buckets] of totals)
    for (const [bucket, attributes] of buckets) {
      const write = addTotals(inPipeline, bucket, 0, attributes);
      if (!('update' in write)) throw new Error('the report totals are no longer an update');
      const { key, expression, names, values } = write.update;
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: expression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    }
  documents.destroy();
  client.destroy();
  return deals;
}
