import { CompanyCalendar, WorkingCalendar } from '../../../domain/delivery/calendar.js';
import { canAdminister, canRead } from '../../lib/http/access.js';
import { ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { setCompanyCalendar } from '../use-cases/set-company-calendar.js';

// The company calendar (docs/api.md, "The delivery rules the API enforces"): everyone reads it;
// only admins change it; projects planned from then on use it unless their template has its own.

export function calendarRoutes(s: Pick<Services, 'calendar' | 'store'>): Routes {
  return {
    'GET /calendar': route({
      tag: 'Templates',
      summary: 'The company calendar: working days and holidays new projects are planned on',
      roles: canRead,
      response: { status: 200, schema: CompanyCalendar },
      handle: async () => {
        const calendar = await s.calendar.get();
        return ok(calendar, calendar.version);
      },
    }),
    'PUT /calendar': route({
      tag: 'Templates',
      summary:
        'Replace the company calendar (admins); existing projects keep the calendar they were planned on',
      roles: canAdminister,
      body: WorkingCalendar,
      conditional: true,
      response: { status: 200, schema: CompanyCalendar },
      handle: async ({ body, ...input }) => {
        const calendar = await setCompanyCalendar(s, body, input);
        return ok(calendar, calendar.version);
      },
    }),
  };
}
