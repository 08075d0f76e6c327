import type { DomainEvent } from '../../../domain/events.js';
import { NotFound, PreconditionFailed, ValidationFailed } from '../../../domain/shared/errors.js';
import { outboxItem, outboxPatterns } from './entities/outbox.js';
import { ConcurrentModification, type Item, type Key, notExists, versionIs, type Write } from './item.js';
import type { WritePattern } from './pattern.js';
import type { Store } from './store.js';

// One command, one transaction: the state change, its index copies and its events (as outbox
// items, docs/architecture.md, decision 2) are written together or not at all. Each write names
// its declared pattern (the entity's module), whose `entity` names the record in a refusal.

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

  create(pattern: WritePattern, item: Item): this {
    const entity = pattern.entity;
    return this.add({
      pattern,
      put: item,
      condition: notExists,
      onConditionFailed: () => new ConcurrentModification(`${entity} ${String(item.id)}`),
    });
  }

  /** Replace an item, on condition that it is still at the version the command read. */
  update(pattern: WritePattern, before: Versioned, item: Item): this {
    const entity = pattern.entity;
    return this.add({
      pattern,
      put: item,
      condition: versionIs(before.version),
      onConditionFailed: (current) =>
        current
          ? new VersionConflict(entity, before.id, before.version, Number(current.version))
          : new NotFound(entity, before.id),
    });
  }

  remove(pattern: WritePattern, before: Versioned, key: Key): this {
    const entity = pattern.entity;
    return this.add({
      pattern,
      delete: key,
      condition: versionIs(before.version),
      onConditionFailed: (current) =>
        current
          ? new VersionConflict(entity, before.id, before.version, Number(current.version))
          : new NotFound(entity, before.id),
    });
  }

  /** A record the command does not change must still be at the version it read when it commits. */
  requireVersion(pattern: WritePattern, before: Versioned, key: Key): this {
    const entity = pattern.entity;
    return this.add({
      pattern,
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
  requireExists(pattern: WritePattern, key: Key, path: string, what: string): this {
    return this.add({
      pattern,
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
  tombstone(pattern: WritePattern, before: Versioned, key: Key, survivorId: string, at: string): this {
    const entity = pattern.entity;
    return this.add({
      pattern,
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
  syncCopies(pattern: WritePattern, before: Item[], after: Write[]): this {
    const kept = new Set(after.map((w) => ('put' in w ? `${w.put.pk}|${w.put.sk}` : '')));
    for (const old of before) {
      if (!kept.has(`${old.pk}|${old.sk}`)) this.add({ pattern, delete: { pk: old.pk, sk: old.sk } });
    }
    return this.add(...after);
  }

  events(events: DomainEvent[]): this {
    for (const event of events)
      this.add({ pattern: outboxPatterns.outboxEvent, put: outboxItem(event), condition: notExists });
    return this;
  }

  get isEmpty(): boolean {
    return this.writes.length === 0;
  }

  async commit(store: Store): Promise<void> {
    await store.transact(this.writes);
  }
}
