import { ConcurrentModification, notExists } from '../item.js';
import { configKey } from '../partitions.js';
import { get, patterns, write } from '../pattern.js';
import type { Store } from '../store.js';

// The key that signs pagination cursors (functions/lib/http/cursor.ts): one config item, made
// once by the first function instance that issues a cursor, read by every other.

const cursorKey = () => configKey('cursor-key');

/** The API functions that list (and so sign cursors). */
const LISTING = ['CrmApi', 'WorkspaceApi', 'TransferApi', 'DeliveryApi'] as const;

export const cursorKeyPatterns = patterns({
  cursorKey: get({
    entity: 'config',
    pattern: 'the cursor-signing key',
    usedBy: 'the first page with a next cursor, or the first cursor checked, of a function instance',
    functions: LISTING,
    keyCondition: '`pk = CONFIG#cursor-key, sk = CONFIG`',
    roundTrips: '1 GetItem per function instance',
    key: cursorKey,
  }),
  cursorKeyMade: write({
    entity: 'config',
    pattern: 'the cursor-signing key, made once',
    usedBy: 'the first cursor a deployment issues',
    functions: LISTING,
    keyCondition: 'Put `CONFIG#cursor-key` / `CONFIG` if absent',
    roundTrips: '1 transaction, once',
    actions: ['PutItem'],
  }),
});

/** The stored signing key, base64, if there is one. */
export async function readCursorKey(store: Store): Promise<string | undefined> {
  const item = await store.get(cursorKeyPatterns.cursorKey);
  return item ? String(item.secret) : undefined;
}

/** Stores a new signing key unless one exists; false when another instance made one first. */
export async function makeCursorKey(store: Store, secret: string): Promise<boolean> {
  try {
    await store.transact([
      {
        pattern: cursorKeyPatterns.cursorKeyMade,
        put: { ...cursorKey(), entity: 'config', secret },
        condition: notExists,
        onConditionFailed: () => new ConcurrentModification('cursor key'),
      },
    ]);
    return true;
  } catch (error) {
    if (error instanceof ConcurrentModification) return false;
    throw error;
  }
}
