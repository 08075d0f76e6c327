import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { type DomainEvent, EVENTS, type EventName } from '../../domain/events.js';
import { detailSchema, type EventDefinition } from '../../domain/shared/event.js';
import { crmRoutes } from '../../functions/crm/routes/index.js';
import { deliveryRoutes } from '../../functions/delivery/routes/index.js';
import type { HttpEvent } from '../../functions/lib/http/http-handler.js';
import { httpApi } from '../../functions/lib/http/http-handler.js';
import type { Routes } from '../../functions/lib/http/route.js';
import type { Services } from '../../functions/lib/services.js';
import { portalHttpApi } from '../../functions/portal/portal-api.js';
import { reportRoutes } from '../../functions/reports/routes/reports.js';
import { transferRoutes } from '../../functions/transfer/routes/transfers.js';
import { workspaceRoutes } from '../../functions/workspace/routes/index.js';
import { apiClient, type User } from './api.js';
import { servicesOf, type TestTable } from './table.js';

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

/** One handler per deployed API function, each answering the routes that function serves. */
function functionsHandler(served: [Routes, Services][]) {
  const handlers = served.map(([routes, services]) => ({
    keys: new Set(Object.keys(routes)),
    handler: httpApi(routes, () => services),
  }));
  return (event: HttpEvent, context: Context) =>
    (handlers.find((h) => h.keys.has(event.routeKey)) ?? handlers[0]!).handler(event, context);
}

/**
 * The CRM, workspace and transfer API functions as deployed (same routes, same middleware, each
 * with its own services and declared access patterns) over a test table: the sales side of the
 * API in one client.
 */
export function crmApi(table: TestTable) {
  const crm = servicesOf(table, 'CrmApi');
  const workspace = servicesOf(table, 'WorkspaceApi');
  const transfer = servicesOf(table, 'TransferApi');
  return apiClient(
    functionsHandler([
      [crmRoutes(crm), crm],
      [workspaceRoutes(workspace, () => ({ openapi: '3.1.0' })), workspace],
      [transferRoutes(transfer), transfer],
    ]),
  );
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
  const reports = servicesOf(table, 'ReportsApi');
  return apiClient(
    httpApi(reportRoutes(reports), () => ({
      cursors: reports.cursors,
      idempotency: reports.idempotency,
    })),
  );
}

/** The delivery API function over a test table. */
export function deliveryApi(table: TestTable) {
  const delivery = servicesOf(table, 'DeliveryApi');
  return apiClient(httpApi(deliveryRoutes(delivery), () => delivery));
}

/**
 * The customer portal's API function over a test table: its routes take no JWT (pass `as: null`),
 * a portal session's token in `Authorization` instead, and `sourceIp` says where a request comes from.
 */
export function portalApi(table: TestTable) {
  return apiClient(portalHttpApi(servicesOf(table, 'PortalApi')));
}
