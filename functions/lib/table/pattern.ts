import type { IndexName } from './definition.js';
import type { Key, QuerySpec } from './item.js';

// An access pattern is code: every read and every write of the table is one of these
// declarations, and the Store runs nothing else (it refuses a request without its pattern, with
// an action the pattern does not declare, or from a function the pattern does not name). The
// declarations say what docs/data-model.md's access-pattern table says, and which deployed
// functions use each; the stack grants each function exactly the actions and indexes of its
// patterns (infra/constructs/data.ts). Plain data: the functions and the stack both import it.

/** The deployed functions that reach the table (their construct ids in the stack). */
export const TABLE_FUNCTIONS = [
  'CrmApi',
  'WorkspaceApi',
  'TransferApi',
  'DeliveryApi',
  'ReportsApi',
  'PortalApi',
  'CsvImport',
  'CsvExport',
  'CreateProjectOnWin',
  'RescheduleCascade',
  'HandoffGapMonitor',
  'OverdueSweep',
  'DailyDigest',
  'DigestMailer',
  'RebuildReports',
  'EmailCapture',
  'WebhookSender',
  'RefreshCopies',
] as const;
export type TableFunction = (typeof TABLE_FUNCTIONS)[number];

export type ReadAction = 'GetItem' | 'BatchGetItem' | 'Query';
export type WriteAction = 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem';
export type TableAction = ReadAction | WriteAction;

interface Declaration {
  /** The entity (or entities) it reads or writes. */
  entity: string;
  /** What is read or written, in words. */
  pattern: string;
  /** The routes and functions that use it, in words (for the document). */
  usedBy: string;
  /** The deployed functions that run it: each is granted what its patterns use, nothing else. */
  functions: readonly TableFunction[];
  /** The key condition, or the keys written and their conditions, with `<placeholders>`. */
  keyCondition: string;
  roundTrips: string;
}

interface Named {
  /** Its name in the catalog (set by `patterns()`). */
  name: string;
}

/** One item by its key: GetItem. */
export interface GetPattern<A extends unknown[]> extends Declaration, Named {
  kind: 'get';
  index: 'table';
  key: (...args: A) => Key;
}

/** Items of several kinds by their keys, in one round trip: BatchGetItem. */
export interface BatchGetPattern<A extends unknown[]> extends Declaration, Named {
  kind: 'batch-get';
  index: 'table';
  keys: (...args: A) => Key[];
}

/** The index and key condition of a Query; the caller adds paging, filters and direction. */
export type KeyCondition = Pick<QuerySpec, 'pattern' | 'index' | 'partition' | 'sort'>;

/** A Query of the table or of one index (all its pages, one page, or a COUNT). */
export interface QueryPattern<A extends unknown[]> extends Declaration, Named {
  kind: 'query';
  index: IndexName | 'table';
  query: (...args: A) => KeyCondition;
}

/**
 * Writes of one kind of item, inside transactions (TransactWriteItems) or alone (an UpdateItem
 * of a counter or a job): the actions IAM knows them by (a transaction's Put is PutItem).
 */
export interface WritePattern extends Declaration, Named {
  kind: 'write';
  index: 'table';
  actions: readonly WriteAction[];
}

/**
 * Requests a library makes on Handoff's behalf with the table's client (Powertools Idempotency):
 * not run through the Store, so their actions are declared here, from the library's code.
 */
export interface LibraryPattern extends Declaration, Named {
  kind: 'library';
  index: 'table';
  actions: readonly TableAction[];
}

// biome-ignore lint/suspicious/noExplicitAny: a catalog holds patterns of every argument list
type AnyArguments = any[];
export type SomeQueryPattern = QueryPattern<AnyArguments>;

export type AccessPattern =
  | GetPattern<AnyArguments>
  | BatchGetPattern<AnyArguments>
  | SomeQueryPattern
  | WritePattern
  | LibraryPattern;

type Declared<P> = Omit<P, 'name' | 'kind' | 'index'>;

export function get<A extends unknown[]>(declaration: Declared<GetPattern<A>>): GetPattern<A> {
  return { ...declaration, name: '', kind: 'get', index: 'table' };
}

export function batchGet<A extends unknown[]>(declaration: Declared<BatchGetPattern<A>>): BatchGetPattern<A> {
  return { ...declaration, name: '', kind: 'batch-get', index: 'table' };
}

/** A Query pattern: every key condition it builds carries it, so the Store knows what runs. */
export function query<A extends unknown[]>(
  declaration: Omit<Declared<QueryPattern<A>>, 'query'> & {
    index: IndexName | 'table';
    query: (...args: A) => Omit<KeyCondition, 'pattern'>;
  },
): QueryPattern<A> {
  const pattern: QueryPattern<A> = {
    ...declaration,
    name: '',
    kind: 'query',
    query: (...args: A) => ({ ...declaration.query(...args), pattern: pattern as SomeQueryPattern }),
  };
  return pattern;
}

export function write(declaration: Declared<WritePattern>): WritePattern {
  return { ...declaration, name: '', kind: 'write', index: 'table' };
}

export function library(declaration: Declared<LibraryPattern>): LibraryPattern {
  return { ...declaration, name: '', kind: 'library', index: 'table' };
}

/** An entity's patterns, each named by its key (the name the document and errors use). */
export function patterns<T extends Record<string, AccessPattern>>(declared: T): T {
  for (const [name, pattern] of Object.entries(declared)) pattern.name = name;
  return declared;
}

/** The DynamoDB actions a pattern needs (IAM's names). */
export function actionsOf(pattern: AccessPattern): readonly TableAction[] {
  switch (pattern.kind) {
    case 'get':
      return ['GetItem'];
    case 'batch-get':
      return ['BatchGetItem'];
    case 'query':
      return ['Query'];
    default:
      return pattern.actions;
  }
}

/** A request the declarations do not allow: a bug, refused before it reaches DynamoDB. */
export class UndeclaredAccess extends Error {
  constructor(message: string) {
    super(`undeclared table access: ${message} (declare it in its entity's module, functions/lib/table/)`);
    this.name = 'UndeclaredAccess';
  }
}
