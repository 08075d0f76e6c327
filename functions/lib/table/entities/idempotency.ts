import { library, patterns } from '../pattern.js';

// `Idempotency-Key` on a POST (functions/lib/http/idempotency.ts): Powertools Idempotency keeps
// its records in the table, in one partition, expiring through the table's TTL. The library
// sends its own requests with the table's client; their actions are these (its
// DynamoDBPersistenceLayer: GetItem, PutItem, UpdateItem, DeleteItem).

export const IDEMPOTENCY_PARTITION = 'IDEMPOTENCY';

export const idempotencyPatterns = patterns({
  idempotencyRecord: library({
    entity: 'idempotency record',
    pattern:
      'a POST with an Idempotency-Key: its record claimed, completed with the reply, or released on failure',
    usedBy: 'every POST route with `Idempotency-Key`',
    functions: ['CrmApi', 'WorkspaceApi', 'TransferApi', 'DeliveryApi'],
    keyCondition:
      '`pk = IDEMPOTENCY, sk = <hash of user, route, path, key>`: Put if absent or expired, Update, Delete, Get',
    roundTrips: '+1 conditional Put before the command, +1 Update after (a repeat: 1 Get)',
    actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
  }),
});
