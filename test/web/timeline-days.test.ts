import { describe, expect, it } from 'vitest';
import { BusinessDays } from '../../domain/delivery/calendar.js';
import { addCalendarDays, businessDays } from '../../web/src/projects/business-days.js';
import { focusDate } from '../../web/src/projects/gantt-scale.js';

// The console snaps a dragged bar to working days and counts the gap to the promise on the
// project's calendar without asking the API; it must count as the API's scheduler does
// (domain/delivery/calendar.ts), or a bar would be dropped on a day the plan then moves.

const CALENDARS = {
  'Monday to Friday, 1 January and 25 December off': {
    workingDays: [1, 2, 3, 4, 5],
    holidays: [],
    annualHolidays: ['01-01', '12-25'],
  },
  'a site working Sunday to Thursday, with dated holidays': {
    workingDays: [7, 1, 2, 3, 4],
    holidays: ['2031-04-08', '2031-04-09', '2031-05-01'],
  },
};

describe("the timeline's working days agree with the API's scheduler", () => {
  for (const [name, calendar] of Object.entries(CALENDARS)) {
    it(name, () => {
      const mine = businessDays(calendar);
      const api = new BusinessDays('2030-11-01', calendar);
      for (let i = 0; i < 500; i += 3) {
        const day = addCalendarDays('2030-12-01', i);
        expect(mine.isWorking(day)).toBe(api.isWorkingDate(day));
        const start = mine.roll(day, 'forward');
        expect(start).toBe(api.date(api.index(day, 'forward')));
        expect(mine.roll(day, 'back')).toBe(api.date(api.index(day, 'back')));
        for (const n of [0, 1, 4, 13]) {
          const later = mine.add(start, n);
          expect(later).toBe(api.add(start, n));
          expect(mine.between(start, later)).toBe(n);
          expect(mine.between(later, start) + n).toBe(0);
        }
      }
    });
  }
});

describe('where the timeline opens', () => {
  const chart = { from: '2031-01-06', to: '2031-06-30' };
  const task = (startDate: string, dueDate: string, status = 'todo') => ({ startDate, dueDate, status });

  it('on the first unfinished task past its due date, ahead of today and the promise', () => {
    const tasks = [
      task('2031-01-06', '2031-01-10', 'done'),
      task('2031-02-03', '2031-02-07'),
      task('2031-01-20', '2031-01-24'),
    ];
    expect(focusDate(tasks, '2031-03-02', '2031-06-30', chart)).toBe('2031-01-20');
  });

  it('on today when nothing is late, or the promise when it has passed', () => {
    expect(focusDate([task('2031-03-10', '2031-03-14')], '2031-03-02', '2031-06-30', chart)).toBe(
      '2031-03-02',
    );
    expect(focusDate([], '2031-06-20', '2031-05-29', chart)).toBe('2031-05-29');
  });

  it('within the chart: its first day for a project still to come, its last for one long past', () => {
    expect(focusDate([], '2030-11-02', '2031-06-30', chart)).toBe('2031-01-06');
    expect(focusDate([], '2032-01-05', null, chart)).toBe('2031-06-30');
  });
});
