import { CronExpressionParser } from 'cron-parser';

// EventBridge Scheduler's expressions, for the local scheduler: rate(5 minutes),
// cron(0 7 * * ? *) (AWS's six fields: minutes hours day-of-month month day-of-week year, with
// Sunday = 1) and at(2030-01-01T09:00:00), in the schedule's time zone. cron-parser does the
// calendar work; this only translates AWS's dialect into its own.

export type NextFire = (after: Date) => Date | undefined;

const RATE_UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export function parseScheduleExpression(
  expression: string,
  timezone = 'UTC',
  startedAt = new Date(),
): NextFire {
  const rate = /^rate\((\d+)\s+(minute|hour|day)s?\)$/.exec(expression);
  if (rate) {
    const every = Number(rate[1]) * RATE_UNITS[rate[2]!]!;
    if (every <= 0) throw new Error(`${expression}: the rate must be positive`);
    return (after) =>
      new Date(
        startedAt.getTime() + (Math.floor((after.getTime() - startedAt.getTime()) / every) + 1) * every,
      );
  }
  const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  if (at) {
    const when = zonedTime(at[1]!, timezone);
    return (after) => (when > after ? when : undefined);
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (cron) {
    const fields = cron[1]!.trim().split(/\s+/);
    if (fields.length !== 6)
      throw new Error(
        `${expression}: AWS cron has six fields (minutes hours day-of-month month day-of-week year)`,
      );
    const [minutes, hours, dom, month, dow, year] = fields as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (year !== '*') throw new Error(`${expression}: the local scheduler supports the year field * only`);
    const translated = [minutes, hours, dom, month, translateDayOfWeek(dow)]
      .map((f) => (f === '?' ? '*' : f))
      .join(' ');
    return (after) => {
      const next = CronExpressionParser.parse(translated, { currentDate: after, tz: timezone }).next();
      return next.toDate();
    };
  }
  throw new Error(`${expression} is not a schedule expression (rate, cron or at)`);
}

/** AWS numbers days 1 (Sunday) to 7 (Saturday); cron-parser 0 (Sunday) to 6. */
function translateDayOfWeek(field: string): string {
  return field.replace(
    /(^|[,\-/#])([1-7])(?=$|[,\-/#L])/g,
    (_, sep: string, d: string) => `${sep}${Number(d) - 1}`,
  );
}

/** A wall-clock time in a zone, as an instant. */
export function zonedTime(local: string, timezone: string): Date {
  const guess = new Date(`${local}Z`);
  const offset = (d: Date) => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(d);
    const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
    return (
      Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) -
      d.getTime()
    );
  };
  return new Date(guess.getTime() - offset(new Date(guess.getTime() - offset(guess))));
}
