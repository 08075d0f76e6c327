import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type DomainEvent, EVENTS, type EventName } from '../../domain/events.js';
import { detailSchema, type EventDefinition } from '../../domain/shared/event.js';
import { crmRoutes } from '../../functions/crm/routes/index.js';
import { deliveryRoutes } from '../../functions/delivery/routes/index.js';
import { httpApi } from '../../functions/lib/http/http-handler.js';
import { reportRoutes } from '../../functions/reports/routes/reports.js';
import { transferRoutes } from '../../functions/transfer/routes/transfers.js';
import { workspaceRoutes } from '../../functions/workspace/routes/index.js';
import { apiClient, type User } from './api.js';
import type { TestTable } from './table.js';

/**
 * People are known users (owners, assignees) from their first successful request, as in
 * production: each of them asks for their profile once.
 */
export async function signIn(
  api: (route: string, options: { as: User }) => Promise<unknown>,
  ...people: User[]
): Promise<void> {
  for (const as of people) await api('GET /me', { as });
}

/**
 * The CRM, workspace and transfer API functions as deployed (same routes, same middleware) over
 * a test table: the sales side of the API in one client.
 */
export function crmApi(table: TestTable) {
  const handler = httpApi(
    {
      ...crmRoutes(table.services),
      ...workspaceRoutes(table.services, () => ({ openapi: '3.1.0' })),
      ...transferRoutes(table.services),
    },
    () => table.services,
  );
  return apiClient(handler);
}

/**
 * Every event written to the outbox so far, oldest first, each checked against its published
 * schema. (A test may Scan its own small table; the product never does.)
 */
export async function outbox(table: TestTable): Promise<DomainEvent[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await table.services.store.doc.send(
      new ScanCommand({
        TableName: table.tableName,
        FilterExpression: 'entity = :outbox',
        ExpressionAttributeValues: { ':outbox': 'outbox' },
        ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items
    .map((item) => {
      const name = item.detailType as EventName;
      const definition = EVENTS[name] as EventDefinition | undefined;
      if (!definition) throw new Error(`outbox holds an event missing from the catalog: ${name}`);
      const detail = detailSchema(definition).parse(JSON.parse(String(item.detail)));
      if (item.source !== definition.source) throw new Error(`${name} written with source ${item.source}`);
      return { source: item.source, detailType: name, detail } as DomainEvent;
    })
    .sort((a, b) => a.detail.id.localeCompare(b.detail.id));
}

export async function eventsOf<N extends EventName>(table: TestTable, name: N) {
  return (await outbox(table)).filter(
    (e): e is Extract<DomainEvent, { detailType: N }> => e.detailType === name,
  );
}

/** Counts every item in the table: proves a refused request wrote nothing. */
export async function itemCount(table: TestTable): Promise<number> {
  let count = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await table.services.store.doc.send(
      new ScanCommand({
        TableName: table.tableName,
        Select: 'COUNT',
        ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
      }),
    );
    count += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return count;
}

/** The reports API function over a test table (read-only, like the deployed one). */
export function reportsApi(table: TestTable) {
  return apiClient(
    httpApi(reportRoutes(table.services), () => ({
      cursors: table.services.cursors,
      idempotency: table.services.idempotency,
    })),
  );
}

/** The delivery API function over a test table. */
export function deliveryApi(table: TestTable) {
  return apiClient(httpApi(deliveryRoutes(table.services), () => table.services));
}
