// Logged time as people say it: "1 h 30 min on 3 Mar" (the year only when it is not this one).

/** 90 → "1 h 30 min", 120 → "2 h", 45 → "45 min". */
export function duration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

const thisYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const otherYear = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** A calendar date (YYYY-MM-DD), short: "3 Mar", or "3 Mar 2030" in another year. */
export function shortDay(day: string, now = new Date()): string {
  const d = new Date(`${day}T00:00:00Z`);
  return (d.getUTCFullYear() === now.getFullYear() ? thisYear : otherYear).format(d);
}

/** Hours as a form holds them ("1.5") from minutes. */
export const hoursOf = (minutes: number) => String(Math.round((minutes / 60) * 100) / 100);

/** Minutes from what was typed in an hours field ("1.5" or "1,5"); NaN when it is not a number (the API names the field). */
export const minutesOf = (hours: string) =>
  hours.trim() === '' ? Number.NaN : Math.round(Number(hours.trim().replace(',', '.')) * 60);
