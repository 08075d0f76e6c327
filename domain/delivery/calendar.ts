import { ValidationFailed } from '../shared/errors.js';
import { CalendarDate, Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';

// Working days. A project is scheduled in business-day indices (day 0 = the kickoff's working
// day) and only turned into dates at the edges, so every duration, offset and lag counts
// working days on the project's own calendar (weekdays and holidays).

export const WorkingCalendar = z
  .strictObject(() => ({
    /** ISO weekdays that are worked: 1 = Monday … 7 = Sunday. */
    workingDays: z
      .array(z.int().min(1).max(7))
      .min(1, { error: 'work at least one day a week' })
      .refine((d) => new Set(d).size === d.length, { error: 'lists a weekday twice' }),
    holidays: z.array(CalendarDate).max(1000).default([]),
    /** Holidays every year, as MM-DD (01-01, 12-25). */
    annualHolidays: z
      .array(
        z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { error: 'must be MM-DD, e.g. 12-25' }),
      )
      .max(50)
      .optional(),
  }))
  .register(z.globalRegistry, { id: 'WorkingCalendar' });
export type WorkingCalendar = z.infer<typeof WorkingCalendar>;

/** No holidays at all: what a template's own calendar means when it lists none. */
export const STANDARD_CALENDAR: WorkingCalendar = { workingDays: [1, 2, 3, 4, 5], holidays: [] };

/**
 * The deployment's calendar until an admin sets one (PUT /calendar): Monday to Friday, with New
 * Year's Day and Christmas Day off every year, the two holidays nearly every business shares.
 */
export const DEFAULT_COMPANY_CALENDAR: WorkingCalendar = {
  workingDays: [1, 2, 3, 4, 5],
  holidays: [],
  annualHolidays: ['01-01', '12-25'],
};

/**
 * The company calendar as stored: the deployment's working days and holidays (admin-managed),
 * used to plan every project whose template sets no calendar of its own.
 */
export const CompanyCalendar = z
  .extend(WorkingCalendar, () => ({
    updatedAt: Instant.optional(),
    updatedBy: z.string().optional(),
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'CompanyCalendar' });
export type CompanyCalendar = z.infer<typeof CompanyCalendar>;

export const NO_COMPANY_CALENDAR: CompanyCalendar = { ...DEFAULT_COMPANY_CALENDAR, version: 0 };

/** The calendar a plan uses from it (without its bookkeeping). */
export function workingCalendarOf(c: CompanyCalendar): WorkingCalendar {
  return { workingDays: c.workingDays, holidays: c.holidays, annualHolidays: c.annualHolidays };
}

const MS_PER_DAY = 86_400_000;

function toDayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY);
}

function fromDayNumber(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The last day a calendar date (YYYY-MM-DD) can name. */
const LAST_DAY = toDayNumber('9999-12-31');

/**
 * A plan whose dates would run past 9999-12-31: its dates could not be written as calendar dates,
 * so the change that causes it is refused (422) rather than stored half-dated.
 */
export class PlanBeyondLastDate extends ValidationFailed {
  constructor() {
    super([{ path: '', message: 'the plan would run past 9999-12-31, the last date a plan can hold' }]);
  }
}

/** A working day's date, refusing one no calendar date can name. */
function checkedDay(day: number): number {
  if (day > LAST_DAY) throw new PlanBeyondLastDate();
  return day;
}

function monthDay(day: number): number {
  const at = new Date(day * MS_PER_DAY);
  return (at.getUTCMonth() + 1) * 100 + at.getUTCDate();
}

/** ISO weekday of a day number (1970-01-01 was a Thursday = 4). */
function weekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/**
 * Maps business-day indices to dates and back, from an origin date. Index 0 is the first
 * working day on or after the origin. Dates are produced lazily and cached, so converting a
 * whole schedule is linear in its span.
 */
export class BusinessDays {
  private readonly working: Set<number>;
  private readonly holidays: Set<number>;
  /** Annual holidays as month × 100 + day (12-25 → 1225), compared without formatting a date. */
  private readonly annual: Set<number>;
  private readonly dates: number[] = [];
  readonly origin: string;

  constructor(origin: string, calendar: WorkingCalendar = STANDARD_CALENDAR) {
    this.working = new Set(calendar.workingDays);
    this.holidays = new Set(calendar.holidays.map(toDayNumber));
    this.annual = new Set(
      (calendar.annualHolidays ?? []).map((md) => Number(md.slice(0, 2)) * 100 + Number(md.slice(3))),
    );
    let day = toDayNumber(origin);
    for (let guard = 0; !this.isWorking(day); guard++, day++) {
      if (guard > 3660)
        throw new ValidationFailed([
          { path: '', message: `the calendar has no working day in the ten years from ${origin}` },
        ]);
    }
    this.dates.push(checkedDay(day));
    this.origin = fromDayNumber(day);
  }

  isWorkingDate(date: string): boolean {
    return this.isWorking(toDayNumber(date));
  }

  private isWorking(day: number): boolean {
    return (
      this.working.has(weekday(day)) &&
      !this.holidays.has(day) &&
      (this.annual.size === 0 || !this.annual.has(monthDay(day)))
    );
  }

  /** The date of business-day index i (i ≥ 0). */
  date(index: number): string {
    if (index < 0) throw new RangeError(`business day ${index} is before the origin`);
    this.extendTo(index);
    return fromDayNumber(this.dates[index]!);
  }

  /** Finds the working days up to index i (as day numbers: a far date costs no formatting). */
  private extendTo(index: number): void {
    while (this.dates.length <= index) {
      let day = this.dates.at(-1)! + 1;
      while (!this.isWorking(day)) day++;
      this.dates.push(checkedDay(day));
    }
  }

  /**
   * The index of a date: its own when it is a working day; otherwise `roll` decides between
   * the working day before ('back', for deadlines) or after ('forward', for starts).
   * Dates before the origin count backwards as negative indices.
   */
  index(date: string, roll: 'forward' | 'back' = 'forward'): number {
    let day = toDayNumber(date);
    const origin = this.dates[0]!;
    while (!this.isWorking(day)) day += roll === 'forward' ? 1 : -1;
    if (day >= origin) {
      while (this.dates.at(-1)! < day) this.extendTo(this.dates.length);
      let lo = 0;
      let hi = this.dates.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.dates[mid]! < day) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    }
    let i = 0;
    for (let d = origin - 1; d >= day; d--) if (this.isWorking(d)) i--;
    return i;
  }

  /** A date plus n business days (n may be negative). */
  add(date: string, n: number): string {
    const i = this.index(date, 'forward') + n;
    if (i >= 0) return this.date(i);
    let day = this.dates[0]!;
    for (let k = 0; k > i; ) {
      day--;
      if (this.isWorking(day)) k--;
    }
    return fromDayNumber(day);
  }
}
