import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { Conflict } from '../../../domain/shared/errors.js';
import { INDEXES, type IndexName, KEY_ATTRIBUTES } from './definition.js';

// A thin, typed layer over the document client: Get, BatchGet, Query, TransactWriteItems and
// single conditional UpdateItems (counters, job progress), nothing else (no Scan). Its one piece of logic is turning a cancelled transaction back into
// the domain error of the write whose condition failed.
// Over 300 lines: the whole of what Handoff asks of DynamoDB, so no other module calls the SDK.

export type Key = { pk: string; sk: string };
export type Item = Key & Record<string, unknown>;

export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

type OnFailed = (current: Record<string, unknown> | undefined) => Error;

/** An UpdateItem: for counters and totals that many writers add to (no read, no version). */
export interface Update {
  key: Key;
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

export type Write =
  | { put: Item; condition?: Condition; onConditionFailed?: OnFailed }
  | { update: Update; condition?: Condition; onConditionFailed?: OnFailed }
  | { delete: Key; condition?: Condition; onConditionFailed?: OnFailed }
  | { check: Key; condition: Condition; onConditionFailed: OnFailed };

/** Two writers raced for the same item; the loser may re-read and try again. */
export class ConcurrentModification extends Conflict {
  constructor(what: string) {
    super(`${what} was changed by another request at the same time; read it again and retry`);
  }
}

export const notExists: Condition = { expression: 'attribute_not_exists(pk)' };
export const exists: Condition = { expression: 'attribute_exists(pk)' };
export const versionIs = (version: number): Condition => ({
  expression: '#version = :expectedVersion',
  names: { '#version': 'version' },
  values: { ':expectedVersion': version },
});

export interface QuerySpec {
  index?: IndexName;
  partition: string;
  /** Sort key condition: exact, prefix, range, or bounds. */
  sort?:
    | { beginsWith: string }
    | { between: [string, string] }
    | { lessThanOrEqual: string }
    | { greaterThanOrEqual: string }
    | { equals: string };
  limit?: number;
  startKey?: Record<string, unknown>;
  newestFirst?: boolean;
  filter?: Condition;
  consistent?: boolean;
}

export class Store {
  readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
  }

  async get(key: Key): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return out.Item;
  }

  /** Up to 100 keys in one round trip; answers in the order asked, undefined where missing. */
  async batchGet(keys: Key[]): Promise<(Record<string, unknown> | undefined)[]> {
    if (keys.length === 0) return [];
    const found = new Map<string, Record<string, unknown>>();
    let pending: Record<string, unknown>[] | undefined = dedupe(keys);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      const out: BatchGetCommandOutput = await this.doc.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[this.tableName] ?? []) found.set(`${item.pk}|${item.sk}`, item);
      pending = out.UnprocessedKeys?.[this.tableName]?.Keys;
    }
    return keys.map((k) => found.get(`${k.pk}|${k.sk}`));
  }

  async query(
    spec: QuerySpec,
  ): Promise<{ items: Record<string, unknown>[]; lastKey?: Record<string, unknown> }> {
    const out = await this.doc.send(new QueryCommand(this.queryInput(spec)));
    return { items: out.Items ?? [], ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
  }

  /** Adds 1 to a counter and answers its new value: one UpdateItem, no read, no conflict. */
  async increment(key: Key, attribute: string): Promise<number> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'ADD #n :one',
        ExpressionAttributeNames: { '#n': attribute },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.[attribute]);
  }

  /**
   * One conditional UpdateItem that answers the item as it is after the update, or undefined when
   * the condition did not hold (for a job's claim and progress: no read, no transaction).
   */
  async updateIf(update: Update, condition: Condition): Promise<Record<string, unknown> | undefined> {
    const names = { ...update.names, ...condition.names };
    const values = { ...update.values, ...condition.values };
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: update.key,
          UpdateExpression: update.expression,
          ConditionExpression: condition.expression,
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }

  /** How many items a query matches (Select COUNT, every page): the items are never sent. */
  async count(spec: QuerySpec): Promise<number> {
    let total = 0;
    let startKey = spec.startKey;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          ...this.queryInput({ ...spec, ...(startKey ? { startKey } : {}) }),
          Select: 'COUNT',
        }),
      );
      total += out.Count ?? 0;
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return total;
  }

  /** Every page of a query; for bounded collections (a project's tasks, a digest's items). */
  async queryAll(spec: QuerySpec): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey = spec.startKey;
    do {
      const page = await this.query({ ...spec, ...(startKey ? { startKey } : {}) });
      items.push(...page.items);
      startKey = page.lastKey;
    } while (startKey);
    return items;
  }

  queryInput(spec: QuerySpec): QueryCommandInput {
    const keys = spec.index ? INDEXES[spec.index] : { partitionKey: 'pk', sortKey: 'sk' };
    const names: Record<string, string> = { '#pk': keys.partitionKey, ...spec.filter?.names };
    const values: Record<string, unknown> = { ':pk': spec.partition, ...spec.filter?.values };
    let condition = '#pk = :pk';
    // An empty prefix means "the whole partition"; DynamoDB refuses an empty begins_with.
    if (spec.sort && !('beginsWith' in spec.sort && spec.sort.beginsWith === '')) {
      names['#sk'] = keys.sortKey;
      const s = spec.sort;
      if ('beginsWith' in s) {
        condition += ' AND begins_with(#sk, :sk)';
        values[':sk'] = s.beginsWith;
      } else if ('between' in s) {
        condition += ' AND #sk BETWEEN :skFrom AND :skTo';
        values[':skFrom'] = s.between[0];
        values[':skTo'] = s.between[1];
      } else if ('lessThanOrEqual' in s) {
        condition += ' AND #sk <= :sk';
        values[':sk'] = s.lessThanOrEqual;
      } else if ('greaterThanOrEqual' in s) {
        condition += ' AND #sk >= :sk';
        values[':sk'] = s.greaterThanOrEqual;
      } else {
        condition += ' AND #sk = :sk';
        values[':sk'] = s.equals;
      }
    }
    return {
      TableName: this.tableName,
      ...(spec.index ? { IndexName: spec.index } : { ConsistentRead: spec.consistent ?? true }),
      KeyConditionExpression: condition,
      ...(spec.filter ? { FilterExpression: spec.filter.expression } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...(spec.limit ? { Limit: spec.limit } : {}),
      ...(spec.startKey ? { ExclusiveStartKey: spec.startKey } : {}),
      ScanIndexForward: !spec.newestFirst,
    };
  }

  /**
   * All writes in one TransactWriteItems (≤ 100). When a condition fails, the failing write's
   * own `onConditionFailed` decides the error, given the item as it is now.
   */
  async transact(writes: Write[]): Promise<void> {
    if (writes.length === 0) return;
    if (writes.length > 100) throw new Error(`a transaction holds at most 100 writes, not ${writes.length}`);
    // DynamoDB refuses a transaction that touches one item twice; say which, before it does
    const touched = new Set<string>();
    for (const w of writes) {
      const key = keyOf(w);
      const id = `${key.pk}|${key.sk}`;
      if (touched.has(id)) throw new Error(`a transaction touches ${id} twice`);
      touched.add(id);
    }
    const input: TransactWriteCommandInput = { TransactItems: writes.map((w) => this.toTransactItem(w)) };
    try {
      await this.doc.send(new TransactWriteCommand(input));
    } catch (error) {
      throw this.explain(error, writes);
    }
  }

  private toTransactItem(w: Write): NonNullable<TransactWriteCommandInput['TransactItems']>[number] {
    const condition = 'check' in w ? w.condition : w.condition;
    const expr = condition
      ? {
          ConditionExpression: condition.expression,
          ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
          ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        }
      : {};
    if ('put' in w) return { Put: { TableName: this.tableName, Item: w.put, ...expr } };
    if ('update' in w) {
      const names = { ...w.update.names, ...condition?.names };
      const values = { ...w.update.values, ...condition?.values };
      return {
        Update: {
          TableName: this.tableName,
          Key: w.update.key,
          UpdateExpression: w.update.expression,
          ...expr,
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        },
      };
    }
    if ('delete' in w) return { Delete: { TableName: this.tableName, Key: w.delete, ...expr } };
    return { ConditionCheck: { TableName: this.tableName, Key: w.check, ...expr } as never };
  }

  private explain(error: unknown, writes: Write[]): unknown {
    if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return error;
    const reasons = (error as { CancellationReasons?: { Code?: string; Item?: Record<string, unknown> }[] })
      .CancellationReasons;
    if (!reasons) return error;
    for (const [i, reason] of reasons.entries()) {
      if (reason.Code === 'ConditionalCheckFailed') {
        const write = writes[i]!;
        const current = reason.Item ? unmarshallMaybe(reason.Item) : undefined;
        if (write.onConditionFailed) return write.onConditionFailed(current);
        return new ConcurrentModification(describe(write));
      }
    }
    if (reasons.some((r) => r.Code === 'TransactionConflict')) {
      return new ConcurrentModification(reasons.length > 0 ? describe(writes[0]!) : 'the record');
    }
    return error;
  }
}

function keyOf(write: Write): Key {
  return 'put' in write
    ? write.put
    : 'delete' in write
      ? write.delete
      : 'update' in write
        ? write.update.key
        : write.check;
}

function describe(write: Write): string {
  return String(keyOf(write).pk).replace('#', ' ').toLowerCase();
}

function unmarshallMaybe(item: Record<string, unknown>): Record<string, unknown> {
  // The document client leaves cancellation reasons in DynamoDB's attribute-value form.
  const first = Object.values(item)[0];
  const looksMarshalled =
    first !== null && typeof first === 'object' && Object.keys(first as object).length === 1;
  return looksMarshalled ? unmarshall(item as never) : item;
}

function dedupe(keys: Key[]): Key[] {
  const seen = new Set<string>();
  return keys.filter((k) => {
    const id = `${k.pk}|${k.sk}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * Reads items as one entity: storage attributes dropped, fields in the order the entity's
 * schema declares them (DynamoDB returns attributes unordered; people read these answers).
 */
export function entityOf<T>(schema: {
  shape: Record<string, unknown>;
}): (item: Record<string, unknown>) => T {
  const order = Object.keys(schema.shape);
  return (item) => {
    const entity: Record<string, unknown> = {};
    for (const key of order) if (item[key] !== undefined) entity[key] = item[key];
    for (const [key, value] of Object.entries(item)) {
      if (!(key in entity) && !STORAGE_ATTRIBUTES.has(key)) entity[key] = value;
    }
    return entity as T;
  };
}

/** Strip the storage attributes (keys, type, ttl) from an item, leaving the domain object. */
export function toEntity<T>(item: Record<string, unknown>): T {
  const entity: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) {
    if (!STORAGE_ATTRIBUTES.has(k)) entity[k] = v;
  }
  return entity as T;
}

const STORAGE_ATTRIBUTES = new Set([
  ...KEY_ATTRIBUTES,
  'entity',
  'expiresAt',
  'stageIds',
  'creation',
  'layout',
  // a name-word copy's words (keys.ts, nameWordItems)
  'words',
]);

/** An equality FilterExpression over the given attributes (none: no filter). */
export function equalsAll(fields: Record<string, string>): Condition | undefined {
  const entries = Object.entries(fields);
  if (entries.length === 0) return undefined;
  return {
    expression: entries.map(([k]) => `#f_${k} = :f_${k}`).join(' AND '),
    names: Object.fromEntries(entries.map(([k]) => [`#f_${k}`, k])),
    values: Object.fromEntries(entries.map(([k, v]) => [`:f_${k}`, v])),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
