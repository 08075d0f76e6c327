import type { DomainEvent } from '../../../domain/events.js';
import { NotFound, PreconditionFailed, ValidationFailed } from '../../../domain/shared/errors.js';
import { toMillis } from '../../../domain/shared/time.js';
import { keys } from './keys.js';
import {
  ConcurrentModification,
  type Item,
  type Key,
  notExists,
  type Store,
  versionIs,
  type Write,
} from './store.js';

// One command, one transaction: the state change, its index copies and its events (as outbox
// items, docs/architecture.md, decision 2) are written together or not at all.

/** How long an outbox item stays after the stream has carried it (the relay reads it at once). */
const OUTBOX_RETENTION_SECONDS = 24 * 3600;

/** The optimistic lock failed: someone else wrote the item since it was read. */
export class VersionConflict extends ConcurrentModification {
  constructor(
    readonly entity: string,
    readonly id: string,
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(`${entity} ${id}`);
  }

  toPreconditionFailed(): PreconditionFailed {
    return new PreconditionFailed(this.entity, this.id, this.expectedVersion, this.currentVersion);
  }
}

export function outboxItem(event: DomainEvent): Item {
  return {
    ...keys.outbox(event.detail.id),
    entity: 'outbox',
    source: event.source,
    detailType: event.detailType,
    detail: JSON.stringify(event.detail),
    expiresAt: Math.floor(toMillis(event.detail.occurredAt) / 1000) + OUTBOX_RETENTION_SECONDS,
  };
}

export interface Versioned {
  id: string;
  version: number;
}

export class UnitOfWork {
  readonly writes: Write[] = [];

  add(...writes: Write[]): this {
    this.writes.push(...writes);
    return this;
  }

  create(entity: string, item: Item): this {
    return this.add({
      put: item,
      condition: notExists,
      onConditionFailed: () => new ConcurrentModification(`${entity} ${String(item.id)}`),
    });
  }

  /** Replace an item, on condition that it is still at the version the command read. */
  update(entity: string, before: Versioned, item: Item): this {
    return this.add({
      put: item,
      condition: versionIs(before.version),
      onConditionFailed: (current) =>
        current
          ? new VersionConflict(entity, before.id, before.version, Number(current.version))
          : new NotFound(entity, before.id),
    });
  }

  remove(entity: string, before: Versioned, key: Key): this {
    return this.add({
      delete: key,
      condition: versionIs(before.version),
      onConditionFailed: (current) =>
        current
          ? new VersionConflict(entity, before.id, before.version, Number(current.version))
          : new NotFound(entity, before.id),
    });
  }

  /** A record the command does not change must still be at the version it read when it commits. */
  requireVersion(entity: string, before: Versioned, key: Key): this {
    return this.add({
      check: key,
      condition: versionIs(before.version),
      onConditionFailed: (current) =>
        current
          ? new VersionConflict(entity, before.id, before.version, Number(current.version))
          : new NotFound(entity, before.id),
    });
  }

  /**
   * A record the command refers to must exist (and not have been merged into another) when it
   * commits: a condition, not a read.
   */
  requireExists(key: Key, path: string, what: string): this {
    return this.add({
      check: key,
      condition: { expression: 'attribute_exists(pk) AND attribute_not_exists(mergedInto)' },
      onConditionFailed: (current) =>
        new ValidationFailed([
          {
            path,
            message: current?.mergedInto
              ? `${what} was merged into ${String(current.mergedInto)}; use that one`
              : `${what} does not exist`,
          },
        ]),
    });
  }

  /** Replaces a merged record by its tombstone (no index keys: no list shows it), at the version read. */
  tombstone(entity: string, before: Versioned, key: Key, survivorId: string, at: string): this {
    return this.add({
      put: {
        ...key,
        entity: `${entity}-merged`,
        id: before.id,
        mergedInto: survivorId,
        mergedAt: at,
        version: before.version + 1,
      },
      condition: versionIs(before.version),
      onConditionFailed: (current) =>
        current
          ? new VersionConflict(entity, before.id, before.version, Number(current.version))
          : new NotFound(entity, before.id),
    });
  }

  /** Keep copies in sync: put every current copy, delete the ones the change made obsolete. */
  syncCopies(before: Item[], after: Write[]): this {
    const kept = new Set(after.map((w) => ('put' in w ? `${w.put.pk}|${w.put.sk}` : '')));
    for (const old of before) {
      if (!kept.has(`${old.pk}|${old.sk}`)) this.add({ delete: { pk: old.pk, sk: old.sk } });
    }
    return this.add(...after);
  }

  events(events: DomainEvent[]): this {
    for (const event of events) this.add({ put: outboxItem(event), condition: notExists });
    return this;
  }

  get isEmpty(): boolean {
    return this.writes.length === 0;
  }

  async commit(store: Store): Promise<void> {
    await store.transact(this.writes);
  }
}
