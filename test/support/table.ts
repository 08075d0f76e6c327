import { randomUUID } from 'node:crypto';
import { CreateTableCommand, type DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import type { FileStore } from '../../functions/lib/files/file-store.js';
import type { Mailer } from '../../functions/lib/mail/mailer.js';
import { createServices, type Services } from '../../functions/lib/services.js';
import { createTableInput, TTL_ATTRIBUTE } from '../../functions/lib/table/definition.js';
import { IDEMPOTENCY_PARTITION } from '../../functions/lib/table/entities/idempotency.js';
import type { TableFunction } from '../../functions/lib/table/pattern.js';
import { localClient } from '../../infra/local/dynamodb-local.js';
import { recordTable } from './contracts.js';
import { workerDynamoEndpoint } from './dynamodb-endpoint.js';

// A fresh table per test file, made from the same definition the CDK stack deploys, so test
// files never see each other's data and can run in parallel.

/**
 * The deployed table's keys, indexes and TTL; its stream only when asked for. DynamoDB Local's
 * writes slow down with the stream records its database holds, deleted tables' included (600
 * transactions: 5.9 s on a fresh instance, 15.4 s once 20 tables of 300 items had been written
 * with streams, 4.6 s when they had none: `npm run bench -- dynamodb-local-streams`), and the
 * database a worker's files share would hold every file's. Only a file that reads the stream (the
 * stream mapping's) makes one.
 */
export async function createTable(
  client: DynamoDBClient,
  tableName: string,
  options: { stream?: boolean } = {},
): Promise<void> {
  const { StreamSpecification, ...withoutStream } = createTableInput(tableName);
  await client.send(
    new CreateTableCommand(options.stream ? { ...withoutStream, StreamSpecification } : withoutStream),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    }),
  );
}

export interface TestTable {
  client: DynamoDBClient;
  tableName: string;
  endpoint: string;
  /** Services as a test uses them: any declared pattern, as no one deployed function. */
  services: Services;
  files?: FileStore;
  /** The mail the API sends (quotes), when the test gives it a (local) SES. */
  mailer?: Mailer;
}

export async function testTable(
  options: { files?: FileStore; mailer?: Mailer; stream?: boolean } = {},
): Promise<TestTable> {
  const endpoint = workerDynamoEndpoint();
  const client = localClient(endpoint);
  const tableName = `test-${randomUUID()}`;
  await createTable(client, tableName, { stream: options.stream === true });
  const table = {
    client,
    tableName,
    endpoint,
    services: createServices({
      client,
      tableName,
      ...(options.files ? { files: options.files } : {}),
      ...(options.mailer ? { mailer: () => Promise.resolve(options.mailer!) } : {}),
    }),
    ...(options.files ? { files: options.files } : {}),
    ...(options.mailer ? { mailer: options.mailer } : {}),
  };
  recordTable(table);
  return table;
}

const perFunction = new WeakMap<TestTable, Map<TableFunction, Services>>();

/**
 * The services of one deployed function over a test table, as its entry builds them: the Store
 * refuses any access pattern not declared for that function, so the tests prove each function's
 * declared patterns (and so its generated grants) hold what it does.
 */
export function servicesOf(table: TestTable, runningAs: TableFunction): Services {
  const built = perFunction.get(table) ?? new Map<TableFunction, Services>();
  perFunction.set(table, built);
  let services = built.get(runningAs);
  if (!services) {
    services = createServices({
      client: table.client,
      tableName: table.tableName,
      runningAs,
      ...(table.files ? { files: table.files } : {}),
      ...(table.mailer ? { mailer: () => Promise.resolve(table.mailer!) } : {}),
    });
    built.set(runningAs, services);
  }
  return services;
}

/** Write requests DynamoDB answers with success: these change a table (or may). */
const WRITE_COMMAND = /^(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems)Command$/;

interface WriteCounter {
  /** Accepted writes of anything but idempotency records. */
  writes: number;
  /** The idempotency records written and not deleted since counting began (their sort keys). */
  idempotencyRecords: Set<string>;
}
const writeCounters = new WeakMap<DynamoDBClient, WriteCounter>();

/** An attribute as the document client or the plain client passes it. */
const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : (value as { S?: string } | undefined)?.S;

/**
 * How many writes DynamoDB has accepted through this table's client (its services and every API
 * over it share the client): what "wrote nothing" asks, at no read's cost. Stricter than counting
 * items, which misses an update in place; a refused conditional write throws and is not counted.
 * Powertools Idempotency's record of a request with an Idempotency-Key is written before the
 * request runs and deleted when it fails, so those records count by what is left of them.
 */
export function acceptedWrites(table: TestTable): number {
  let counter = writeCounters.get(table.client);
  if (!counter) {
    const c: WriteCounter = { writes: 0, idempotencyRecords: new Set() };
    counter = c;
    writeCounters.set(table.client, c);
    table.client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        const command = context.commandName ?? '';
        if (!WRITE_COMMAND.test(command)) return out;
        const input = args.input as { Item?: Record<string, unknown>; Key?: Record<string, unknown> };
        const key = input.Item ?? input.Key;
        if (key && text(key.pk) === IDEMPOTENCY_PARTITION) {
          const sk = text(key.sk) ?? '';
          if (command === 'DeleteItemCommand') c.idempotencyRecords.delete(sk);
          else c.idempotencyRecords.add(sk);
        } else c.writes++;
        return out;
      },
      { step: 'initialize', name: 'countAcceptedWrites' },
    );
  }
  return counter.writes + counter.idempotencyRecords.size;
}
