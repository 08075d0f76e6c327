import { CompanyCalendar, NO_COMPANY_CALENDAR } from '../../../../domain/delivery/calendar.js';
import { entityOf, notExists, versionIs } from '../item.js';
import { configKey } from '../partitions.js';
import { get, patterns, write } from '../pattern.js';
import type { Store } from '../store.js';
import { type UnitOfWork, VersionConflict } from '../unit-of-work.js';

// The company calendar (one config item): read when a project is planned (one GetItem), written
// by admins at its version. Until one is set, the default (Mon-Fri, 01-01 and 12-25 off).

const asCalendar = entityOf<CompanyCalendar>(CompanyCalendar);

const calendarKey = () => configKey('calendar');

export const companyCalendarPatterns = patterns({
  companyCalendar: get({
    entity: 'company calendar',
    pattern: 'the company calendar (working days and holidays)',
    usedBy: '`GET /calendar`, `POST /projects`, the handoff',
    functions: ['WorkspaceApi', 'DeliveryApi', 'CreateProjectOnWin'],
    keyCondition: '`pk = CONFIG#calendar, sk = CONFIG`',
    roundTrips: '1 GetItem',
    key: calendarKey,
  }),
  companyCalendarWritten: write({
    entity: 'company calendar',
    pattern: 'the company calendar, changed at its version',
    usedBy: '`PUT /calendar`',
    functions: ['WorkspaceApi'],
    keyCondition: 'Put `CONFIG#calendar` / `CONFIG` if absent, or at the version read',
    roundTrips: '1 transaction',
    actions: ['PutItem'],
  }),
});

export class CompanyCalendarRepository {
  constructor(private readonly store: Store) {}

  async get(): Promise<CompanyCalendar> {
    const item = await this.store.get(companyCalendarPatterns.companyCalendar);
    return item ? asCalendar(item) : NO_COMPANY_CALENDAR;
  }

  save(uow: UnitOfWork, before: CompanyCalendar, after: CompanyCalendar): UnitOfWork {
    return uow.add({
      pattern: companyCalendarPatterns.companyCalendarWritten,
      put: { ...calendarKey(), entity: 'company-calendar', ...after },
      condition: before.version === 0 ? notExists : versionIs(before.version),
      onConditionFailed: (current) =>
        new VersionConflict('company calendar', 'calendar', before.version, Number(current?.version ?? 0)),
    });
  }
}
