import { NotFound } from '../../../domain/shared/errors.js';
import type { Instant } from '../../../domain/shared/time.js';
import { ConcurrentModification, type Item, notExists } from './item.js';
import { type Page, type PageRequest, pageOf } from './page.js';
import type { GetPattern, QueryPattern, WritePattern } from './pattern.js';
import type { Store } from './store.js';
import type { UnitOfWork } from './unit-of-work.js';

/** What a kind of record with a built-in default (pipelines, kickoff templates) is stored as. */
export interface DefaultFirstKind<T> {
  /** The record's kind, as a 404 names it. */
  entity: string;
  item(record: T): Item;
  from(item: Record<string, unknown>): T;
  defaultId: string;
  makeDefault(now: Instant): T;
  /** One record by id. */
  byId: GetPattern<[id: string]>;
  /** Every record of the kind, the default first (an access pattern of gsi1). */
  all: QueryPattern<[]>;
  /** The record written: created (the default, once), changed at its version. */
  written: WritePattern;
}

/**
 * Records of a kind that has a built-in default, listed default first. The default exists from
 * the first request that needs the kind: written once, on condition that it is not there yet,
 * the first time a function instance needs it.
 */
export class DefaultFirstRepository<T> {
  private ensured?: Promise<void>;

  constructor(
    protected readonly store: Store,
    private readonly kind: DefaultFirstKind<T>,
  ) {}

  ensureDefault(now: Instant): Promise<void> {
    this.ensured ??= this.store
      .transact([
        {
          pattern: this.kind.written,
          put: this.kind.item(this.kind.makeDefault(now)),
          condition: notExists,
          onConditionFailed: () => new ConcurrentModification(`default ${this.kind.entity}`),
        },
      ])
      .catch((error: unknown) => {
        if (!(error instanceof ConcurrentModification)) {
          this.ensured = undefined;
          throw error;
        }
      });
    return this.ensured;
  }

  async get(id: string): Promise<T | undefined> {
    const item = await this.store.get(this.kind.byId, id);
    return item ? this.kind.from(item) : undefined;
  }

  async require(id: string): Promise<T> {
    const record = await this.get(id);
    if (!record) throw new NotFound(this.kind.entity, id);
    return record;
  }

  requireDefault(): Promise<T> {
    return this.require(this.kind.defaultId);
  }

  list(page: PageRequest): Promise<Page<T>> {
    return pageOf(this.store, { ...this.kind.all.query(), ...page }, this.kind.from);
  }

  /** Every record of the kind (a handful: pipelines and templates are configuration). */
  async all(): Promise<T[]> {
    return (await this.store.queryAll(this.kind.all.query())).map(this.kind.from);
  }

  create(uow: UnitOfWork, record: T): UnitOfWork {
    return uow.create(this.kind.written, this.kind.item(record));
  }

  update(uow: UnitOfWork, before: T & { id: string; version: number }, after: T): UnitOfWork {
    return uow.update(this.kind.written, before, this.kind.item(after));
  }
}
