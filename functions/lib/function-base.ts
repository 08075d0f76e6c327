import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { config } from './config.js';
import type { FileStore } from './files/file-store.js';
import { CursorCodec } from './http/cursor.js';
import { IdempotentExecutor } from './http/idempotency.js';
import type { Mailer } from './mail/mailer.js';
import { tracer } from './observability.js';
import type { TableFunction } from './table/pattern.js';
import { Store } from './table/store.js';

// What every function instance builds once, at cold start, whatever it serves: the table's
// client and store, list cursors, idempotency, the bucket and the mailer (loaded on first use)
// and its settings. Repositories are added by whoever needs them (`repositories`): an API
// function builds only those its routes use, so its cold start does not evaluate every entity
// (docs/architecture.md, decision 13). The SDK finds its endpoint the standard way
// (AWS_ENDPOINT_URL_DYNAMODB on the local runtime), so nothing here knows whether it runs in
// AWS or on a laptop.

export interface FunctionBase {
  client: DynamoDBClient;
  store: Store;
  /** The bucket's files: the functions that handle files (transfers, attachments) load them on first use. */
  files(): Promise<FileStore>;
  /** SES, for the mail people send from the console (loaded on the first send). */
  mailer(): Promise<Mailer>;
  cursors: CursorCodec;
  idempotency: IdempotentExecutor;
  settings: {
    handoffGraceMinutes: number;
    /** Where webhooks may point, and how far back a replay reaches. */
    webhooks: { allowLoopback: boolean; archiveRetentionDays: number };
  };
}

export interface FunctionBaseOptions {
  client?: DynamoDBClient;
  tableName?: string;
  files?: FileStore | (() => Promise<FileStore>);
  mailer?: () => Promise<Mailer>;
  /** The deployed function these services run in: its declared access patterns are all it may use. */
  runningAs?: TableFunction;
}

export function functionBase(options: FunctionBaseOptions = {}): FunctionBase {
  let files: Promise<FileStore> | undefined;
  let mailer: Promise<Mailer> | undefined;
  const client = options.client ?? tracer.captureAWSv3Client(new DynamoDBClient({}));
  const tableName = options.tableName ?? config.tableName();
  const store = new Store(client, tableName, options.runningAs);
  return {
    client,
    store,
    files: () => {
      const given = options.files;
      files ??=
        given === undefined
          ? Promise.reject(new Error('this function has no file store'))
          : typeof given === 'function'
            ? given()
            : Promise.resolve(given);
      return files;
    },
    mailer: () => {
      mailer ??= options.mailer ? options.mailer() : import('./mail/mailer.js').then((m) => m.sesMailer());
      return mailer;
    },
    cursors: new CursorCodec(store),
    idempotency: new IdempotentExecutor(client, tableName),
    settings: {
      handoffGraceMinutes: config.handoffGraceMinutes(),
      webhooks: {
        allowLoopback: config.webhookAllowLoopback(),
        archiveRetentionDays: config.archiveRetentionDays(),
      },
    },
  };
}

/** The bucket's client, loaded by the first call that needs it (it is a tenth of a bundle). */
export const loadFileStore = (): Promise<FileStore> =>
  import('./files/file-store.js').then(({ FileStore }) => new FileStore());

/** One repository of each class given, over the store: `{ deals: DealRepository }` → `{ deals }`. */
export function repositories<T extends Record<string, new (store: Store) => unknown>>(
  store: Store,
  classes: T,
): { [K in keyof T]: InstanceType<T[K]> } {
  return Object.fromEntries(
    Object.entries(classes).map(([name, Repository]) => [name, new Repository(store)]),
  ) as { [K in keyof T]: InstanceType<T[K]> };
}
