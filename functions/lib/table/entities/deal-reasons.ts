import { DealReasons, NO_REASONS } from '../../../../domain/crm/deal-reasons.js';
import { entityOf, notExists, versionIs } from '../item.js';
import { configKey } from '../partitions.js';
import { get, patterns, write } from '../pattern.js';
import type { Store } from '../store.js';
import { type UnitOfWork, VersionConflict } from '../unit-of-work.js';

// The won and lost reasons (one config item): read by every win and loss (one GetItem), written
// by admins at its version.

const asReasons = entityOf<DealReasons>(DealReasons);

const reasonsKey = () => configKey('deal-reasons');

export const dealReasonPatterns = patterns({
  dealReasons: get({
    entity: 'deal reasons',
    pattern: 'the won and lost reasons',
    usedBy: '`POST /deals/{id}/won`, `POST /deals/{id}/lost`, `GET /deal-reasons`',
    functions: ['CrmApi', 'WorkspaceApi'],
    keyCondition: '`pk = CONFIG#deal-reasons, sk = CONFIG`',
    roundTrips: '1 GetItem',
    key: reasonsKey,
  }),
  dealReasonsWritten: write({
    entity: 'deal reasons',
    pattern: 'the won and lost reasons, changed at their version',
    usedBy: '`PUT /deal-reasons`',
    functions: ['WorkspaceApi'],
    keyCondition: 'Put `CONFIG#deal-reasons` / `CONFIG` if absent, or at the version read',
    roundTrips: '1 transaction',
    actions: ['PutItem'],
  }),
});

export class DealReasonsRepository {
  constructor(private readonly store: Store) {}

  async get(): Promise<DealReasons> {
    const item = await this.store.get(dealReasonPatterns.dealReasons);
    return item ? asReasons(item) : NO_REASONS;
  }

  save(uow: UnitOfWork, before: DealReasons, after: DealReasons): UnitOfWork {
    return uow.add({
      pattern: dealReasonPatterns.dealReasonsWritten,
      put: { ...reasonsKey(), entity: 'deal-reasons', ...after },
      condition: before.version === 0 ? notExists : versionIs(before.version),
      onConditionFailed: (current) =>
        new VersionConflict('deal reasons', 'deal-reasons', before.version, Number(current?.version ?? 0)),
    });
  }
}
