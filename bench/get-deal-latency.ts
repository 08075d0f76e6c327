import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { crmRoutes } from '../functions/crm/routes/index.js';
import { httpApi } from '../functions/lib/http/http-handler.js';
import { dealKey } from '../functions/lib/table/entities/deal.js';
import { apiEvent, lambdaContext, users } from '../test/support/api.js';
import { benchTable, ms, percentile } from './support.js';

// What the HTTP edge costs on top of the database: p50 of `GET /deals/{id}` through the whole
// handler (middy, logger, claims, zod, the repository, JSON) ÷ p50 of a raw GetItem of the same
// item on the same DynamoDB Local, interleaved in one run so the machine's noise hits both.

export async function getDealLatency(samples = 2000): Promise<string> {
  const t = await benchTable();
  try {
    const handler = httpApi(crmRoutes(t.services), () => t.services);
    const context = lambdaContext();
    const created = await handler(
      apiEvent('POST /deals', {
        as: users.alice,
        body: {
          title: 'Bench',
          value: { amount: 1, currency: 'EUR' },
          ownerId: users.alice.sub,
          nextAction: { summary: 'x', dueAt: '2031-01-01T00:00:00Z' },
        },
      }),
      context,
    );
    const id = JSON.parse(created.body!).id as string;
    const event = apiEvent('GET /deals/{id}', { params: { id }, as: users.alice });
    const raw = () =>
      t.services.store.doc.send(
        new GetCommand({ TableName: t.tableName, Key: dealKey(id), ConsistentRead: true }),
      );
    for (let i = 0; i < 300; i++) {
      await handler(event, context);
      await raw();
    }
    const viaHandler: number[] = [];
    const viaGetItem: number[] = [];
    for (let i = 0; i < samples; i++) {
      let s = performance.now();
      const res = await handler(event, context);
      viaHandler.push(performance.now() - s);
      if (res.statusCode !== 200) throw new Error(`GET answered ${res.statusCode}`);
      s = performance.now();
      await raw();
      viaGetItem.push(performance.now() - s);
    }
    const h = percentile(viaHandler, 50);
    const g = percentile(viaGetItem, 50);
    return `## GET /deals/{id}: whole handler vs raw GetItem

${samples} interleaved samples each, after 300 warm-up pairs.

| | p50 | p95 |
| --- | --- | --- |
| \`GET /deals/{id}\` through the handler | ${ms(h)} | ${ms(percentile(viaHandler, 95))} |
| raw \`GetItem\` (document client, consistent) | ${ms(g)} | ${ms(percentile(viaGetItem, 95))} |
| **ratio of p50s** | **${(h / g).toFixed(3)}** (goal ≤ 1.15) | |`;
  } finally {
    await t.close();
  }
}
