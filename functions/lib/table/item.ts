import { Conflict } from '../../../domain/shared/errors.js';
import { type IndexName, KEY_ATTRIBUTES } from './definition.js';
import type { SomeQueryPattern, WritePattern } from './pattern.js';

// What an item, a key, a condition, a Query and a write are, and how an item is read back as
// its entity: plain data and functions, no SDK (the entity modules and the stack import them;
// only store.ts talks to DynamoDB).

export type Key = { pk: string; sk: string };
export type Item = Key & Record<string, unknown>;

export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

export type OnFailed = (current: Record<string, unknown> | undefined) => Error;

/** An UpdateItem: for counters and totals that many writers add to (no read, no version). */
export interface Update {
  key: Key;
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** One write of a transaction, with the declared pattern it belongs to (pattern.ts). */
export type Write = (
  | { put: Item; condition?: Condition; onConditionFailed?: OnFailed }
  | { update: Update; condition?: Condition; onConditionFailed?: OnFailed }
  | { delete: Key; condition?: Condition; onConditionFailed?: OnFailed }
  | { check: Key; condition: Condition; onConditionFailed: OnFailed }
) & { pattern: WritePattern };

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
  /** The declared pattern this Query runs (its builder sets it). */
  pattern: SomeQueryPattern;
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

/**
 * Reads items as one entity: storage attributes dropped, fields in the order the entity's
 * schema declares them (DynamoDB returns attributes unordered; people read these answers).
 */
export function entityOf<T>(schema: {
  shape: Record<string, unknown>;
}): (item: Record<string, unknown>) => T {
  // read on first use: the schema's shape is built when first read (domain/shared/zod.ts)
  let order: string[] | undefined;
  return (item) => {
    order ??= Object.keys(schema.shape);
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
  // a name-word copy's words (copies.ts, nameWordItems)
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
