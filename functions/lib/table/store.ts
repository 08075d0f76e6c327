import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { INDEXES } from './definition.js';
import {
  ConcurrentModification,
  type Condition,
  type Item,
  type Key,
  type QuerySpec,
  type Update,
  type Write,
} from './item.js';

import {
  type AccessPattern,
  actionsOf,
  type BatchGetPattern,
  type GetPattern,
  type TableAction,
  type TableFunction,
  UndeclaredAccess,
  type WritePattern,
} from './pattern.js';

export * from './item.js';

// A thin, typed layer over the document client: Get, BatchGet, Query, TransactWriteItems and
// single conditional UpdateItems (counters, job progress) and PutItems, nothing else (no Scan). Every request
// names its declared access pattern (pattern.ts), and one that is not declared, or not for the
// function running it, is refused before it is sent. Its one other piece of logic is turning a
// cancelled transaction back into the domain error of the write whose condition failed.
// Over 300 lines: the whole of what Handoff asks of DynamoDB, so no other module calls the SDK.

export class Store {
  readonly doc: DynamoDBDocumentClient;
  /** The function this store runs in: a pattern that does not name it is refused. */
  readonly runningAs: TableFunction | undefined;

  constructor(
    client: DynamoDBClient,
    readonly tableName: string,
    runningAs?: TableFunction,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    this.runningAs = runningAs;
  }

  /** Refuses what the declarations do not allow (a bug: it would be refused by IAM when deployed). */
  private allow(pattern: AccessPattern | undefined, action: TableAction, index?: string): void {
    if (!pattern) throw new UndeclaredAccess(`a ${action} without its access pattern`);
    if (!actionsOf(pattern).includes(action))
      throw new UndeclaredAccess(`${pattern.name} declares ${actionsOf(pattern).join(', ')}, not ${action}`);
    if (index !== undefined && index !== pattern.index)
      throw new UndeclaredAccess(`${pattern.name} reads ${pattern.index}, not ${index}`);
    if (this.runningAs && !pattern.functions.includes(this.runningAs))
      throw new UndeclaredAccess(`${pattern.name} is not declared for ${this.runningAs}`);
  }

  async get<A extends unknown[]>(
    pattern: GetPattern<A>,
    ...args: A
  ): Promise<Record<string, unknown> | undefined> {
    this.allow(pattern, 'GetItem');
    const key = pattern.key(...args);
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return out.Item;
  }

  /** Up to 100 keys in one round trip; answers in the order asked, undefined where missing. */
  async batchGet<A extends unknown[]>(
    pattern: BatchGetPattern<A>,
    ...args: A
  ): Promise<(Record<string, unknown> | undefined)[]> {
    this.allow(pattern, 'BatchGetItem');
    const keys = pattern.keys(...args);
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
    this.allow(spec.pattern, 'Query', spec.index ?? 'table');
    const out = await this.doc.send(new QueryCommand(this.queryInput(spec)));
    return { items: out.Items ?? [], ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
  }

  /** Adds 1 to a counter and answers its new value: one UpdateItem, no read, no conflict. */
  async increment(pattern: WritePattern, key: Key, attribute: string): Promise<number> {
    this.allow(pattern, 'UpdateItem');
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
  async updateIf(
    pattern: WritePattern,
    update: Update,
    condition: Condition,
  ): Promise<Record<string, unknown> | undefined> {
    this.allow(pattern, 'UpdateItem');
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

  /**
   * One conditional PutItem, outside any transaction (half a transaction's write cost): true when
   * written, false when the condition did not hold.
   */
  async putIf(pattern: WritePattern, item: Item, condition: Condition): Promise<boolean> {
    this.allow(pattern, 'PutItem');
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: condition.expression,
          ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
          ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** How many items a query matches (Select COUNT, every page): the items are never sent. */
  async count(spec: QuerySpec): Promise<number> {
    this.allow(spec.pattern, 'Query', spec.index ?? 'table');
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
      this.allow(w.pattern, actionOf(w));
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

function actionOf(write: Write): TableAction {
  return 'put' in write
    ? 'PutItem'
    : 'update' in write
      ? 'UpdateItem'
      : 'delete' in write
        ? 'DeleteItem'
        : 'ConditionCheckItem';
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

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
