import type { CompanyCalendar, WorkingCalendar } from '../../../domain/delivery/calendar.js';
import { setCompanyCalendar as decide } from '../../../domain/delivery/company-calendar.commands.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Replaces the company calendar (admins), at the version read. */
export function setCompanyCalendar(
  s: Pick<Services, 'calendar' | 'store'>,
  body: WorkingCalendar,
  { ctx, ifMatch }: CommandInput,
): Promise<CompanyCalendar> {
  return versionedCommand({
    ifMatch,
    entity: 'company calendar',
    id: 'calendar',
    load: () => s.calendar.get(),
    run: async (current) => {
      const { calendar, events } = decide(current, body, ctx);
      await s.calendar.save(new UnitOfWork(), current, calendar).events(events).commit(s.store);
      return calendar;
    },
  });
}
