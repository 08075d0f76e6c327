import { DealReasons, NO_REASONS } from '../../../../domain/crm/deal-reasons.js';
import { keys } from '../keys.js';
import { entityOf, notExists, type Store, versionIs } from '../store.js';
import { type UnitOfWork, VersionConflict } from '../unit-of-work.js';

// The won and lost reasons (one config item): read by every win and loss (one GetItem), written
// by admins at its version.

const asReasons = entityOf<DealReasons>(DealReasons);

export class DealReasonsRepository {
  constructor(private readonly store: Store) {}

  async get(): Promise<DealReasons> {
    const item = await this.store.get(keys.config('deal-reasons'));
    return item ? asReasons(item) : NO_REASONS;
  }

  save(uow: UnitOfWork, before: DealReasons, after: DealReasons): UnitOfWork {
    return uow.add({
      put: { ...keys.config('deal-reasons'), entity: 'deal-reasons', ...after },
      condition: before.version === 0 ? notExists : versionIs(before.version),
      onConditionFailed: (current) =>
        new VersionConflict('deal reasons', 'deal-reasons', before.version, Number(current?.version ?? 0)),
    });
  }
}
