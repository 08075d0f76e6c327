import { type DomainEvent, emit } from '../events.js';
import { type CommandContext, hasRole } from '../shared/context.js';
import { Forbidden } from '../shared/errors.js';
import type { CompanyCalendar, WorkingCalendar } from './calendar.js';

// The company calendar: the deployment's working days and holidays, admin-managed, used to plan
// every project whose template sets no calendar of its own (a template's calendar wins: a
// customer site may keep other holidays). A project keeps the calendar it was planned on, so
// changing this one moves no existing plan; it applies from the next project on.

export function setCompanyCalendar(
  current: CompanyCalendar,
  input: WorkingCalendar,
  ctx: CommandContext,
): { calendar: CompanyCalendar; events: DomainEvent[] } {
  if (!hasRole(ctx.actor, 'admin')) throw new Forbidden('only admins set the company calendar');
  const calendar: CompanyCalendar = {
    ...input,
    holidays: [...new Set(input.holidays)].sort(),
    annualHolidays: [...new Set(input.annualHolidays ?? [])].sort(),
    updatedAt: ctx.now,
    updatedBy: ctx.actor.userId,
    version: current.version + 1,
  };
  return { calendar, events: [emit(ctx, 'CompanyCalendarChanged', { calendar })] };
}
