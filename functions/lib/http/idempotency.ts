import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { Conflict, ValidationFailed } from '../../../domain/shared/errors.js';
import { TTL_ATTRIBUTE } from '../table/definition.js';
import { IDEMPOTENCY_PARTITION } from '../table/entities/idempotency.js';
import type { Reply } from './route.js';

// `Idempotency-Key` on a POST, with Powertools Idempotency persisted in the single table
// (pk IDEMPOTENCY, sk the key's hash, expiring through the table's TTL). The key is scoped to
// the caller, the route and its path; the body is the payload checked on a repeat. A repeat
// returns the first reply without running the command again; a repeat with another body is a
// 422. Only successes are remembered: a refused request can be corrected and retried. Powertools
// Idempotency is loaded by the first request that sends a key (a chunk of its own in the bundle):
// the others never need it.

const KEY_RETENTION_SECONDS = 24 * 3600;

export interface IdempotencyScope {
  user: string;
  route: string;
  params: unknown;
  key: string;
}

/** Powertools Idempotency, set up for this table. */
async function powertools(client: DynamoDBClient, tableName: string) {
  const [
    { IdempotencyAlreadyInProgressError, IdempotencyConfig, IdempotencyValidationError, makeIdempotent },
    { DynamoDBPersistenceLayer },
  ] = await Promise.all([
    import('@aws-lambda-powertools/idempotency'),
    import('@aws-lambda-powertools/idempotency/dynamodb'),
  ]);
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'scope',
    payloadValidationJmesPath: 'body',
    expiresAfterSeconds: KEY_RETENTION_SECONDS,
    responseHook: (response) => ({ ...(response as object), replayed: true }),
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName,
    awsSdkV3Client: client,
    keyAttr: 'pk',
    sortKeyAttr: 'sk',
    staticPkValue: IDEMPOTENCY_PARTITION,
    expiryAttr: TTL_ATTRIBUTE,
  });
  const execute: (
    input: { scope: IdempotencyScope; body: unknown },
    run: () => Promise<Reply>,
  ) => Promise<Reply & { replayed?: boolean }> = makeIdempotent(
    async (_input: { scope: IdempotencyScope; body: unknown }, run: () => Promise<Reply>) => run(),
    { persistenceStore, config },
  );
  return { config, execute, IdempotencyAlreadyInProgressError, IdempotencyValidationError };
}

export class IdempotentExecutor {
  private loaded?: ReturnType<typeof powertools>;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async run(
    context: Context,
    scope: IdempotencyScope,
    body: unknown,
    run: () => Promise<Reply>,
  ): Promise<{ reply: Reply; replayed: boolean }> {
    if (scope.key.length === 0 || scope.key.length > 255) {
      throw new ValidationFailed([{ path: 'Idempotency-Key', message: 'must be 1 to 255 characters' }]);
    }
    this.loaded ??= powertools(this.client, this.tableName);
    const { config, execute, IdempotencyAlreadyInProgressError, IdempotencyValidationError } =
      await this.loaded;
    config.registerLambdaContext(context);
    try {
      const { replayed, ...reply } = await execute({ scope, body }, run);
      return { reply, replayed: replayed === true };
    } catch (error) {
      if (error instanceof IdempotencyValidationError) {
        throw new ValidationFailed([
          {
            path: 'Idempotency-Key',
            message: 'was already used with a different body; use a new key for a new request',
          },
        ]);
      }
      if (error instanceof IdempotencyAlreadyInProgressError) {
        throw new Conflict('a request with this Idempotency-Key is still in progress; retry in a moment');
      }
      // Powertools wraps what the command threw; answer with the command's own error.
      const cause = (error as { cause?: unknown }).cause;
      throw cause instanceof Error && error instanceof Error && error.name === 'IdempotencyUnknownError'
        ? cause
        : error;
    }
  }
}
