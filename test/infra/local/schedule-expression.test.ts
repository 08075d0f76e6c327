import { describe, expect, it } from 'vitest';
import { parseScheduleExpression, zonedTime } from '../../../infra/local/schedule-expression.js';

describe('EventBridge Scheduler expressions on the local scheduler', () => {
  it('rate(): every interval from the start', () => {
    const start = new Date('2030-01-01T00:00:00Z');
    const next = parseScheduleExpression('rate(5 minutes)', 'UTC', start);
    expect(next(new Date('2030-01-01T00:00:00Z'))?.toISOString()).toBe('2030-01-01T00:05:00.000Z');
    expect(next(new Date('2030-01-01T00:07:00Z'))?.toISOString()).toBe('2030-01-01T00:10:00.000Z');
    expect(parseScheduleExpression('rate(1 day)', 'UTC', start)(start)?.toISOString()).toBe(
      '2030-01-02T00:00:00.000Z',
    );
  });

  it("cron(): AWS fields, ? and Sunday = 1, in the schedule's time zone", () => {
    const weekdays = parseScheduleExpression('cron(0 7 ? * 2-6 *)', 'Europe/Berlin');
    // Friday 2030-01-04 08:00 Berlin → next is Monday 2030-01-07 07:00 Berlin = 06:00Z
    expect(weekdays(new Date('2030-01-04T07:00:00Z'))?.toISOString()).toBe('2030-01-07T06:00:00.000Z');
    const sundays = parseScheduleExpression('cron(30 12 ? * 1 *)', 'UTC');
    expect(sundays(new Date('2030-01-01T00:00:00Z'))?.toISOString()).toBe('2030-01-06T12:30:00.000Z');
    expect(() => parseScheduleExpression('cron(0 7 * * ?)', 'UTC')).toThrow(/six fields/);
  });

  it('at(): once, at a wall-clock time of the zone, across daylight saving', () => {
    expect(zonedTime('2030-07-01T09:00:00', 'Europe/Berlin').toISOString()).toBe('2030-07-01T07:00:00.000Z');
    expect(zonedTime('2030-01-01T09:00:00', 'Europe/Berlin').toISOString()).toBe('2030-01-01T08:00:00.000Z');
    const once = parseScheduleExpression('at(2030-03-31T09:00:00)', 'America/New_York');
    expect(once(new Date('2030-01-01T00:00:00Z'))?.toISOString()).toBe('2030-03-31T13:00:00.000Z');
    expect(once(new Date('2030-04-01T00:00:00Z'))).toBeUndefined();
  });

  it('refuses what is not a schedule expression', () => {
    expect(() => parseScheduleExpression('every 5 minutes')).toThrow(/not a schedule expression/);
  });
});
