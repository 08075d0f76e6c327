import { CompanyCalendar, NO_COMPANY_CALENDAR } from '../../../../domain/delivery/calendar.js';
import { keys } from '../keys.js';
import { entityOf, notExists, type Store, versionIs } from '../store.js';
import { type UnitOfWork, VersionConflict } from '../unit-of-work.js';

// The company calendar (one config item): read when a project is planned (one GetItem), written
// by admins at its version. Until one is set, the default (Mon-Fri, 01-01 and 12-25 off).

const asCalendar = entityOf<CompanyCalendar>(CompanyCalendar);

export class CompanyCalendarRepository {
  constructor(private readonly store: Store) {}

  async get(): Promise<CompanyCalendar> {
    const item = await this.store.get(keys.config('calendar'));
    return item ? asCalendar(item) : NO_COMPANY_CALENDAR;
  }

  save(uow: UnitOfWork, before: CompanyCalendar, after: CompanyCalendar): UnitOfWork {
    return uow.add({
      put: { ...keys.config('calendar'), entity: 'company-calendar', ...after },
      condition: before.version === 0 ? notExists : versionIs(before.version),
      onConditionFailed: (current) =>
        new VersionConflict('company calendar', 'calendar', before.version, Number(current?.version ?? 0)),
    });
  }
}
