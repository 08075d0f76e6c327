// The project's working days, as the API plans them (its calendar travels with the project):
// the timeline snaps a dragged bar to whole business days and the header counts the gap to
// the promise in them, so both must skip the same weekends and holidays the schedule skips.

/** A project's `calendar`: ISO weekdays worked (1 = Monday), dated holidays, holidays every year (MM-DD). */
export interface WorkingCalendar {
  workingDays: number[];
  holidays?: string[];
  annualHolidays?: string[];
}

const DAY = 86_400_000;
const dayNumber = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY);
const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
/** ISO weekday (1 = Monday … 7 = Sunday) of a day number; day 0 (1970-01-01) was a Thursday. */
const weekday = (day: number) => ((((day + 3) % 7) + 7) % 7) + 1;
/** A calendar with no working day would loop for ever: ten years is where the search stops. */
const GUARD = 3_660;

export const addCalendarDays = (date: string, days: number) => dateOf(dayNumber(date) + days);
export const calendarDaysBetween = (from: string, to: string) => dayNumber(to) - dayNumber(from);

/** Today in the person's own time zone, as YYYY-MM-DD. */
export function localToday(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function businessDays(calendar: WorkingCalendar) {
  const working = new Set(calendar.workingDays);
  const holidays = new Set(calendar.holidays ?? []);
  const annual = new Set(calendar.annualHolidays ?? []);
  const isWorking = (day: number) => {
    if (!working.has(weekday(day))) return false;
    const date = dateOf(day);
    return !holidays.has(date) && !annual.has(date.slice(5));
  };
  const roll = (day: number, step: 1 | -1) => {
    let d = day;
    for (let i = 0; !isWorking(d) && i < GUARD; i++) d += step;
    return d;
  };
  return {
    isWorking: (date: string) => isWorking(dayNumber(date)),
    /** The working day on or after a date ('forward', for a start) or on or before it ('back', for a deadline). */
    roll: (date: string, direction: 'forward' | 'back') =>
      dateOf(roll(dayNumber(date), direction === 'forward' ? 1 : -1)),
    /** Working days from one working day to another (negative when `to` is earlier). */
    between(from: string, to: string): number {
      const a = dayNumber(from);
      const b = dayNumber(to);
      const [lo, hi, sign] = a <= b ? [a, b, 1] : [b, a, -1];
      let count = 0;
      for (let d = lo + 1; d <= hi; d++) if (isWorking(d)) count++;
      return sign * count;
    },
    /** A working day plus n working days (n may be negative). */
    add(date: string, n: number): string {
      let d = dayNumber(date);
      const step = n < 0 ? -1 : 1;
      for (let left = Math.abs(n); left > 0; ) {
        d += step;
        if (isWorking(d)) left--;
      }
      return dateOf(d);
    },
  };
}

export type BusinessDays = ReturnType<typeof businessDays>;
